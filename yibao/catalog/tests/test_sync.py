"""The 贯标平台 institution feed: reading, checking (all or nothing), applying (idempotent, never
rolling a record back), the command, and what the public pages show afterwards."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.pagecheck import visible_text
from yibao.catalog.layouts import CellError, ParseContext
from yibao.catalog.models import Institution
from yibao.catalog.sync import AUDIT_ACTION, SyncReport, institutions_sync
from yibao.catalog.sync_format import SYNC_COLUMNS, read_sync_file, rows_from_json, timestamp
from yibao.catalog.tests.sync_helpers import HOSPITAL_CODE, PHARMACY_CODE, feed_csv, hospital, pharmacy
from yibao.core.errors import ApplicationError
from yibao.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def sync(rows: list[dict[str, str]], **kwargs: Any) -> SyncReport:
    return institutions_sync(feed=read_sync_file(feed_csv(rows, **kwargs), name="feed.csv"))


def snapshot() -> list[tuple[Any, ...]]:
    return list(Institution.objects.order_by("code").values_list())


# --- reading ---------------------------------------------------------------------------------------


def test_the_header_must_be_the_agreed_one() -> None:
    body = "定点医药机构编号,机构星级,定点医药机构编号\nH53011200243,5,H53011200243\n".encode()
    with pytest.raises(ApplicationError) as caught:
        read_sync_file(body, name="f.csv")
    message = caught.value.message
    assert "第2列“机构星级”不是约定的列名" in message
    assert "列“定点医药机构编号”出现了两次" in message
    assert "缺少列：“定点医药机构名称”、“定点所属行政区划”、“贯标平台更新时间”" in message


def test_national_field_names_and_the_manuals_labels_are_headers_too() -> None:
    body = "fixmedins_code,医疗机构名称,定点归属医保区划,updt_time\nH53011200243,甲医院,530112,2026-01-01\n"
    feed = read_sync_file(body.encode(), name="f.csv")
    assert feed.keys == ("fixmedins_code", "fixmedins_name", "fix_blng_admdvs", "updt_time")
    assert feed.rows[0].line == 2


def test_other_file_types_and_encodings_are_refused() -> None:
    with pytest.raises(ApplicationError, match="CSV（UTF-8 编码）或 xlsx"):
        read_sync_file(b"x", name="feed.txt")
    with pytest.raises(ApplicationError, match="不是 UTF-8 编码"):
        read_sync_file("定点医药机构编号\n".encode("gb18030"), name="feed.csv")
    with pytest.raises(ApplicationError, match="不是Excel工作簿"):
        read_sync_file(b"not a zip", name="feed.xlsx")


def test_an_xlsx_file_reads_like_the_csv() -> None:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet()
    columns = [c.key for c in SYNC_COLUMNS]
    sheet.write_row(0, 0, [c.title for c in SYNC_COLUMNS])
    sheet.write_row(1, 0, [hospital()[key] for key in columns])
    book.close()
    report = institutions_sync(feed=read_sync_file(out.getvalue(), name="feed.xlsx"))
    assert (report.ok, report.created) == (True, 1)
    assert Institution.objects.get().abbr == "永昌西区社区"


def test_json_rows_share_their_keys_and_use_national_names_only() -> None:
    with pytest.raises(ApplicationError, match="未约定的字段 star"):
        rows_from_json([hospital(star="5")])
    with pytest.raises(ApplicationError, match="第2条：字段与第1条不一致"):
        rows_from_json([hospital(), {"fixmedins_code": PHARMACY_CODE}])
    with pytest.raises(ApplicationError, match="缺少字段 fix_blng_admdvs"):
        rows_from_json([{"fixmedins_code": HOSPITAL_CODE, "fixmedins_name": "甲", "updt_time": "2026-01-01"}])
    with pytest.raises(ApplicationError, match="字段值应为文字"):
        rows_from_json([hospital(memo=["x"])])  # type: ignore[arg-type]
    with pytest.raises(ApplicationError, match="rows 应为非空的数组"):
        rows_from_json([])


# --- checking: all or nothing ------------------------------------------------------------------------


def test_every_bad_row_is_reported_and_nothing_is_written() -> None:
    future = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S")
    rows = [
        hospital(),  # line 2: good
        pharmacy(fixmedins_code="P5301020000X"),  # 3
        hospital(fixmedins_code="H53011200244", fix_blng_admdvs="539999", uscc="52530112772686532X"),  # 4
        hospital(fixmedins_code="H53011200245", hi_resper_certno="110105194912310021"),  # 5
        hospital(fixmedins_code="H53011200246", drug_biz_lic_no="云AA1", fixmedins_type="2"),  # 6
        hospital(fixmedins_code="H53011200247", begntime="2020-01-01", endtime="2019-12-31"),  # 7
        hospital(fixmedins_code="H53011200248", updt_time=future, fixmedins_name=""),  # 8
        hospital(),  # 9: the code of line 2 again
        hospital(fixmedins_code="H53011200249", hi_resper_cert_type="", hi_resper_certno="1"),  # 10
        hospital(fixmedins_code="H53011200250", dedc_hosp_lv="四级", vali_flag="有效吧"),  # 11
    ]
    report = sync(rows)
    assert not report.ok
    got = [(e.line, e.column) for e in report.errors]
    assert got == [
        (3, "定点医药机构编号"),
        (4, "统一社会信用代码"),
        (4, "定点所属行政区划"),
        (5, "医保办负责人证件号码"),
        (6, "定点医药机构类型"),
        (6, "药品经营许可证编号"),
        (7, ""),
        (8, "定点医药机构名称"),
        (8, "贯标平台更新时间"),
        (9, "定点医药机构编号"),
        (10, ""),
        (11, "起付线(报销)等级"),
        (11, "有效标志"),
    ]
    text = "\n".join(str(e) for e in report.errors)
    assert "第4行：定点所属行政区划“539999”不是有效的医保区划代码" in text
    assert "第7行：结束日期不能早于开始日期" in text
    assert "第9行：定点医药机构编号与第2行重复" in text
    assert "第6行：药品经营许可证编号仅定点零售药店填写" in text
    assert "晚于当前时间" in text
    assert report.summary() == "共10条，13处错误，未同步任何数据"
    assert Institution.objects.count() == 0
    assert not AuditEvent.objects.filter(action=AUDIT_ACTION).exists()


def test_errors_are_listed_up_to_a_limit_but_all_counted() -> None:
    rows = [hospital(fixmedins_code=f"H530112{n:05d}", fix_blng_admdvs="1") for n in range(250)]
    report = sync(rows)
    assert (report.error_count, len(report.errors)) == (250, 200)
    assert "列出前200处" in report.summary()


# --- applying --------------------------------------------------------------------------------------


def test_a_feed_creates_both_kinds_with_every_field() -> None:
    report = sync([hospital(), pharmacy()])
    assert (report.ok, report.created, report.updated, report.unchanged) == (True, 2, 0, 0)
    h = Institution.objects.get(code=HOSPITAL_CODE)
    assert (h.fixmedins_type, h.service_type, h.hosp_lv, h.lmtpric_hosp_lv, h.dedc_hosp_lv) == (
        "1", "16", "05", "2", "1",
    )  # fmt: skip
    assert (h.out_fixmedins_type, h.out_onln_open_type, h.fix_onln_open_flag) == ("1", "0", True)
    assert (h.insu_division_id, h.division_id, h.reg_code) == ("530112", "530112", "PDY00112453011217A1001")
    assert (h.lic_issue_date, h.lic_expiry_date) == (datetime.date(2019, 3, 1), datetime.date(2029, 2, 28))
    assert (h.hi_resper_cert_type, h.hi_resper_certno) == ("01", "11010519491231002X")
    assert timezone.localtime(h.plaf_updt_time).strftime("%Y-%m-%d %H:%M") == "2026-03-01 09:30"
    assert h.synced_at is not None and h.is_active
    assert h.search_key.startswith("kmsxsqycxqsqwsfwzx|")
    p = Institution.objects.get(code=PHARMACY_CODE)
    assert (p.fixmedins_type, p.drug_biz_lic_no, p.brch_flag, p.phac_chan_type, p.phar_psncnt) == (
        "2", "云AA8710023", True, "1", 3,
    )  # fmt: skip
    event = AuditEvent.objects.get(action=AUDIT_ACTION)
    assert event.after["created"] == 2 and event.after["source"] == ""


def test_the_same_feed_twice_changes_nothing_not_even_the_sync_time() -> None:
    sync([hospital(), pharmacy()])
    before = snapshot()
    report = sync([hospital(), pharmacy()])
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert snapshot() == before


def test_a_changed_record_is_updated_and_its_sync_time_moves() -> None:
    sync([hospital(), pharmacy()])
    first = Institution.objects.get(code=HOSPITAL_CODE).synced_at
    report = sync(
        [
            hospital(fixmedins_name="昆明市西山区永昌社区卫生服务中心", updt_time="2026-04-02 08:00:00"),
            pharmacy(),
        ]
    )
    assert (report.updated, report.unchanged, report.changed_codes) == (1, 1, [HOSPITAL_CODE])
    changed = Institution.objects.get(code=HOSPITAL_CODE)
    assert changed.name == "昆明市西山区永昌社区卫生服务中心"
    assert changed.search_key.startswith("kmsxsqycsqwsfwzx|")
    assert changed.synced_at is not None and first is not None and changed.synced_at > first


def test_an_older_record_is_refused_so_nothing_rolls_back() -> None:
    sync([hospital(updt_time="2026-04-02 08:00:00")])
    before = snapshot()
    report = sync([pharmacy(), hospital(fixmedins_name="旧名称", updt_time="2026-03-01 09:30:00")])
    assert not report.ok
    assert [str(e) for e in report.errors] == [
        "第3行：贯标平台更新时间早于系统中已同步的数据（2026-04-02 08:00:00），不能用旧数据覆盖"
    ]
    assert snapshot() == before  # the good pharmacy row was not written either


def test_columns_a_feed_lacks_are_left_alone_and_the_legal_representative_is_never_synced() -> None:
    sync([hospital()])
    Institution.objects.filter(code=HOSPITAL_CODE).update(
        legrep_name="张三", legrep_certno="530102200006020001"
    )
    keys = ["fixmedins_code", "fixmedins_name", "fix_blng_admdvs", "updt_time", "tel"]
    report = sync([hospital(tel="0871-60000000", updt_time="2026-05-01 00:00:00")], keys=keys)
    assert report.updated == 1
    h = Institution.objects.get(code=HOSPITAL_CODE)
    assert (h.tel, h.abbr, h.hosp_lv, h.legrep_name) == ("0871-60000000", "永昌西区社区", "05", "张三")


def test_an_invalid_flag_deactivates_and_a_later_valid_one_brings_it_back() -> None:
    sync([hospital(), pharmacy()])
    report = sync([pharmacy(vali_flag="0", updt_time="2026-04-01 00:00:00")])
    assert (report.updated, report.deactivated) == (1, 1)
    assert Institution.objects.get(code=PHARMACY_CODE).is_active is False
    sync([pharmacy(vali_flag="1", updt_time="2026-05-01 00:00:00")])
    assert Institution.objects.get(code=PHARMACY_CODE).is_active is True


def test_a_dry_run_checks_and_counts_but_saves_nothing() -> None:
    feed = read_sync_file(feed_csv([hospital()]), name="f.csv")
    report = institutions_sync(feed=feed, dry_run=True)
    assert (report.ok, report.created) == (True, 1)
    assert "试运行" in report.summary()
    assert Institution.objects.count() == 0 and not AuditEvent.objects.exists()


def test_records_loaded_by_load_catalog_are_completed_by_the_sync(make_institution) -> None:
    """The public query and the sync read and write the same rows, matched by code."""
    make_institution("昆明市西山区永昌西区社区卫生服务中心", code=HOSPITAL_CODE, division_id="530112")
    report = sync([hospital()])
    assert (report.created, report.updated) == (0, 1)
    assert Institution.objects.get().abbr == "永昌西区社区"


# --- the command -------------------------------------------------------------------------------------


def test_the_command_syncs_and_reports_errors(tmp_path: Path) -> None:
    good = tmp_path / "机构.csv"
    good.write_bytes(feed_csv([hospital(), pharmacy()]))
    out = io.StringIO()
    call_command("sync_institutions", str(good), stdout=out)
    assert "新增 2 条，更新 0 条，未变化 0 条" in out.getvalue()
    out = io.StringIO()
    call_command("sync_institutions", str(good), stdout=out)
    assert "新增 0 条，更新 0 条，未变化 2 条" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(feed_csv([hospital(hosp_lv="五级")]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1处错误，未同步任何数据"):
        call_command("sync_institutions", str(bad), stderr=err)
    assert "第2行：医院等级“五级”不是有效的医院等级" in err.getvalue()
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("sync_institutions", str(tmp_path / "missing.csv"))


# --- what the public pages show ----------------------------------------------------------------------


def test_synced_values_and_the_sync_time_show_on_the_public_pages(get_page) -> None:
    sync([hospital(), pharmacy()])
    sync(
        [
            hospital(fixmedins_name="昆明市西山区永昌社区卫生服务中心", updt_time="2026-04-02 08:00:00"),
            pharmacy(),
        ]
    )
    listed = visible_text(get_page("/catalog/institutions/?name=永昌社区"))
    assert "昆明市西山区永昌社区卫生服务中心" in listed
    detail = visible_text(get_page(f"/catalog/institutions/{HOSPITAL_CODE}/"))
    synced = timezone.localtime(Institution.objects.get(code=HOSPITAL_CODE).synced_at)
    assert f"数据同步时间 {synced:%Y-%m-%d %H:%M}" in detail
    assert "贯标平台更新时间 2026-04-02 08:00" in detail
    assert "医疗机构简称 永昌西区社区" in detail
    assert "限价医院等级 二级" in detail and "起付线(报销)等级 一级及以下" in detail
    assert "异地医药机构类型 省内异地医药机构" in detail and "异地联网开通标志 非异地定点" in detail
    assert "11010519491231002X" not in detail and "李明" in detail
    pharmacy_page = visible_text(get_page(f"/catalog/pharmacies/{PHARMACY_CODE}/"))
    assert "药品经营许可证编号 云AA8710023" in pharmacy_page and "连锁类型 直营连锁" in pharmacy_page
    sync([pharmacy(vali_flag="0", updt_time="2026-05-01 00:00:00")])
    assert "一心堂" not in visible_text(get_page("/catalog/pharmacies/"))
    assert "已不在定点医药机构名单中" in visible_text(get_page(f"/catalog/pharmacies/{PHARMACY_CODE}/"))


def test_update_times_are_read_as_local_time_unless_they_carry_an_offset() -> None:
    context = ParseContext(divisions=set(), hosp_levels={})
    local = timezone.get_current_timezone()
    assert timestamp("2026-05-01 10:20:30", context) == datetime.datetime(
        2026, 5, 1, 10, 20, 30, tzinfo=local
    )
    assert timestamp("2026/05/01", context) == datetime.datetime(2026, 5, 1, tzinfo=local)
    assert timestamp("20260501102030", context) == datetime.datetime(2026, 5, 1, 10, 20, 30, tzinfo=local)
    assert timestamp("2026-05-01T02:20:30Z", context) == datetime.datetime(
        2026, 5, 1, 2, 20, 30, tzinfo=datetime.UTC
    )
    for bad in ("2026-13-01", "昨天", "2026-05-01 25:00"):
        with pytest.raises(CellError, match="不是有效的时间"):
            timestamp(bad, context)


def test_the_readme_documents_every_feed_column() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "`manage.py sync_institutions FILE`" in readme
    for column in SYNC_COLUMNS:
        required = "是" if column.column.required else ""
        assert f"| {column.title} | {column.key} | {required} |" in readme, column.key
