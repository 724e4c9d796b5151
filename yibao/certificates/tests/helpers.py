"""Test helpers for certificates: paid months of an insurance relation, reading PDFs."""

from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path

from yibao.contributions.models import Contribution
from yibao.contributions.summaries import unit_months_summarise
from yibao.enrollment.models import Insurance


def paid(insurance: Insurance, *periods: int, arrived: bool = True) -> None:
    """Contribution rows of the insurance's person, unit and 险种 for the given months, and the
    unit's summary of those months (as the contribution feed keeps it)."""
    Contribution.objects.bulk_create(
        Contribution(
            unit=insurance.unit,
            person=insurance.person,
            insutype=insurance.insutype,
            period=period,
            base=Decimal("6000.00"),
            unit_amount=Decimal("480.00"),
            personal_amount=Decimal("120.00"),
            arrival=Contribution.Arrival.ARRIVED if arrived else Contribution.Arrival.PENDING,
        )
        for period in periods
    )
    unit_months_summarise(unit_id=insurance.unit_id, periods=periods)


def months(first: int, count: int) -> list[int]:
    """`count` consecutive YYYYMM months from `first`."""
    year, month = divmod(first, 100)
    result = []
    for _ in range(count):
        result.append(year * 100 + month)
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return result


def poppler(tool: str, pdf: bytes, *args: str, tmp_path: Path) -> str:
    """Run a poppler-utils tool (pdftotext, pdffonts) on the PDF bytes; its standard output."""
    path = tmp_path / f"{tool}.pdf"
    path.write_bytes(pdf)
    command = [tool, *args, str(path)] + (["-"] if tool == "pdftotext" else [])
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603 - poppler on our file
    return done.stdout


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    return poppler("pdftotext", pdf, "-layout", tmp_path=tmp_path)


def pdf_fonts(pdf: bytes, tmp_path: Path) -> str:
    return poppler("pdffonts", pdf, tmp_path=tmp_path)
