"""Feed rows for the sync tests: a hospital and a pharmacy of 昆明 with every column filled."""

from __future__ import annotations

import csv
import io
from typing import Any

from yibao.catalog.sync_format import BY_KEY, SYNC_COLUMNS

HOSPITAL_CODE = "H53011200243"
PHARMACY_CODE = "P53010200007"


def hospital(**cells: str) -> dict[str, str]:
    row = {
        "fixmedins_code": HOSPITAL_CODE,
        "fixmedins_name": "昆明市西山区永昌西区社区卫生服务中心",
        "fixmedins_type": "1",
        "medins_abbr": "永昌西区社区",
        "medins_type": "16",
        "uscc": "52530112772686532W",
        "admdvs": "530112",
        "fix_blng_admdvs": "530112",
        "medins_prac_lic_regno": "PDY00112453011217A1001",
        "lic_issue_date": "2019-03-01",
        "medins_prac_lic_expy": "2029-02-28",
        "addr": "云南省昆明市西山区永昌路12号",
        "tel": "0871-68181234",
        "hosp_lv": "二级甲等",
        "lmtpric_hosp_lv": "二级",
        "dedc_hosp_lv": "一级及以下",
        "out_fixmedins_type": "省内异地医药机构",
        "fix_onln_open_flag": "1",
        "out_onln_open_type": "非异地定点",
        "nat_plaf_code": "",
        "prov_plaf_code": "",
        "hi_resper_name": "李明",
        "hi_resper_cert_type": "01",
        "hi_resper_certno": "11010519491231002X",
        "hi_resper_tel": "13987654321",
        "begntime": "2005-12-29",
        "endtime": "",
        "mutu_recog_flag": "",
        "drug_biz_lic_no": "",
        "brch_flag": "",
        "phac_chan_type": "",
        "phar_psncnt": "",
        "memo": "",
        "vali_flag": "1",
        "updt_time": "2026-03-01 09:30:00",
    }
    return row | cells


def pharmacy(**cells: str) -> dict[str, str]:
    row = hospital(
        fixmedins_code=PHARMACY_CODE,
        fixmedins_name="一心堂药业（五华区人民路店）",
        fixmedins_type="2",
        medins_abbr="",
        medins_type="22",
        uscc="91530112MA6NQ2P807",
        admdvs="530102",
        fix_blng_admdvs="530102",
        medins_prac_lic_regno="",
        hosp_lv="11",
        lmtpric_hosp_lv="",
        dedc_hosp_lv="",
        hi_resper_cert_type="",
        hi_resper_certno="",
        drug_biz_lic_no="云AA8710023",
        brch_flag="1",
        phac_chan_type="直营连锁",
        phar_psncnt="3",
    )
    return row | cells


def feed_csv(rows: list[dict[str, str]], *, keys: list[str] | None = None) -> bytes:
    """A UTF-8 CSV headed by the Chinese titles (all columns, or `keys`)."""
    keys = keys or [c.key for c in SYNC_COLUMNS]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([BY_KEY[k].title for k in keys])
    for row in rows:
        writer.writerow([row.get(k, "") for k in keys])
    return out.getvalue().encode("utf-8")


def json_rows(rows: list[dict[str, str]]) -> dict[str, Any]:
    return {"rows": rows}
