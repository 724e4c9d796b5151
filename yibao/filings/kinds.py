"""The four filings of the hall (Henan manual 004, 经办服务 17–20) and what each asks for.

| 备案 | who may be filed | materials |
|---|---|---|
| 异地安置退休人员备案 | a retired person (人员类别 12xx, 离休 13xx) | 异地安置证明, or the 告知承诺书 where the province accepts it |
| 异地长期居住人员备案 | any insured person of the unit | 异地居住证明, or the 告知承诺书 |
| 常驻异地工作人员备案 | an in-service employee of the unit (1101, 1102, 1160) | 派驻证明或劳动合同, or the 告知承诺书 |
| 异地转诊备案 | any insured person of the unit | 转诊证明 (always: a hospital's decision, not the person's word) |

The first three are long-term (跨省长期居住): valid until changed, with no 结束日期, and changed or
cancelled only after the profile's minimum months. 转诊 is temporary: its 结束日期 lies within the
profile's validity window.
"""

from __future__ import annotations

from dataclasses import dataclass

from yibao.cases.types import MaterialSpec
from yibao.filings.models import Filing

RETIRED_PREFIXES = ("12", "13")  # 职工/公务员/灵活就业人员退休, 离休
IN_SERVICE = ("1101", "1102", "1160")  # 职工在职, 公务员在职, 地方扩展 (not 灵活就业人员)

COMMITMENT_TEXT = (
    "本人承诺：所填写的异地就医备案信息真实、准确、完整，本人确在就医地长期居住（或工作）；"
    "如有虚假，愿意承担由此产生的一切法律责任，由此发生的医疗费用由本人承担，"
    "并配合医保经办机构核查。"
)


@dataclass(frozen=True)
class FilingKind:
    kind: Filing.Kind
    name: str  # the business: 异地安置退休人员备案
    item_code: str  # the business item (grant)
    slug: str  # the URL name of its page under filings:
    long_term: bool
    proof: MaterialSpec
    psn_types: tuple[str, ...] = ()  # who may be filed: 人员类别 codes or prefixes (empty: anyone)
    refusal: str = ""  # why a person outside `psn_types` may not

    def eligible(self, psn_type: str) -> bool:
        return not self.psn_types or psn_type.startswith(self.psn_types)


RETIREE = FilingKind(
    kind=Filing.Kind.RETIREE,
    name="异地安置退休人员备案",
    item_code="filing-retiree-relocation",
    slug="retiree-relocation",
    long_term=True,
    proof=MaterialSpec("settlement-proof", "异地安置证明", note="户口簿首页和本人页，或就医地居住证明"),
    psn_types=RETIRED_PREFIXES,
    refusal="该人员不是退休人员，不能办理异地安置退休人员备案",
)
RESIDENCE = FilingKind(
    kind=Filing.Kind.RESIDENCE,
    name="异地长期居住人员备案",
    item_code="filing-long-term-residence",
    slug="long-term-residence",
    long_term=True,
    proof=MaterialSpec("residence-proof", "异地居住证明", note="就医地居住证或居住证明"),
)
POSTED = FilingKind(
    kind=Filing.Kind.POSTED,
    name="常驻异地工作人员备案",
    item_code="filing-posted-worker",
    slug="posted-worker",
    long_term=True,
    proof=MaterialSpec(
        "posting-proof", "派驻证明或劳动合同", note="单位出具的派驻证明，或在就医地工作的劳动合同"
    ),
    psn_types=IN_SERVICE,
    refusal="该人员不是本单位在职职工，不能办理常驻异地工作人员备案",
)
REFERRAL = FilingKind(
    kind=Filing.Kind.REFERRAL,
    name="异地转诊备案",
    item_code="filing-referral",
    slug="referral",
    long_term=False,
    proof=MaterialSpec("referral-proof", "转诊证明", note="参保地定点医疗机构开具的转诊转院证明"),
)

KINDS: dict[str, FilingKind] = {k.kind.value: k for k in (RETIREE, RESIDENCE, POSTED, REFERRAL)}


def filing_kind(kind: str) -> FilingKind:
    return KINDS[kind]
