"""The core system's unit register: its feed (file, JSON, command, API), all or nothing,
idempotent, and the README's layout kept in step with the code."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from yibao.core.models import AuditEvent
from yibao.federation.models import CoreUnit
from yibao.federation.registry import COLUMNS, read_registry_file, registry_sync, rows_from_json

pytestmark = pytest.mark.django_db
TOKEN = "registry-feed-token-for-tests-Lm3Qx8Rt5Vw2Yz7Bc4"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
HEADER = "统一社会信用代码,单位名称,医保区划,单位编号,单位联系人号码,有效标志,更新时间"
ROW_A = "91530112MA6NQ2P807,昆明云岭科技有限公司,530112,53011200000123,13812340000,1,2026-11-01 09:00:00"
ROW_B = "91110000802100433B,北京燕园软件有限公司,110108,,010-62751234,1,2026-11-02 10:00:00"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join((header, *rows)) + "\n").encode()


def sync(data: bytes, name: str = "registry.csv", **kwargs: Any):
    return registry_sync(feed=read_registry_file(data, name=name), source=name, **kwargs)


def records() -> list[tuple[Any, ...]]:
    return list(CoreUnit.objects.order_by("uscc").values_list())


def test_a_file_creates_then_the_same_file_changes_nothing() -> None:
    report = sync(csv_bytes(ROW_A, ROW_B))
    assert report.ok and (report.created, report.updated, report.unchanged) == (2, 0, 0)
    unit = CoreUnit.objects.get(uscc="91530112MA6NQ2P807")
    assert (unit.name, unit.division_id, unit.contact_phone, unit.is_valid) == (
        "昆明云岭科技有限公司", "530112", "13812340000", True,
    )  # fmt: skip
    before = records()
    again = sync(csv_bytes(ROW_A, ROW_B))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert records() == before  # not even the sync time moved
    assert AuditEvent.objects.filter(action="federation.registry.sync").count() == 2


def test_a_later_row_updates_and_an_older_one_is_refused() -> None:
    sync(csv_bytes(ROW_A))
    newer = ROW_A.replace("13812340000", "13900001111").replace("2026-11-01 09:00:00", "2026-11-03 09:00:00")
    assert sync(csv_bytes(newer)).updated == 1
    before = records()
    report = sync(csv_bytes(ROW_A))
    assert not report.ok
    assert str(report.errors[0]) == "第2行：更新时间早于已同步的时间（2026-11-03 09:00:00）"
    assert records() == before


def test_every_problem_is_listed_and_nothing_is_written() -> None:
    report = sync(
        csv_bytes(
            ROW_A,
            ROW_A.replace("昆明云岭科技有限公司", "另一个名称"),
            "91530112MA6NQ2P808,坏校验位,530112,,,1,2026-11-01",
            "91110000802100433B,,999999,,12345,2,2099-01-01",
        )
    )
    assert [str(e) for e in report.errors] == [
        "第3行：统一社会信用代码与第2行重复",
        "第4行：统一社会信用代码校验位不正确",
        "第5行：单位名称不能为空",
        "第5行：单位联系人号码不是有效的手机号码或固定电话（如 13912345678、0871-12345678）",
        "第5行：有效标志“2”无效，应为 1（有效）或 0（无效）",
        "第5行：更新时间“2099-01-01”晚于当前时间",
        "第5行：医保区划“999999”不是有效的医保区划代码",
    ]
    assert report.summary() == "共4行，发现7处错误，未同步任何数据"
    assert CoreUnit.objects.count() == 0
    refused = AuditEvent.objects.get(action="federation.registry.refused")  # the admin sees it
    assert (refused.after["error_count"], refused.after["errors"][0]) == (
        7,
        "第3行：统一社会信用代码与第2行重复",
    )


def test_a_bad_cell_in_a_row_of_a_known_unit_is_reported_not_a_crash() -> None:
    sync(csv_bytes(ROW_A))
    report = sync(csv_bytes(ROW_A.replace("2026-11-01 09:00:00", "昨天").replace("13812340000", "12")))
    assert [str(e) for e in report.errors] == [
        "第2行：单位联系人号码不是有效的手机号码或固定电话（如 13912345678、0871-12345678）",
        "第2行：更新时间“昨天”不是有效的时间（如 2026-05-01 10:20:30）",
    ]


def test_a_file_without_a_required_column_is_refused() -> None:
    with pytest.raises(Exception, match="缺少必需的列：更新时间"):
        read_registry_file(
            csv_bytes("91530112MA6NQ2P807,名称,530112", header="统一社会信用代码,单位名称,医保区划"),
            name="r.csv",
        )


def test_xlsx_with_national_field_names_reads_the_same() -> None:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    sheet = workbook.add_worksheet()
    for row, values in enumerate([["uscc", "emp_name", "admdvs", "updt_time", "其他列"],
                                  ["91530112MA6NQ2P807", "昆明云岭科技有限公司", 530112, "20261101090000", "x"]]):  # fmt: skip
        sheet.write_row(row, 0, values)
    workbook.close()
    report = sync(buffer.getvalue(), name="registry.xlsx")
    assert report.ok and report.created == 1
    assert CoreUnit.objects.get().contact_phone == ""


def test_json_rows() -> None:
    feed = rows_from_json([{"uscc": "91530112MA6NQ2P807", "emp_name": "昆明云岭科技有限公司", "admdvs": "530112",
                            "updt_time": "2026-11-01T09:00:00+08:00", "vali_flag": "0"}])  # fmt: skip
    assert registry_sync(feed=feed, source="api").created == 1
    assert CoreUnit.objects.get().is_valid is False
    with pytest.raises(Exception, match="第2条的字段与第1条不同"):
        rows_from_json([{"uscc": "1", "emp_name": "a", "admdvs": "1", "updt_time": "x"}, {"uscc": "2"}])


def test_dry_run_counts_without_writing() -> None:
    report = sync(csv_bytes(ROW_A, ROW_B), dry_run=True)
    assert (report.ok, report.created) == (True, 2)
    assert CoreUnit.objects.count() == 0


def test_the_command(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(ROW_A))
    out = io.StringIO()
    call_command("sync_unit_registry", str(good), stdout=out)
    assert "新增1个单位" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(ROW_A, ROW_A))
    err = io.StringIO()
    with pytest.raises(CommandError, match="发现1处错误"):
        call_command("sync_unit_registry", str(bad), stderr=err)
    assert "第3行：统一社会信用代码与第2行重复" in err.getvalue()


def test_the_api_needs_the_token_and_answers_the_report(client: Client, settings: Any) -> None:
    settings.YIBAO_INTERNAL_API_TOKEN = TOKEN
    url = "/api/internal/unit-registry/"
    body = csv_bytes(ROW_A)
    assert client.post(url, {"file": SimpleUploadedFile("r.csv", body)}).status_code == 401
    response = client.post(url, {"file": SimpleUploadedFile("r.csv", body)}, headers=AUTH)
    assert response.status_code == 200 and response.json()["created"] == 1
    bad = client.post(url, {"file": SimpleUploadedFile("r.csv", csv_bytes(ROW_B, ROW_B))}, headers=AUTH)
    assert bad.status_code == 422 and bad.json()["errors"][0]["message"] == "与第2行重复"
    payload = {"rows": [{"uscc": "91110000802100433B", "emp_name": "北京燕园软件有限公司", "admdvs": "110108",
                         "updt_time": "2026-11-02 10:00:00"}]}  # fmt: skip
    response = client.post(url, json.dumps(payload), content_type="application/json", headers=AUTH)
    assert response.status_code == 200 and response.json()["created"] == 1
    assert CoreUnit.objects.count() == 2


def test_the_readme_documents_every_column() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    documented = re.findall(r"^\| `(\w+)` \| (\S+) \|", readme, flags=re.MULTILINE)
    assert documented == [(c.key, c.title) for c in COLUMNS]
