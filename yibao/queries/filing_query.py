"""异地就医备案信息查询: the unit's filings in the operator's 管理人群, filtered, paged and exported.

The filings are read through `yibao.filings.selectors.unit_filings`; this module turns them into
the rows the page and the export show: 证件号码 and 联系电话 as the operator's 数据权限 allows,
codes as their labels, the 就医地 by its full name. The export walks the same query by keyset
(id below the last one) in chunks, so a unit's whole history never sits in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from yibao.core.masking import MASKED, IdentityDisplay
from yibao.core.reference import code_choices
from yibao.core.selectors import division_full_name
from yibao.core.spreadsheets.cells import neutralise
from yibao.core.spreadsheets.streaming import Cell, Column, Sheet
from yibao.filings.kinds import KINDS
from yibao.filings.models import Filing
from yibao.queries.roster_export import TEXT

EXPORT_CHUNK = 2000
LONG_TERM = "长期有效"


@dataclass(frozen=True)
class FilingRow:
    """One filing version as the query shows it."""

    number: str
    name: str
    cert_no_shown: str
    kind: str
    insutype: str
    care_place: str
    address: str
    phone_shown: str
    network: str
    start_date: str
    end_date: str
    status: str
    status_code: str
    out_hospital: str
    in_hospital: str
    filed_at: str
    ended_on: str
    application_number: str


class _Labels:
    """Code labels looked up once per batch of rows."""

    def __init__(self) -> None:
        self.insutypes = dict(code_choices("insutype", include_inactive=True))
        self.places: dict[str, str] = {}

    def insutype(self, code: str) -> str:
        return self.insutypes.get(code, code)

    def place(self, code: str) -> str:
        if code not in self.places:
            self.places[code] = division_full_name(code) or code
        return self.places[code]


def _end_text(filing: Filing) -> str:
    if filing.end_date:
        return filing.end_date.isoformat()
    spec = KINDS.get(filing.kind)
    return LONG_TERM if spec is not None and spec.long_term else ""


def filing_rows(
    filings: Iterable[Filing], identity: IdentityDisplay = MASKED, labels: _Labels | None = None
) -> list[FilingRow]:
    """The rows of these filings (read with their person and application)."""
    label = labels or _Labels()
    return [
        FilingRow(
            number=f.number,
            name=f.person.name,
            cert_no_shown=identity.id_number(f.person.cert_no),
            kind=f.get_kind_display(),
            insutype=label.insutype(f.insutype),
            care_place=label.place(f.care_division_id),
            address=f.address,
            phone_shown=identity.phone(f.phone),
            network=f.get_network_display(),
            start_date=f.start_date.isoformat(),
            end_date=_end_text(f),
            status=f.get_status_display(),
            status_code=f.status,
            out_hospital=f.out_hospital,
            in_hospital=f.in_hospital,
            filed_at=f"{timezone.localtime(f.filed_at):%Y-%m-%d %H:%M}" if f.filed_at else "",
            ended_on=f.ended_on.isoformat() if f.ended_on else "",
            application_number=f.application.number,
        )
        for f in filings
    ]


def filing_export_rows(filings: QuerySet[Filing], identity: IdentityDisplay = MASKED) -> Iterator[FilingRow]:
    """Every filing of the query, newest first, by keyset in chunks (one query per chunk)."""
    ordered = filings.select_related("person", "application").order_by("-pk")
    labels = _Labels()
    last: int | None = None
    while True:
        chunk = list((ordered if last is None else ordered.filter(pk__lt=last))[:EXPORT_CHUNK])
        if not chunk:
            return
        yield from filing_rows(chunk, identity, labels)
        last = chunk[-1].pk


SHEET = "异地就医备案信息"
# (column, FilingRow attribute); 序号 is the row number
COLUMNS: tuple[tuple[Column, str], ...] = (
    (Column("序号", 8, "number"), ""),
    (Column("备案编号", 22, num_format=TEXT), "number"),
    (Column("姓名", 12, num_format=TEXT), "name"),
    (Column("证件号码", 22, num_format=TEXT), "cert_no_shown"),
    (Column("备案类型", 18, num_format=TEXT), "kind"),
    (Column("险种类型", 20, num_format=TEXT), "insutype"),
    (Column("就医地", 20, num_format=TEXT), "care_place"),
    (Column("居外地址", 30, num_format=TEXT), "address"),
    (Column("联系电话", 16, num_format=TEXT), "phone_shown"),
    (Column("异地联网方式", 16, num_format=TEXT), "network"),
    (Column("开始日期", 12, num_format=TEXT), "start_date"),
    (Column("结束日期", 12, num_format=TEXT), "end_date"),
    (Column("备案状态", 10, num_format=TEXT), "status"),
    (Column("转出医院", 24, num_format=TEXT), "out_hospital"),
    (Column("转入医院", 24, num_format=TEXT), "in_hospital"),
    (Column("备案时间", 18, num_format=TEXT), "filed_at"),
    (Column("终止日期", 12, num_format=TEXT), "ended_on"),
    (Column("办件编号", 22, num_format=TEXT), "application_number"),
)
KEYS = tuple(key for _column, key in COLUMNS[1:])


def filing_cells(rows: Iterable[FilingRow]) -> Iterator[list[Cell]]:
    for number, row in enumerate(rows, start=1):
        yield [number, *(neutralise(str(getattr(row, key))) for key in KEYS)]


def filings_sheet(rows: Iterable[FilingRow]) -> Sheet:
    return Sheet(SHEET, [column for column, _key in COLUMNS], filing_cells(rows))
