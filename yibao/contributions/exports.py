"""缴费明细导出: the detail rows of a range as an xlsx, streamed from the query into a temporary
file by the streaming writer (yibao.core.spreadsheets.streaming), so memory stays flat for any
unit size."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Any

from yibao.contributions.models import Contribution
from yibao.contributions.periods import period_text
from yibao.core.masking import MASKED, IdentityDisplay
from yibao.core.reference import code_choices
from yibao.core.spreadsheets.cells import neutralise
from yibao.core.spreadsheets.streaming import Column, Sheet, write_xlsx

SHEET = "缴费明细"
MONEY = "#,##0.00"
COLUMNS = (
    Column("费款所属期", 12),
    Column("姓名", 12),
    Column("证件号码", 22),
    Column("险种", 22),
    Column("缴费基数", 14, "number", MONEY),
    Column("单位缴费", 14, "number", MONEY),
    Column("个人缴费", 14, "number", MONEY),
    Column("到账状态", 10),
)
TITLES = tuple(column.title for column in COLUMNS)

DetailCells = tuple[str, str, str, str, Decimal, Decimal, Decimal, str]


class _Labels(dict[Any, str]):
    """Code → display text, each looked up (and neutralised) once per export."""

    def __init__(self, labels: dict[str, str], text: Any = str) -> None:
        super().__init__()
        self.labels = labels
        self.text = text

    def __missing__(self, key: Any) -> str:
        value = self[key] = neutralise(self.labels.get(key) or self.text(key))
        return value


def detail_cells(
    rows: Iterable[tuple[Any, ...]], identity: IdentityDisplay = MASKED
) -> Iterator[DetailCells]:
    """The sheet values of the query rows: months and codes as text, names neutralised against
    formulas, ID numbers masked unless the operator's grant allows them in full."""
    periods = _Labels({}, period_text)
    insutypes = _Labels(dict(code_choices("insutype", include_inactive=True)))
    arrivals = _Labels(dict(Contribution.Arrival.choices))
    for period, name, cert_no, insutype, base, unit_amount, personal, arrival in rows:
        yield (
            periods[period],
            neutralise(name or ""),
            identity.id_number(cert_no),
            insutypes[insutype],
            base,
            unit_amount,
            personal,
            arrivals[arrival],
        )


def detail_xlsx(rows: Iterable[tuple[Any, ...]], identity: IdentityDisplay = MASKED) -> IO[bytes]:
    """The workbook in an anonymous temporary file, positioned at its start."""
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response
    try:
        write_xlsx(target, [Sheet(SHEET, COLUMNS, detail_cells(rows, identity))])
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target
