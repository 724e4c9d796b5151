"""The service directory (服务目录) of the portal, after the Henan manual's function list.

A public service names its URL. A unit service is a business item of the hall: once the hall
serves the item (`operators.catalogue.ITEM_PAGES`) the entry leads to it through the operator
hall, which asks for a login and checks the grant; until then it leads to a page that says
plainly that the service is being built.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.urls import reverse

from yibao.operators.catalogue import ITEM_PAGES


class Audience(StrEnum):
    UNIT = "unit"  # 单位服务: needs an operator login
    PUBLIC = "public"  # 公用服务: open to anyone


AUDIENCE_LABELS = {Audience.UNIT: "单位服务", Audience.PUBLIC: "公用服务"}


@dataclass(frozen=True)
class ServiceGroup:
    code: str
    name: str
    audience: Audience


@dataclass(frozen=True)
class ServiceEntry:
    slug: str
    name: str
    group: str
    summary: str
    url_name: str | None = None  # a public service's page

    @property
    def is_built(self) -> bool:
        return self.url_name is not None or self.slug in ITEM_PAGES

    def url(self) -> str:
        if self.url_name:
            return reverse(self.url_name)
        if self.slug in ITEM_PAGES:  # a business item: the slug is its code
            return reverse("operators:item", kwargs={"item_code": self.slug})
        return reverse("portal:service", kwargs={"slug": self.slug})


GROUPS: tuple[ServiceGroup, ...] = (
    ServiceGroup("query", "查询服务", Audience.UNIT),
    ServiceGroup("handling", "经办服务", Audience.UNIT),
    ServiceGroup("printing", "打印服务", Audience.UNIT),
    ServiceGroup("other", "其他服务", Audience.PUBLIC),
)

ENTRIES: tuple[ServiceEntry, ...] = (
    ServiceEntry("unit-basic-info", "单位基本信息查询", "query", "查看本单位在医保系统中的基本信息。"),
    ServiceEntry(
        "unit-insurance-info", "单位参保信息查询", "query", "按险种查看单位参保状态、参保日期和参保人数。"
    ),
    ServiceEntry(
        "unit-contributions", "单位缴费信息查询", "query", "按时间范围和险种查询单位缴费记录，导出缴费明细。"
    ),
    ServiceEntry(
        "person-basic-info", "个人基本信息查询", "query", "按证件类型和证件号码查询本单位职工信息。"
    ),
    ServiceEntry("person-insurance-info", "个人参保信息查询", "query", "查询本单位职工的参保信息。"),
    ServiceEntry("person-contributions", "个人缴费信息查询", "query", "按条件筛选职工缴费信息。"),
    ServiceEntry("remote-care-filings", "异地就医备案信息查询", "query", "查询职工异地就医备案信息。"),
    ServiceEntry("roster", "职工花名册查询", "query", "按条件查询和导出本单位职工花名册。"),
    ServiceEntry("personnel-changes", "单位人员变动查询", "query", "查询职工增员、减员和变更记录。"),
    ServiceEntry("case-records", "办件记录查询", "query", "按业务类型和时间范围查询办件记录。"),
    ServiceEntry("employee-enrollment", "职工参保登记", "handling", "单个人员参保登记和批量参保登记。"),
    ServiceEntry("employee-interruption", "职工中断参保", "handling", "少量中断和批量文件中断。"),
    ServiceEntry(
        "unit-key-info-change",
        "单位参保关键信息变更",
        "handling",
        "变更单位参保关键信息，需打印盖章并经审核。",
    ),
    ServiceEntry("unit-info-change", "单位参保非关键信息变更", "handling", "变更单位参保非关键信息。"),
    ServiceEntry(
        "employee-key-info-change",
        "职工参保关键信息变更",
        "handling",
        "变更职工参保关键信息，需打印盖章并经审核。",
    ),
    ServiceEntry("employee-info-change", "职工参保非关键信息变更", "handling", "变更职工参保非关键信息。"),
    ServiceEntry(
        "filing-retiree-relocation", "异地安置退休人员备案", "handling", "为异地安置的退休人员办理备案。"
    ),
    ServiceEntry(
        "filing-long-term-residence", "异地长期居住人员备案", "handling", "为异地长期居住人员办理备案。"
    ),
    ServiceEntry("filing-posted-worker", "常驻异地工作人员备案", "handling", "为常驻异地工作人员办理备案。"),
    ServiceEntry("filing-referral", "异地转诊备案", "handling", "为异地转诊人员办理备案。"),
    ServiceEntry("unit-certificate", "单位参保证明打印", "printing", "预览并打印单位参保证明。"),
    ServiceEntry("person-certificate", "个人参保证明打印", "printing", "预览并打印个人参保证明。"),
    ServiceEntry(
        "pharmacies",
        "定点零售药店查询",
        "other",
        "按区域和名称查询定点零售药店。",
        url_name="catalog:pharmacy-list",
    ),
    ServiceEntry(
        "institutions",
        "定点医疗机构查询",
        "other",
        "按区域、医院等级和名称查询定点医疗机构。",
        url_name="catalog:institution-list",
    ),
    ServiceEntry(
        "agencies",
        "经办机构查询",
        "other",
        "查询医保经办机构的地址、电话和办公时间。",
        url_name="catalog:agency-list",
    ),
    ServiceEntry(
        "drugs",
        "医保药品信息查询",
        "other",
        "按名称或拼音首字母查询医保药品目录。",
        url_name="catalog:drug-list",
    ),
    ServiceEntry(
        "service-items",
        "医保服务设施与诊疗目录查询",
        "other",
        "查询医保服务设施和诊疗项目。",
        url_name="catalog:service-item-list",
    ),
    ServiceEntry(
        "certificate-verify",
        "参保证明查验",
        "other",
        "输入证明编号和验证码，查验参保证明真伪。",
        url_name="certificates-public:check",
    ),
    ServiceEntry(
        "divisions", "医保区划查询", "other", "按省、市、区县查询医保区划代码。", url_name="core:divisions"
    ),
)

# Entries of the header (注册, 登录, 找回密码).
ACCOUNT_ENTRIES: tuple[ServiceEntry, ...] = (
    ServiceEntry(
        "unit-register",
        "单位注册",
        "account",
        "注册单位管理账号和单位经办人账号。",
        url_name="entry:register",
    ),
    ServiceEntry(
        "login",
        "单位账号登录/经办人账号登录",
        "account",
        "使用单位账号或经办人手机号登录单位网厅。",
        url_name="entry:login",
    ),
    ServiceEntry(
        "password-recovery",
        "找回密码",
        "account",
        "通过统一社会信用代码、单位账号或经办人手机号找回密码。",
        url_name="entry:recovery",
    ),
)

_BY_SLUG = {entry.slug: entry for entry in ENTRIES + ACCOUNT_ENTRIES}
_GROUPS_BY_CODE = {group.code: group for group in GROUPS}


def entry_by_slug(slug: str) -> ServiceEntry | None:
    return _BY_SLUG.get(slug)


def group_of(entry: ServiceEntry) -> ServiceGroup | None:
    return _GROUPS_BY_CODE.get(entry.group)


@dataclass(frozen=True)
class DirectorySection:
    group: ServiceGroup
    entries: list[ServiceEntry]


def directory_sections(*, audience: str = "", query: str = "") -> list[DirectorySection]:
    """The directory, filtered by service type and a search text (matching the entry name)."""
    text = query.strip()
    sections = []
    for group in GROUPS:
        if audience and group.audience != audience:
            continue
        entries = [e for e in ENTRIES if e.group == group.code and (not text or text in e.name)]
        if entries:
            sections.append(DirectorySection(group, entries))
    return sections
