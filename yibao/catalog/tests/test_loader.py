"""Bulk loads of catalogue editions: new, changed and removed rows; bad files change nothing."""

from __future__ import annotations

import csv
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command

from yibao.catalog.layouts import LAYOUTS
from yibao.catalog.models import Agency, Drug, Institution, ServiceItem
from yibao.catalog.selectors import drug_list
from yibao.catalog.services import catalog_file_load
from yibao.core.errors import ApplicationError
from yibao.core.models import AuditEvent

DRUG_HEADER = ["医保药品代码", "注册名称", "剂型", "规格", "生产企业", "批准文号", "甲乙类", "限定支付范围"]
AMOXICILLIN = "XJ01CAA001B001010100001"
IBUPROFEN = "XM01AEA010B010000100002"
METFORMIN = "XA10BAA017A001000100003"
BANLANGEN = "ZA01ABA003C001000004"


def write_csv(path: Path, rows: list[list[str]], *, encoding: str = "utf-8-sig") -> Path:
    buffer = StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("目录")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    workbook.close()
    return path


def edition_one() -> list[list[str]]:
    return [
        DRUG_HEADER,
        [AMOXICILLIN, "阿莫西林胶囊", "胶囊剂", "0.25g", "云岭制药有限公司", "国药准字H20003263", "甲类", ""],
        [IBUPROFEN, "布洛芬缓释胶囊", "缓释胶囊", "0.3g", "中原制药股份有限公司", "", "甲类", ""],
        [METFORMIN, "盐酸二甲双胍片", "片剂", "0.5g", "燕京制药有限公司", "", "01", ""],
        [BANLANGEN, "板蓝根颗粒", "颗粒剂", "10g", "川蜀药业有限公司", "", "乙", ""],
    ]


def state() -> dict[str, tuple[str, str, bool]]:
    return {d.code: (d.name, d.category, d.is_active) for d in Drug.objects.all()}


@pytest.mark.django_db
def test_a_first_edition_creates_every_row(tmp_path: Path) -> None:
    report = catalog_file_load(
        kind="drugs", path=write_csv(tmp_path / "drugs.csv", edition_one()), actor=None
    )
    assert (report.rows, report.created, report.updated, report.unchanged, report.deactivated) == (
        4,
        4,
        0,
        0,
        0,
    )
    assert state()[BANLANGEN] == ("板蓝根颗粒", "02", True)
    assert [d.name for d in drug_list(name="blfhs")] == ["布洛芬缓释胶囊"]
    event = AuditEvent.objects.get(action="catalog.drugs.load")
    assert event.after is not None and event.after["created"] == 4 and event.after["source"] == "drugs.csv"


@pytest.mark.django_db
def test_a_newer_edition_updates_by_code_and_deactivates_what_it_no_longer_lists(tmp_path: Path) -> None:
    catalog_file_load(kind="drugs", path=write_csv(tmp_path / "2024.csv", edition_one()), actor=None)
    edition_two = edition_one()
    edition_two[2][6] = "乙类"  # ibuprofen moves to 乙类
    edition_two[3][1] = "盐酸二甲双胍缓释片"  # metformin renamed
    del edition_two[4]  # 板蓝根颗粒 leaves the catalogue
    edition_two.append(["XC08CAA023A010000100005", "苯磺酸氨氯地平片", "片剂", "5mg", "", "", "甲类", ""])

    report = catalog_file_load(kind="drugs", path=write_csv(tmp_path / "2025.csv", edition_two), actor=None)

    assert (report.created, report.updated, report.unchanged, report.deactivated) == (1, 2, 1, 1)
    assert sorted(report.changed_codes) == sorted([IBUPROFEN, METFORMIN])
    current = state()
    assert current[IBUPROFEN] == ("布洛芬缓释胶囊", "02", True)
    assert current[BANLANGEN] == ("板蓝根颗粒", "02", False)
    assert [d.name for d in drug_list(name="ysejsg")] == ["盐酸二甲双胍缓释片"]  # index follows the rename
    assert [d.name for d in drug_list(name="板蓝根")] == []

    # The third edition lists 板蓝根颗粒 again: it comes back, counted as updated.
    report = catalog_file_load(kind="drugs", path=write_csv(tmp_path / "2026.csv", edition_one()), actor=None)
    assert (report.created, report.updated, report.deactivated) == (0, 3, 1)
    assert state()[BANLANGEN][2] is True


