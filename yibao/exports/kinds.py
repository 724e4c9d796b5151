"""The kinds of export (导出内容) and how each is built. An app registers its kinds when it loads
(its AppConfig.ready); the worker finds a job's builder here by the job's `kind`, so this module
needs none of the apps that export."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Generic, TypeVar

from yibao.core.masking import IdentityDisplay

if TYPE_CHECKING:
    from yibao.exports.models import ExportJob

T = TypeVar("T")

# (job, how ID numbers are shown, the file to write) → the number of data rows written
Builder = Callable[["ExportJob", IdentityDisplay, IO[bytes]], int]


class ExportRefused(Exception):
    """The export cannot be made as asked; the message says why, in words for the operator."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ExportKind:
    code: str
    title: str  # 导出内容 as the 导出记录 page names it
    item_code: str  # the business item whose grant allows the export and its download
    audit_action: str  # the audit event of a download, as the export in the request was before
    query_url: str  # the query page (URL name) the 导出记录 page leads back to
    build: Builder
    too_large: str  # the message when the rows do not fit in one sheet


KINDS: dict[str, ExportKind] = {}


def export_kind_register(kind: ExportKind) -> ExportKind:
    KINDS[kind.code] = kind
    return kind


def export_kind(code: str) -> ExportKind:
    return KINDS[code]


def kinds_of_item(item_code: str) -> list[ExportKind]:
    return [kind for kind in KINDS.values() if kind.item_code == item_code]


class Counted(Generic[T]):
    """An iterable that counts what passed through it (the rows a builder wrote)."""

    def __init__(self, items: Iterable[T]) -> None:
        self.items = items
        self.count = 0

    def __iter__(self) -> Iterator[T]:
        for item in self.items:
            self.count += 1
            yield item
