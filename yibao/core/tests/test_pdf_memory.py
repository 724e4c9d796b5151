"""Printing frees the renderer's garbage at once in a web worker (config/gunicorn.conf.py freezes
each worker's start-up heap), and leaves it to the collector elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from yibao.core import pdf

STYLESHEET = (
    Path(pdf.__file__).resolve().parent.parent
    / "certificates"
    / "templates"
    / "certificates"
    / "print"
    / "certificate.css"
)


@pytest.fixture
def collections(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    made: list[int] = []

    def collect(generation: int = 2) -> int:
        made.append(generation)
        return 0

    monkeypatch.setattr(pdf.gc, "collect", collect)
    return made


def _print() -> bytes:
    return pdf.pdf_from_html("<p>参保证明</p>", stylesheet=STYLESHEET)


def test_a_process_with_a_frozen_heap_collects_after_each_pdf(
    monkeypatch: pytest.MonkeyPatch, collections: list[int]
) -> None:
    monkeypatch.setattr(pdf.gc, "get_freeze_count", lambda: 250_000)
    assert _print().startswith(b"%PDF")
    assert collections == [2]


def test_elsewhere_the_collector_keeps_its_own_schedule(
    monkeypatch: pytest.MonkeyPatch, collections: list[int]
) -> None:
    monkeypatch.setattr(pdf.gc, "get_freeze_count", lambda: 0)
    assert _print().startswith(b"%PDF")
    assert collections == []
