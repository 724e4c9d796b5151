"""管理人群 reference data: loading the populations from their data file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent / "data" / "populations.json"


def populations_sync(population_model: Any) -> dict[str, int]:
    """Create the populations of the data file that do not exist; works with historical models."""
    rows = json.loads(DATA_FILE.read_text(encoding="utf-8"))["populations"]
    created = 0
    for position, row in enumerate(rows):
        _, was_created = population_model.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "psn_types": row["psn_types"],
                "description": row["description"],
                "is_default": row.get("is_default", True),
                "sort_order": position,
            },
        )
        created += int(was_created)
    return {"created": created}