@pytest.mark.django_db
def test_loading_the_same_edition_twice_changes_nothing(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "drugs.csv", edition_one())
    catalog_file_load(kind="drugs", path=path, actor=None)
    before = list(Drug.objects.order_by("pk").values_list("pk", "updated_at"))
    report = catalog_file_load(kind="drugs", path=path, actor=None)
    assert (report.created, report.updated, report.unchanged, report.deactivated) == (0, 0, 4, 0)
    assert list(Drug.objects.order_by("pk").values_list("pk", "updated_at")) == before


@pytest.mark.django_db
def test_a_file_with_errors_lists_them_by_line_and_changes_nothing(tmp_path: Path) -> None:
    catalog_file_load(kind="drugs", path=write_csv(tmp_path / "ok.csv", edition_one()), actor=None)
    before = state()
    bad = edition_one()
    bad[1][1] = "阿莫西林胶囊（新名称）"  # a valid change that must not be saved either
    bad[2][0] = "X123"  # line 3: code format
    bad[3][6] = "丁类"  # line 4: category
    bad[4][1] = ""  # line 5: empty name
    bad.append([AMOXICILLIN, "阿莫西林胶囊", "胶囊剂", "0.5g", "", "", "甲类", ""])  # line 6: duplicate

    with pytest.raises(ApplicationError) as raised:
        catalog_file_load(kind="drugs", path=write_csv(tmp_path / "bad.csv", bad), actor=None)

    assert raised.value.message == "文件有 4 处错误，未导入任何数据"
    assert raised.value.extra["errors"] == [
        "第3行：医保药品代码“X123”格式不正确，医保药品代码应为X开头的23位（西药）或Z开头的20位（中成药）字母数字",
        "第4行：甲乙类“丁类”无效，应为甲类/乙类（或 01/02）",
        "第5行：注册名称不能为空",
        "第6行：医保药品代码与第2行重复",
    ]
    assert state() == before
    assert AuditEvent.objects.filter(action="catalog.drugs.load").count() == 1


@pytest.mark.django_db
def test_missing_columns_are_named(tmp_path: Path) -> None:
    rows = [["医保药品代码", "剂型"], [AMOXICILLIN, "胶囊剂"]]
    with pytest.raises(ApplicationError) as raised:
        catalog_file_load(kind="drugs", path=write_csv(tmp_path / "cols.csv", rows), actor=None)
    assert raised.value.message == "第1行（表头）缺少必需的列：注册名称、甲乙类"
    assert Drug.objects.count() == 0


@pytest.mark.django_db
def test_xlsx_with_national_headers_numbers_and_dates(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["定点医药机构编号*", "定点医药机构名称", "fix_blng_admdvs", "医院等级", "医疗服务机构类型", "定点联网开通标志",
         "定点开始日期", "统一社会信用代码", "不认识的列"],
        ["H53010200001", "昆明市第一人民医院", 530102, "三级甲等", "综合医院", "是", "2020-01-01",
         "12530000431204582D", "x"],
        ["H53011200002", "西山区人民医院", "530112", "05", "11", 0, "20210301", "", ""],
    ]  # fmt: skip
    report = catalog_file_load(
        kind="institutions", path=write_xlsx(tmp_path / "fixmedins.xlsx", rows), actor=None
    )
    assert report.created == 2
    first = Institution.objects.get(code="H53010200001")
    assert (first.division_id, first.hosp_lv, first.service_type, first.fix_onln_open_flag) == (
        "530102",
        "02",
        "11",
        True,
    )
    assert first.fixmedins_type == Institution.Type.MEDICAL
    assert str(Institution.objects.get(code="H53011200002").begntime) == "2021-03-01"


@pytest.mark.django_db
def test_a_pharmacy_file_refuses_hospital_codes_and_bad_uscc(tmp_path: Path) -> None:
    rows = [
        ["定点医药机构编号", "定点医药机构名称", "定点归属医保区划", "统一社会信用代码"],
        ["H53010200001", "昆明市第一人民医院", "530102", ""],
        ["P53010200002", "康源大药房（五华区店）", "530102", "91530112MA6NQ2P808"],
        ["P53010200003", "仁和堂药房", "999999", ""],
    ]
    with pytest.raises(ApplicationError) as raised:
        catalog_file_load(kind="pharmacies", path=write_csv(tmp_path / "p.csv", rows), actor=None)
    assert raised.value.extra["errors"] == [
        "第2行：定点零售药店的编号应以P开头",
        "第3行：统一社会信用代码校验位不正确",
        "第4行：定点归属医保区划“999999”不是有效的医保区划代码",
    ]


