"""What the `manage.py` commands that read a feed file share: reading the file, and writing the
report — each problem with its line on stderr and a failing exit when nothing was applied, the
summary on stdout when it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from django.core.management.base import BaseCommand, CommandError

SHOWN_ERRORS = 200


class CommandReport(Protocol):
    @property
    def ok(self) -> bool: ...

    @property
    def errors(self) -> list[Any]: ...

    def summary(self) -> str: ...


def feed_file_read(path_text: str) -> tuple[bytes, str]:
    """The file's bytes and name, or CommandError «无法读取文件»."""
    path = Path(path_text)
    try:
        return path.read_bytes(), path.name
    except OSError as error:
        raise CommandError(f"无法读取文件：{path}") from error


def feed_report_write(command: BaseCommand, report: CommandReport) -> None:
    """The summary when applied; else the problems (the first SHOWN_ERRORS) and CommandError."""
    if report.ok:
        command.stdout.write(command.style.SUCCESS(report.summary()))
        return
    total = int(getattr(report, "error_count", len(report.errors)))
    shown = report.errors[:SHOWN_ERRORS]
    for problem in shown:
        command.stderr.write(str(problem))
    if total > len(shown):
        command.stderr.write(f"……另有{total - len(shown)}处错误")
    raise CommandError(report.summary())
