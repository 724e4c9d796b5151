"""缴费明细导出: the detail rows of a range as an xlsx, built by the export worker (yibao.exports):
streamed from the query by the streaming writer (yibao.core.spreadsheets.streaming), so memory
stays flat for any unit size."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Any

from yibao.contributions.models import Contribution
from yibao.contributions.periods import period_text
from yibao.contributions.selectors import unit_contribution_detail
from yibao.core.masking import MASKED, IdentityDisplay
from yibao.core.reference import code_choices
from yibao.core.spreadsheets.cells import neutralise
from yibao.core.spreadsheets.streaming import MAX_ROWS, Column, Sheet, write_xlsx
from yibao.exports.kinds import Counted, ExportKind, export_kind_register
from yibao.exports.models import ExportJob

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


TOO_MANY_ROWS = (
    f"所选时间范围的缴费明细超过Excel单个工作表的上限（{MAX_ROWS - 1:,}行），请缩小查询时间范围后分次导出"
)


def detail_sheet(rows: Iterable[tuple[Any, ...]], identity: IdentityDisplay = MASKED) -> Sheet:
    return Sheet(SHEET, COLUMNS, detail_cells(rows, identity))


def detail_build(job: ExportJob, identity: IdentityDisplay, output: IO[bytes]) -> int:
    """The worker's part: the detail of the job's range and 险种 within its 管理人群."""
    filters = job.filters
    detail = unit_contribution_detail(
        unit=job.unit, start=int(filters["start"]), end=int(filters["end"]),
        insutype=str(filters.get("insutype", "")),
        psn_types=None if job.psn_types is None else tuple(job.psn_types),
    )  # fmt: skip
    rows = Counted(detail)
    write_xlsx(output, [detail_sheet(rows, identity)])
    return rows.count


DETAIL_EXPORT = export_kind_register(
    ExportKind(
        code="contributions-detail",
        title="缴费明细",
        item_code="unit-contributions",
        audit_action="contributions_exported",
        query_url="contributions:unit",
        build=detail_build,
        too_large=TOO_MANY_ROWS,
    )
)
