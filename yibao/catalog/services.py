"""Writes to the catalogues: bulk loads of national editions and single edits by the administrator.

Every write fills `search_key` (the name-search index on PostgreSQL reads the column directly; on
SQLite the FTS table follows it through triggers), so nothing else has to be kept in sync.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone

from yibao.catalog.error_codes import CatalogErrorCode
from yibao.catalog.layouts import LAYOUTS, CellError, Layout, ParseContext, header_key
from yibao.catalog.models import CatalogEntry, Institution
from yibao.catalog.search import search_key_for
from yibao.catalog.selectors import DOSAGE_FORMS_CACHE_KEY, division_code_range
from yibao.catalog.sheets import SheetRow, read_rows
from yibao.core.audit import audit_event_record
from yibao.core.cache_versions import catalog_changed
from yibao.core.errors import ApplicationError
from yibao.core.masking import mask_id_number, mask_phone
from yibao.core.models import Division
from yibao.core.reference import code_choices

if TYPE_CHECKING:
    from yibao.accounts.models import User

MAX_ERRORS = 200
CREATE_BATCH = 2000
UPDATE_BATCH = 500
FETCH_BATCH = 5000


@dataclass
class LoadReport:
    """What a load changed (or would change, for a dry run)."""

    kind: str
    label: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    dry_run: bool = False
    changed_codes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        prefix = "（试运行，未保存）" if self.dry_run else ""
        return (
            f"{prefix}{self.label}导入完成：文件共 {self.rows} 条，新增 {self.created} 条，"
            f"更新 {self.updated} 条，未变化 {self.unchanged} 条，停用 {self.deactivated} 条"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
        }


class _DryRun(Exception):
    pass


def layout_get(kind: str) -> Layout:
    try:
        return LAYOUTS[kind]
    except KeyError:
        known = "、".join(LAYOUTS)
        raise ApplicationError(
            CatalogErrorCode.KIND_UNKNOWN, f"未知的目录类型“{kind}”，可选：{known}"
        ) from None


# --- parsing a file ------------------------------------------------------------------------------


def _parse_context() -> ParseContext:
    return ParseContext(
        divisions=set(Division.objects.filter(is_active=True).values_list("code", flat=True)),
        hosp_levels=dict(code_choices("hosp_lv")),
    )


def catalog_rows_parse(
    layout: Layout, rows: Iterable[SheetRow], *, region: str | None = None
) -> list[dict[str, Any]]:
    """Check every row of a file against the layout; return the rows as field values.

    Raises ApplicationError listing every problem with its line number (up to MAX_ERRORS) when
    anything is wrong, so that an administrator can fix the whole file at once.
    """
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None:
        raise ApplicationError(CatalogErrorCode.FILE_EMPTY, "文件中没有数据")
    positions: dict[str, int] = {}
    wanted = {header_key(name): column for column in layout.columns for name in column.names}
    for index, cell in enumerate(header.cells):
        column = wanted.get(header_key(cell))
        if column is not None and column.attr not in positions:
            positions[column.attr] = index
    missing = [column.header for column in layout.columns if column.required and column.attr not in positions]
    if missing:
        raise ApplicationError(
            CatalogErrorCode.COLUMNS_MISSING,
            f"第{header.line}行（表头）缺少必需的列：{'、'.join(missing)}",
            extra={"errors": [f"第{header.line}行：缺少列“{name}”" for name in missing]},
        )
    context = _parse_context()
    low, high = division_code_range(region) if region else ("", "")
    errors: list[str] = []
    parsed: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], int] = {}
    for row in iterator:
        values: dict[str, Any] = {}
        row_errors: list[str] = []
        for column in layout.columns:
            position = positions.get(column.attr)
            raw = row.cells[position] if position is not None and position < len(row.cells) else ""
            if not raw.strip():
                if column.required:
                    row_errors.append(f"第{row.line}行：{column.header}不能为空")
                values[column.attr] = _empty_value(layout, column.attr)
                continue
            try:
                values[column.attr] = column.parse(raw, context)
            except CellError as error:
                row_errors.append(f"第{row.line}行：{column.header}{error}")
        if not row_errors:
            row_errors += _row_rules(layout, values, row.line, region, low, high)
        if not row_errors:
            key = tuple(values[attr] for attr in layout.key)
            first = seen.setdefault(key, row.line)
            if first != row.line:
                row_errors.append(f"第{row.line}行：{layout.key_headers}与第{first}行重复")
        errors += row_errors
        if not row_errors:
            parsed.append(values | layout.fixed)
    if errors:
        shown = errors[:MAX_ERRORS]
        more = f"；另有 {len(errors) - MAX_ERRORS} 处错误未列出" if len(errors) > MAX_ERRORS else ""
        raise ApplicationError(
            CatalogErrorCode.ROWS_INVALID,
            f"文件有 {len(errors)} 处错误，未导入任何数据{more}",
            extra={"errors": shown},
        )
    if not parsed:
        raise ApplicationError(CatalogErrorCode.FILE_EMPTY, "文件中只有表头，没有数据行")
    return parsed


def _empty_value(layout: Layout, attr: str) -> Any:
    field_obj = cast(Field[Any, Any], layout.model._meta.get_field(attr.removesuffix("_id")))
    if field_obj.null:
        return None
    if attr == "fix_onln_open_flag":
        return False
    return ""


def _row_rules(
    layout: Layout, values: dict[str, Any], line: int, region: str | None, low: str, high: str
) -> list[str]:
    errors = []
    if layout.model is Institution:
        prefix = "H" if layout.fixed.get("fixmedins_type") == Institution.Type.MEDICAL else "P"
        if not str(values.get("code", "")).startswith(prefix):
            errors.append(f"第{line}行：{layout.label}的编号应以{prefix}开头")
        begin, end = values.get("begntime"), values.get("endtime")
        if begin and end and end < begin:
            errors.append(f"第{line}行：定点结束日期不能早于定点开始日期")
    if region and layout.region_attr:
        code = values.get(layout.region_attr) or ""
        if not (low <= code <= high):
            errors.append(f"第{line}行：医保区划“{code}”不在本次导入的区域（{region}）内")
    return errors


# --- applying rows -----------------------------------------------------------------------------


def _compare_fields(layout: Layout) -> list[str]:
    return [column.attr for column in layout.columns if column.attr not in layout.key]


def _search_key(layout: Layout, values: dict[str, Any]) -> str:
    return search_key_for(values["name"])


def _existing(layout: Layout, region: str | None) -> Iterator[tuple[Any, ...]]:
    """(key…, pk, is_active, search_key, compared fields…) of the rows a file of this layout replaces."""
    queryset = layout.model._default_manager.filter(**layout.fixed)
    if region and layout.region_attr:
        low, high = division_code_range(region)
        field = layout.region_attr.removesuffix("_id")
        queryset = queryset.filter(**{f"{field}__gte": low, f"{field}__lte": high})
    fields = [*layout.key, "pk", "is_active", "search_key", *_compare_fields(layout)]
    yield from queryset.order_by().values_list(*fields).iterator(chunk_size=FETCH_BATCH)


def catalog_rows_apply(
    *,
    layout: Layout,
    rows: list[dict[str, Any]],
    actor: User | None,
    region: str | None = None,
    deactivate_missing: bool = True,
    dry_run: bool = False,
    source: str = "",
) -> LoadReport:
    """Create, update and deactivate rows so that the table matches `rows` (keyed by code).

    Rows of the same kind (and region, when given) that the file no longer lists are deactivated,
    not deleted: detail pages keep their address and other records may point at them.
    """
    report = LoadReport(kind=layout.kind, label=layout.label, rows=len(rows), dry_run=dry_run)
    blank = {column.attr: _empty_value(layout, column.attr) for column in layout.columns}
    rows = [blank | values | layout.fixed for values in rows]
    compare = _compare_fields(layout)
    key_size = len(layout.key)
    now = timezone.now()
    try:
        with transaction.atomic():
            existing: dict[tuple[Any, ...], tuple[Any, ...]] = {}
            for record in _existing(layout, region):
                existing[tuple(record[:key_size])] = record[key_size:]
            to_create: list[CatalogEntry] = []
            to_update: list[CatalogEntry] = []
            for values in rows:
                key = tuple(values[attr] for attr in layout.key)
                current = existing.pop(key, None)
                search_key = _search_key(layout, values)
                if current is None:
                    to_create.append(layout.model(**values, search_key=search_key, is_active=True))
                    continue
                pk, is_active, old_key, *old = current
                new = [values[attr] for attr in compare]
                # A changed search key (a new pinyin rule) is an update too, so reloading fixes it.
                if is_active and old == new and old_key == search_key:
                    report.unchanged += 1
                    continue
                changed = layout.model(**values, search_key=search_key, is_active=True, updated_at=now)
                changed.pk = pk
                to_update.append(changed)
                if len(report.changed_codes) < 50:
                    report.changed_codes.append(str(values["code"]))
            report.created = len(to_create)
            report.updated = len(to_update)
            layout.model._default_manager.bulk_create(to_create, batch_size=CREATE_BATCH)
            catalog_rows_update(layout.model, to_update, [*compare, "search_key", "is_active", "updated_at"])
            if deactivate_missing:
                stale = [values[0] for values in existing.values() if values[1]]
                for start in range(0, len(stale), FETCH_BATCH):
                    report.deactivated += layout.model._default_manager.filter(
                        pk__in=stale[start : start + FETCH_BATCH]
                    ).update(is_active=False)
            audit_event_record(
                actor=actor,
                action=f"catalog.{layout.kind}.load",
                after={**report.as_dict(), "source": source, "region": region or ""},
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    if not dry_run:
        catalog_caches_clear()
        if report.created or report.updated or report.deactivated:
            transaction.on_commit(lambda: catalog_statistics_refresh(layout.model))
    return report


def catalog_statistics_refresh(model: type[CatalogEntry]) -> None:
    """Refresh the planner's statistics of a table after a bulk load.

    Without them SQLite's planner walks the fixmedins_type index (two values) instead of the few
    rows the search index found, which triples the time of a common search on 50,000 rows.
    PostgreSQL's autovacuum would get there too, but only after a while.
    """
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def catalog_rows_update(model: type[CatalogEntry], objects: Sequence[CatalogEntry], attrs: list[str]) -> None:
    """UPDATE … WHERE id = … for each object, sent in batches with executemany.

    Django's bulk_update builds one CASE per column over the whole batch, which SQLite evaluates
    row by row (about 3 ms a row here); plain parameterised updates run at thousands a second and
    fire the search-index triggers like any other update.
    """
    if not objects:
        return
    fields = [cast(Field[Any, Any], model._meta.get_field(attr)) for attr in attrs]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"  # noqa: S608
    for start in range(0, len(objects), UPDATE_BATCH):
        params = [
            [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk]
            for obj in objects[start : start + UPDATE_BATCH]
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)


def catalog_file_load(
    *,
    kind: str,
    path: Path | str,
    actor: User | None,
    region: str | None = None,
    deactivate_missing: bool = True,
    dry_run: bool = False,
) -> LoadReport:
    """Load a national-layout CSV/xlsx file of `kind`; all or nothing."""
    layout = layout_get(kind)
    if region and layout.region_attr is None:
        raise ApplicationError(CatalogErrorCode.REGION_UNKNOWN, f"{layout.label}不按区域导入，请去掉区域参数")
    if region and not Division.objects.filter(code=region, is_active=True).exists():
        raise ApplicationError(CatalogErrorCode.REGION_UNKNOWN, f"“{region}”不是有效的医保区划代码")
    rows = catalog_rows_parse(layout, read_rows(path), region=region)
    return catalog_rows_apply(
        layout=layout,
        rows=rows,
        actor=actor,
        region=region,
        deactivate_missing=deactivate_missing,
        dry_run=dry_run,
        source=Path(path).name,
    )


def catalog_caches_clear() -> None:
    """After any change of a catalogue: the cached dosage forms, and the cached public catalogue
    pages (their version is bumped when the change commits)."""
    cache.delete(DOSAGE_FORMS_CACHE_KEY)
    catalog_changed()


# --- single edits (the admin) -----------------------------------------------------------------


def _snapshot(entry: CatalogEntry) -> dict[str, Any]:
    return {
        f.attname: str(getattr(entry, f.attname))
        for f in entry._meta.concrete_fields
        if f.attname not in {"search_key", "created_at", "updated_at"}
    }


def catalog_entry_save(*, entry: CatalogEntry, actor: User | None) -> CatalogEntry:
    """Save one catalogue row (created or edited by hand), with its search key."""
    entry.search_key = search_key_for(entry.name)  # type: ignore[attr-defined]
    try:
        entry.full_clean()
    except ValidationError as error:
        messages = "；".join(error.messages)
        raise ApplicationError(CatalogErrorCode.ENTRY_INVALID, messages) from error
    is_new = entry.pk is None
    with transaction.atomic():
        before = None
        if not is_new:
            old = type(entry)._default_manager.filter(pk=entry.pk).first()
            before = _snapshot(old) if old is not None else None
        entry.save()
        audit_event_record(
            actor=actor,
            action=f"catalog.{entry._meta.model_name}.{'create' if is_new else 'update'}",
            target=entry,
            before=before,
            after=_snapshot(entry),
        )
    catalog_caches_clear()
    return entry


def catalog_entries_set_active(*, entries: Iterable[CatalogEntry], active: bool, actor: User | None) -> int:
    """启用/停用: deactivated rows leave the public lists but keep their detail page."""
    changed = 0
    with transaction.atomic():
        for entry in entries:
            if entry.is_active == active:
                continue
            entry.is_active = active
            entry.save(update_fields=["is_active", "updated_at"])
            audit_event_record(
                actor=actor,
                action=f"catalog.{entry._meta.model_name}.{'activate' if active else 'deactivate'}",
                target=entry,
                after={"is_active": active},
            )
            changed += 1
    catalog_caches_clear()
    return changed


def catalog_entry_delete(*, entry: CatalogEntry, actor: User | None) -> None:
    with transaction.atomic():
        snapshot = _snapshot(entry)
        audit_event_record(
            actor=actor, action=f"catalog.{entry._meta.model_name}.delete", target=entry, before=snapshot
        )
        entry.delete()
    catalog_caches_clear()


# The fields of an institution the hall keeps itself (the 贯标平台's interface does not carry the
# legal representative, manual 001 §1.3.2): written only by an approved 信息变更.
LEGAL_REP_FIELDS = ("legrep_name", "legrep_cert_type", "legrep_certno", "legrep_tel")


def _legal_rep_for_audit(values: dict[str, Any]) -> dict[str, Any]:
    """The 法人 data as the audit log keeps it: ID numbers and phones masked (DESIGN §4)."""
    shown = dict(values)
    for name, value in values.items():
        if name.endswith("certno"):
            shown[name] = mask_id_number(value)
        elif name.endswith("tel") or name.endswith("mob"):
            shown[name] = mask_phone(value)
    return shown


def institution_legal_rep_record(
    *,
    institution_id: int,
    values: dict[str, str],
    actor: User | None,
    note: dict[str, Any] | None = None,
) -> Institution:
    """Record the 法人 data of an approved 定点医药机构信息变更 onto the institution (only the
    fields in LEGAL_REP_FIELDS; the synced ones belong to the 贯标平台), audited with the
    application's particulars in `note`."""
    with transaction.atomic():
        institution = Institution.objects.select_for_update().get(pk=institution_id)
        before = {name: getattr(institution, name) for name in LEGAL_REP_FIELDS}
        after = {name: str(values.get(name, before[name])).strip() for name in LEGAL_REP_FIELDS}
        changed = [name for name in LEGAL_REP_FIELDS if after[name] != before[name]]
        for name in changed:
            setattr(institution, name, after[name])
        if changed:
            institution.save(update_fields=[*changed, "updated_at"])
            catalog_changed()
        audit_event_record(
            actor=actor,
            action="catalog.institution.change_recorded",
            target=institution,
            before=_legal_rep_for_audit(before),
            after={**_legal_rep_for_audit(after), **(note or {})},
        )
    return institution
