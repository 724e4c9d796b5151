"""Administrative divisions (GB/T 2260) from the table python-stdnum maintains.

`stdnum/cn/loc.dat` lists every code with its history: a name like "[1983-]五华区" is current,
"[-2010]崇文区" was abolished in 2010. We keep the divisions current in that table; the full
history stays available to the ID-number check (old numbers keep their old birthplace codes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import stdnum

SOURCE = f"python-stdnum {stdnum.__version__}, stdnum/cn/loc.dat (GB/T 2260 codes with their history)"

# The table spells the two special administrative regions in traditional characters.
_NAME_FIXES = {"810000": "香港特别行政区", "820000": "澳门特别行政区"}
_PERIOD = re.compile(r"^\[(?P<start>\d{4})?-(?P<end>\d{4})?\](?P<name>.*)$")


@dataclass(frozen=True)
class DivisionRow:
    code: str
    name: str
    level: int
    parent_code: str | None


def _current_name(raw: str) -> str | None:
    """The current name from a history string, or None when the code is no longer in use."""
    last = raw.split(",")[-1].strip()
    match = _PERIOD.match(last)
    if match is None:
        return last
    if match.group("end"):
        return None
    return match.group("name").strip()


def division_history() -> list[tuple[str, str]]:
    """Every code in the source with its raw history string ("[1983-]五华区", "[-2010]崇文区")."""
    text = resources.files("stdnum.cn").joinpath("loc.dat").read_text(encoding="utf-8")
    rows: list[tuple[str, str]] = []
    province = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province = line.split()[0]
            continue
        suffix, rest = line.strip().split(" ", 1)
        name = rest.split('="', 1)[1].rsplit('"', 1)[0]
        rows.append((province + suffix, name))
    return rows


def current_divisions() -> list[DivisionRow]:
    """Every division in use today: provinces, prefecture-level and county-level units."""
    names: dict[str, str] = {}
    for code, raw in division_history():
        current = _current_name(raw)
        if current is not None:
            names[code] = _NAME_FIXES.get(code, current)

    rows: list[DivisionRow] = []
    for code in sorted(names):
        name = names[code]
        if code.endswith("0000"):
            rows.append(DivisionRow(code, name, 1, None))
            continue
        province = code[:2] + "0000"
        if province not in names:
            continue
        if code.endswith("00"):
            rows.append(DivisionRow(code, name, 2, province))
            continue
        city = code[:4] + "00"
        # "市辖区" under a prefecture-level city is a statistical placeholder, not a county.
        if code.endswith("01") and name == "市辖区":
            continue
        parent = city if city in names else province
        level = 3 if parent == city else 2
        rows.append(DivisionRow(code, name, level, parent))
    return rows


def division_rows_sync(division_model: Any) -> dict[str, int]:
    """Create or update the division table from the source; mark vanished codes inactive.

    Works with the real model and with a migration's historical model.
    """
    rows = current_divisions()
    existing = {d.code: d for d in division_model.objects.all()}
    created = updated = 0
    to_create = []
    to_update = []
    for row in rows:
        current = existing.pop(row.code, None)
        if current is None:
            to_create.append(
                division_model(code=row.code, name=row.name, level=row.level, parent_id=None, is_active=True)
            )
            created += 1
        elif (current.name, current.level, current.parent_id, current.is_active) != (
            row.name,
            row.level,
            row.parent_code,
            True,
        ):
            current.name, current.level, current.is_active = row.name, row.level, True
            to_update.append(current)
            updated += 1
    division_model.objects.bulk_create(to_create, batch_size=1000)
    # Parents are set in a second pass so that creation order does not matter.
    by_code = {row.code: row for row in rows}
    parent_fix = []
    for obj in division_model.objects.filter(code__in=by_code):
        wanted = by_code[obj.code].parent_code
        if obj.parent_id != wanted:
            obj.parent_id = wanted
            parent_fix.append(obj)
    division_model.objects.bulk_update(parent_fix, ["parent"], batch_size=1000)
    division_model.objects.bulk_update(to_update, ["name", "level", "is_active"], batch_size=1000)
    deactivated = division_model.objects.filter(code__in=list(existing), is_active=True).update(
        is_active=False
    )
    return {"created": created, "updated": updated, "deactivated": deactivated, "total": len(rows)}
