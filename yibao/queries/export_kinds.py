"""The exports of the 查询服务 pages — 职工花名册 and 异地就医备案信息 — as the export worker builds
them (yibao.exports): the query string the page validated is read again, within the 管理人群 of
the request, and the rows are streamed into the workbook."""

from __future__ import annotations

from typing import IO

from django.http import QueryDict

from yibao.core.masking import IdentityDisplay
from yibao.core.spreadsheets.streaming import MAX_ROWS, write_xlsx
from yibao.enrollment.scope import PersonScope
from yibao.exports.kinds import Counted, ExportKind, ExportRefused, export_kind_register
from yibao.exports.models import ExportJob
from yibao.filings.selectors import unit_filings
from yibao.queries.filing_query import filing_export_rows, filings_sheet
from yibao.queries.query_params import filing_filters, roster_filters
from yibao.queries.roster import roster_export_rows
from yibao.queries.roster_export import roster_sheet
from yibao.queries.services import FILINGS_EXPORTED

BAD_QUERY = "查询条件无效，请重新查询后导出"
ROSTER_TOO_LARGE = f"导出人数超过Excel单个工作表的上限（{MAX_ROWS - 1:,}行），请增加查询条件后分次导出"
FILINGS_TOO_LARGE = f"导出的备案超过Excel单个工作表的上限（{MAX_ROWS - 1:,}行），请增加查询条件后分次导出"


def _scope(job: ExportJob) -> PersonScope:
    return PersonScope(unit=job.unit, psn_types=None if job.psn_types is None else tuple(job.psn_types))


def _query(job: ExportJob) -> QueryDict:
    return QueryDict(str(job.filters.get("query", "")))


def roster_build(job: ExportJob, identity: IdentityDisplay, output: IO[bytes]) -> int:
    _form, filters = roster_filters(_query(job))
    if filters is None:
        raise ExportRefused(BAD_QUERY)
    scope = _scope(job)
    rows = Counted(
        roster_export_rows(unit=scope.unit, psn_types=scope.psn_types, filters=filters, identity=identity)
    )
    write_xlsx(output, [roster_sheet(rows)])
    return rows.count


def filings_build(job: ExportJob, identity: IdentityDisplay, output: IO[bytes]) -> int:
    _form, filters = filing_filters(_query(job))
    if filters is None:
        raise ExportRefused(BAD_QUERY)
    rows = Counted(filing_export_rows(unit_filings(_scope(job), filters), identity))
    write_xlsx(output, [filings_sheet(rows)])
    return rows.count


ROSTER_EXPORT = export_kind_register(
    ExportKind(
        code="roster",
        title="职工花名册",
        item_code="roster",
        audit_action="roster_exported",
        query_url="queries:roster",
        build=roster_build,
        too_large=ROSTER_TOO_LARGE,
    )
)
FILINGS_EXPORT = export_kind_register(
    ExportKind(
        code="remote-care-filings",
        title="异地就医备案信息",
        item_code="remote-care-filings",
        audit_action=FILINGS_EXPORTED,
        query_url="queries:remote-care-filings",
        build=filings_build,
        too_large=FILINGS_TOO_LARGE,
    )
)