@pytest.mark.django_db
def test_gb18030_csv_as_excel_saves_it(tmp_path: Path) -> None:
    rows = [
        ["经办机构编码", "经办机构名称", "医保区划", "地址", "咨询电话", "办公时间"],
        [
            "53010201",
            "五华区医疗保障服务中心",
            "530102",
            "五华区人民路2号",
            "0871-63212345",
            "工作日 9:00—17:00",
        ],
    ]
    path = write_csv(tmp_path / "agencies.csv", rows, encoding="gb18030")
    assert catalog_file_load(kind="agencies", path=path, actor=None).created == 1
    assert Agency.objects.get().name == "五华区医疗保障服务中心"


@pytest.mark.django_db
def test_a_regional_load_replaces_that_region_only(tmp_path: Path) -> None:
    header = ["项目编码", "医保区划", "医保类别", "类别", "名称", "计价单位", "价格"]
    national = [
        header,
        ["001102000010000", "530000", "甲类", "综合医疗服务类", "普通门诊诊查费", "次", "10"],
        ["001109000010000", "530000", "甲类", "服务设施", "普通病房床位费", "日", "25.5"],
        ["001102000010000", "410000", "甲类", "综合医疗服务类", "普通门诊诊查费", "次", "9.5"],
    ]
    catalog_file_load(kind="service-items", path=write_csv(tmp_path / "all.csv", national), actor=None)
    yunnan = [
        header,
        ["001102000010000", "530000", "甲类", "综合医疗服务类", "普通门诊诊查费", "次", "12.00"],
    ]

    report = catalog_file_load(
        kind="service-items", path=write_csv(tmp_path / "53.csv", yunnan), actor=None, region="530000"
    )

    assert (report.updated, report.deactivated) == (1, 1)
    prices = {(i.division_id, i.code): (i.price, i.is_active) for i in ServiceItem.objects.all()}
    assert prices == {
        ("530000", "001102000010000"): (Decimal("12.00"), True),
        ("530000", "001109000010000"): (Decimal("25.50"), False),
        ("410000", "001102000010000"): (Decimal("9.50"), True),  # Henan untouched
    }
    outside = [header, ["001102000010000", "410000", "甲类", "综合医疗服务类", "普通门诊诊查费", "次", "1"]]
    with pytest.raises(ApplicationError) as raised:
        catalog_file_load(
            kind="service-items", path=write_csv(tmp_path / "x.csv", outside), actor=None, region="530000"
        )
    assert raised.value.extra["errors"] == ["第2行：医保区划“410000”不在本次导入的区域（530000）内"]


@pytest.mark.django_db
def test_a_dry_run_reports_without_saving(tmp_path: Path) -> None:
    report = catalog_file_load(
        kind="drugs", path=write_csv(tmp_path / "d.csv", edition_one()), actor=None, dry_run=True
    )
    assert report.created == 4 and report.summary().startswith("（试运行，未保存）")
    assert Drug.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_unsupported_file_types_and_empty_files(tmp_path: Path) -> None:
    other = tmp_path / "drugs.txt"
    other.write_text("x")
    with pytest.raises(ApplicationError, match=r"不支持的文件类型“\.txt”"):
        catalog_file_load(kind="drugs", path=other, actor=None)
    with pytest.raises(ApplicationError, match="文件中没有数据"):
        catalog_file_load(kind="drugs", path=write_csv(tmp_path / "empty.csv", []), actor=None)
    with pytest.raises(ApplicationError, match="只有表头"):
        catalog_file_load(kind="drugs", path=write_csv(tmp_path / "head.csv", [DRUG_HEADER]), actor=None)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    with pytest.raises(ApplicationError, match="无法读取 Excel 文件"):
        catalog_file_load(kind="drugs", path=broken, actor=None)


@pytest.mark.django_db
def test_the_command_prints_the_counts_and_the_errors(tmp_path: Path) -> None:
    out, err = StringIO(), StringIO()
    path = write_csv(tmp_path / "drugs.csv", edition_one())
    call_command("load_catalog", "drugs", str(path), stdout=out, stderr=err)
    assert out.getvalue().strip() == (
        "医保药品目录导入完成：文件共 4 条，新增 4 条，更新 0 条，未变化 0 条，停用 0 条"
    )
    bad = edition_one()
    bad[1][0] = "bad"
    with pytest.raises(CommandError, match="文件有 1 处错误，未导入任何数据"):
        call_command(
            "load_catalog", "drugs", str(write_csv(tmp_path / "bad.csv", bad)), stdout=out, stderr=err
        )
    assert "第2行：医保药品代码“bad”格式不正确" in err.getvalue()
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("load_catalog", "drugs", str(tmp_path / "missing.csv"), stdout=out, stderr=err)


def test_the_readme_documents_every_layout() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for layout in LAYOUTS.values():
        assert f"`load_catalog {layout.kind}`" in readme, layout.kind
        for column in layout.columns:
            assert f"| {column.header} |" in readme, (layout.kind, column.header)
