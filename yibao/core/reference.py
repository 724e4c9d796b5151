"""Reference code tables: loading from the data file and cached lookups for forms and pages."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.core.cache import cache as django_cache

from yibao.core.error_codes import CoreErrorCode
from yibao.core.errors import ApplicationError

DATA_FILE = Path(__file__).resolve().parent / "data" / "code_tables.json"
_CACHE_KEY = "core:code-table:{}"
_CACHE_SECONDS = 300


@cache
def _data_file() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return data


def code_tables_sync(table_model: Any, item_model: Any, *, overwrite_labels: bool = False) -> dict[str, int]:
    """Load the code tables from the data file; works with historical models in migrations."""
    created = updated = 0
    for table in _data_file()["tables"]:
        table_obj, _ = table_model.objects.update_or_create(
            code=table["code"], defaults={"name": table["name"], "source": table["source"]}
        )
        existing = {i.code: i for i in item_model.objects.filter(table=table_obj)}
        new_items = []
        for position, item in enumerate(table["items"]):
            current = existing.get(item["code"])
            if current is None:
                new_items.append(
                    item_model(
                        table=table_obj,
                        code=item["code"],
                        label=item["label"],
                        sort_order=position,
                    )
                )
            elif overwrite_labels and current.label != item["label"]:
                current.label = item["label"]
                current.save(update_fields=["label"])
                updated += 1
        item_model.objects.bulk_create(new_items)
        created += len(new_items)
        django_cache.delete(_CACHE_KEY.format(table["code"]))
    return {"created": created, "updated": updated}


def code_choices(table: str, *, include_inactive: bool = False) -> list[tuple[str, str]]:
    """(code, label) pairs of a code table in display order, cached briefly."""
    from yibao.core.models import CodeItem

    key = _CACHE_KEY.format(table)
    rows: list[tuple[str, str, bool]] | None = django_cache.get(key)
    if rows is None:
        rows = list(
            CodeItem.objects.filter(table_id=table)
            .order_by("sort_order", "code")
            .values_list("code", "label", "is_active")
        )
        django_cache.set(key, rows, _CACHE_SECONDS)
    return [(code, label) for code, label, active in rows if active or include_inactive]


def code_label(table: str, code: str | None) -> str:
    """The label of a code, or the code itself when unknown (never hides data)."""
    if code is None or code == "":
        return ""
    for value, label in code_choices(table, include_inactive=True):
        if value == code:
            return label
    return code


def code_require(table: str, code: str, *, field: str | None = None) -> str:
    """Check that `code` is an active value of `table`; raise ApplicationError otherwise."""
    from yibao.core.models import CodeTable

    if code not in {value for value, _ in code_choices(table)}:
        table_name = CodeTable.objects.filter(code=table).values_list("name", flat=True).first()
        raise ApplicationError(
            CoreErrorCode.CODE_UNKNOWN,
            f"“{code}”不是有效的{table_name or table}代码",
            field=field,
        )
    return code


def code_cache_clear(table: str) -> None:
    django_cache.delete(_CACHE_KEY.format(table))
