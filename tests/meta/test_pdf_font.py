"""The PDF font: every printed document names one family (yibao.core.pdf.FONT_FAMILY), and what
installs the system packages checks for that family, not for any CJK font (a machine whose CJK
font was not Noto passed the check, then failed the PDF tests)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core import checks

from yibao.core.pdf import FONT_FAMILY, pdf_font_find

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "ensure_system_packages.sh"
needs_fontconfig = pytest.mark.skipif(shutil.which("fc-list") is None, reason="fontconfig not installed")


@pytest.fixture
def other_cjk_font_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A fontconfig that knows one CJK font, and not the PDF font: the serif face of Noto CJK."""
    serif = next(
        (line.split(":")[0] for line in _run("fc-list", ":lang=zh", "file").splitlines() if "Serif" in line),
        "",
    )
    if not serif:
        pytest.skip("no second CJK font on this machine to stand in for another one")
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / Path(serif).name).symlink_to(serif)
    config = tmp_path / "fonts.conf"
    config.write_text(
        f'<?xml version="1.0"?><fontconfig><dir>{fonts}</dir><cachedir>{tmp_path / "cache"}</cachedir></fontconfig>'
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    return {**os.environ, "FONTCONFIG_FILE": str(config)}


def _run(*command: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(list(command), capture_output=True, text=True, check=True, env=env)  # noqa: S603
    return done.stdout


@needs_fontconfig
def test_the_package_check_wants_the_pdf_font_not_any_cjk_font(other_cjk_font_only: dict[str, str]) -> None:
    assert _run("fc-list", ":lang=zh", "family", env=other_cjk_font_only).strip()  # a CJK font is there
    env = {**other_cjk_font_only, "ENSURE_PACKAGES_DRY_RUN": "1"}
    for mode in ("run", "test"):
        assert "fonts-noto-cjk" in _run(str(SCRIPT), mode, env=env).split(), mode


@needs_fontconfig
def test_with_the_pdf_font_nothing_is_missing_for_printing() -> None:
    if pdf_font_find() is None:
        pytest.skip(f"{FONT_FAMILY} is not installed here")
    env = {**os.environ, "ENSURE_PACKAGES_DRY_RUN": "1"}
    assert "fonts-noto-cjk" not in _run(str(SCRIPT), "run", env=env).split()


@needs_fontconfig
def test_the_system_check_warns_without_the_pdf_font(other_cjk_font_only: dict[str, str]) -> None:
    assert pdf_font_find() is None
    found = [message for message in checks.run_checks() if message.id == "yibao.W001"]
    assert len(found) == 1 and FONT_FAMILY in found[0].msg


def test_every_print_stylesheet_names_the_pdf_font_alone() -> None:
    sheets = sorted(ROOT.glob("yibao/*/templates/*/print/*.css"))
    assert len(sheets) >= 2
    for sheet in sheets:
        families = re.findall(r"font-family:\s*([^;]+);", sheet.read_text())
        assert families == [f'"{FONT_FAMILY}"'], sheet


def test_make_run_makes_sure_the_pdf_font_is_there() -> None:
    makefile = (ROOT / "Makefile").read_text()
    run = re.search(r"^run: (.*)$", makefile, flags=re.MULTILINE)
    assert run is not None and "run-packages" in run.group(1).split()
    assert "scripts/ensure_system_packages.sh run" in makefile
