"""Demo and benchmark institutions as a 贯标平台 feed: the rows of `generate.py` with the rest of
the platform's record (简称, 限价/起付线等级, 异地 fields, 负责人证件, pharmacy fields), as the
text cells a feed file has, so that they go through the same sync as a real file.

Deterministic: the same call gives the same feed (a second sync of it changes nothing).
"""

from __future__ import annotations

import csv
import io
import random

from yibao.catalog.demo.generate import Row, bench_institution_rows, demo_institution_rows
from yibao.catalog.models import Institution
from yibao.catalog.sync_format import BY_KEY, SYNC_COLUMNS, SyncFeed, SyncRow
from yibao.core.validators.identity import mod11_2_check_char

DEMO_UPDATED = "2026-01-05 09:00:00"  # the 贯标平台更新时间 of every demo record
KEYS = tuple(c.key for c in SYNC_COLUMNS)
_LEVEL_OF_HOSP_LV = {"01": "3", "02": "3", "03": "3", "04": "3", "05": "2", "06": "2", "07": "2"}


def _id_number(rng: random.Random, admdvs: str) -> str:
    body = f"{admdvs}{rng.randint(1960, 1995)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return body + mod11_2_check_char(body)


def feed_cells(row: Row, *, updated: str = DEMO_UPDATED) -> dict[str, str]:
    """One generated institution as feed cells (national field names → text)."""
    rng = random.Random(f"feed:{row['code']}")
    pharmacy = row["fixmedins_type"] == Institution.Type.PHARMACY
    level = _LEVEL_OF_HOSP_LV.get(row["hosp_lv"], "1")
    begin = row["begntime"]
    out_type = rng.choice(("1", "1", "3")) if row["fix_onln_open_flag"] else ""
    cells = {
        "fixmedins_code": row["code"],
        "fixmedins_name": row["name"],
        "fixmedins_type": row["fixmedins_type"],
        "medins_abbr": "",
        "medins_type": row["service_type"],
        "uscc": row["uscc"],
        "admdvs": row["division_id"],
        "fix_blng_admdvs": row["division_id"],
        "medins_prac_lic_regno": ""
        if pharmacy
        else f"PDY{rng.randint(10**8, 10**9 - 1)}{row['division_id']}A1001",
        "lic_issue_date": begin.replace(year=begin.year - 1).isoformat(),
        "medins_prac_lic_expy": begin.replace(year=begin.year + 9).isoformat(),
        "addr": row["address"],
        "tel": row["tel"],
        "hosp_lv": row["hosp_lv"],
        "lmtpric_hosp_lv": "" if pharmacy else level,
        "dedc_hosp_lv": "" if pharmacy else level,
        "out_fixmedins_type": out_type,
        "fix_onln_open_flag": "1" if row["fix_onln_open_flag"] else "0",
        "out_onln_open_type": out_type or "0",
        "nat_plaf_code": f"N{row['code'][1:]}" if out_type == "3" else "",
        "prov_plaf_code": f"S{row['code'][1:]}" if out_type else "",
        "hi_resper_name": row["hi_resper_name"],
        "hi_resper_cert_type": "01",
        "hi_resper_certno": _id_number(rng, row["division_id"]),
        "hi_resper_tel": row["hi_resper_tel"],
        "begntime": begin.isoformat(),
        "endtime": row["endtime"].isoformat() if row["endtime"] else "",
        "mutu_recog_flag": rng.choice(("1", "0")),
        "drug_biz_lic_no": f"云AA{rng.randint(10**6, 10**7 - 1)}" if pharmacy else "",
        "brch_flag": ("1" if row["service_type"] == Institution.ServiceType.CHAIN_PHARMACY else "0")
        if pharmacy
        else "",
        "phac_chan_type": ("1" if row["service_type"] == Institution.ServiceType.CHAIN_PHARMACY else "0")
        if pharmacy
        else "",
        "phar_psncnt": str(rng.randint(1, 4)) if pharmacy else "",
        "memo": row["memo"],
        "vali_flag": "1",
        "updt_time": updated,
    }
    return {key: cells[key] for key in KEYS}


def _feed(rows: list[Row]) -> SyncFeed:
    return SyncFeed(KEYS, [SyncRow(line, feed_cells(row)) for line, row in enumerate(rows, start=2)])


def demo_feed() -> SyncFeed:
    """The demo cities' ~800 institutions and pharmacies."""
    medical, pharmacies = demo_institution_rows()
    return _feed(medical + pharmacies)


def bench_feed_csv(count: int, *, updated: str = DEMO_UPDATED) -> bytes:
    """`count` institutions spread over every county, as a feed CSV file (UTF-8)."""
    medical, pharmacies = bench_institution_rows(count)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([BY_KEY[key].title for key in KEYS])
    for row in medical + pharmacies:
        cells = feed_cells(row, updated=updated)
        writer.writerow([cells[key] for key in KEYS])
    return out.getvalue().encode("utf-8")
