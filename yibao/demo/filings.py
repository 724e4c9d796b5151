"""The demo's 异地就医备案: in every unit whose operators `seed_demo` prints, filings of the four
kinds in every status, so the query pages, the person pages and the workbench show them at once.

Per unit and kind: one 申请中 (its application submitted, waiting in the demo reviewer's queue),
one 已备案, one 已变更 with the version that replaced it, one 已取消 and one 不予备案; besides, one
filing with a 变更备案 and one with a 取消备案 waiting for review. Each person has one filing
story, so no two filings overlap.

The rows have the shapes the services give them (`yibao.filings.services`, `yibao.cases.services`):
the application with its payload as the page saves it (checked by the type's form), the values
before, the timeline events, the uploaded proof (or the 告知承诺书 where the profile takes it), the
filing versions and the messages of each decision. They are written in one pass through
`yibao.core.bulk` with dates in the past, every date by the rules: the person 正常参保 in the unit
and within the operator's 管理人群, 安置退休 only for retirees and 常驻异地工作 only for in-service
employees, 就医地 another city than the unit's, 开始日期 not before the insurance start, a 转诊
within the profile's validity window, a long-term filing changed or cancelled only after the
profile's minimum months.
"""

from __future__ import annotations

import datetime
import io
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone
from PIL import Image, ImageDraw

from yibao.accounts.models import User
from yibao.cases.models import Application, Event, Material, Status
from yibao.core.bulk import BulkWriter, bulk_write
from yibao.core.models import Division
from yibao.core.profiles import get_profile
from yibao.core.selectors import division_full_name
from yibao.core.storage import private_storage, random_file_name
from yibao.demo.numbers import IdNumberFactory, make_mobile
from yibao.enrollment.models import Insurance
from yibao.enrollment.standing import in_force
from yibao.filings.kinds import KINDS, FilingKind
from yibao.filings.models import Filing
from yibao.filings.rules import add_months, referral_end
from yibao.filings.services import CANCEL, CHANGE, NEW, VALUE_FIELDS, filing_values
from yibao.filings.types import FilingType, filing_type
from yibao.notices.models import Message
from yibao.operators.models import Binding
from yibao.units.models import Population, Unit

APPLYING, FILED, CHANGED, CANCELLED, REFUSED = "applying", "filed", "changed", "cancelled", "refused"
CHANGE_PENDING, CANCEL_PENDING = "change-pending", "cancel-pending"
OUTCOMES = (APPLYING, FILED, CHANGED, CANCELLED, REFUSED)
KIND_ORDER = (Filing.Kind.RETIREE, Filing.Kind.RESIDENCE, Filing.Kind.POSTED, Filing.Kind.REFERRAL)

# Cities of care (GB/T 2260 prefecture level); a unit never files its own city.
CARE_CITIES = (
    "440300", "460200", "450300", "530700", "532900", "330100", "350200", "510100", "440100",
    "430100", "420100", "370200",
)  # fmt: skip
STREETS = ("人民路", "滨江路", "建设路", "解放路", "和平街", "中山路", "文化路", "新华路", "长江路", "朝阳路")
# 转出医院 by the unit's city, 转入医院 by the city of care.
OUT_HOSPITALS = {
    "5301": ("昆明医科大学第一附属医院", "云南省第一人民医院"),
    "1101": ("首都医科大学附属北京朝阳医院", "北京大学第三医院"),
    "4101": ("郑州大学第一附属医院", "河南省人民医院"),
    "3101": ("复旦大学附属中山医院", "上海交通大学医学院附属瑞金医院"),
    "4401": ("中山大学附属第一医院", "广东省人民医院"),
    "5101": ("四川大学华西医院", "四川省人民医院"),
}
IN_HOSPITALS = {
    "440300": ("北京大学深圳医院", "深圳市人民医院"),
    "460200": ("三亚中心医院",),
    "450300": ("桂林医学院附属医院",),
    "530700": ("丽江市人民医院",),
    "532900": ("大理大学第一附属医院",),
    "330100": ("浙江大学医学院附属第一医院", "浙江省人民医院"),
    "350200": ("厦门大学附属第一医院",),
    "510100": ("四川大学华西医院",),
    "440100": ("中山大学附属第一医院", "广东省人民医院"),
    "430100": ("中南大学湘雅医院",),
    "420100": ("华中科技大学同济医学院附属同济医院",),
    "370200": ("青岛大学附属医院",),
}
CANCEL_REASONS = {
    Filing.Kind.RETIREE: "已回参保地居住",
    Filing.Kind.RESIDENCE: "已回参保地长期居住",
    Filing.Kind.POSTED: "派驻结束，已回单位工作",
    Filing.Kind.REFERRAL: "转诊治疗结束",
}
REFUSALS = {
    Filing.Kind.RETIREE: "异地安置证明未载明安置地址，无法核实，不予备案",
    Filing.Kind.RESIDENCE: "经核查，该人员在就医地无长期居住记录，不予备案",
    Filing.Kind.POSTED: "派驻证明未加盖单位公章，不予备案",
    Filing.Kind.REFERRAL: "转诊证明未载明转入医院，不予备案",
}
AGENT_RELATIONS = ("子女", "配偶", "其他亲属")


@dataclass(frozen=True)
class Candidate:
    """A person 正常参保 in the unit (职工基本医疗保险), within the operator's 管理人群."""

    person_id: int
    name: str
    cert_no: str
    mobile: str
    psn_type: str
    start: datetime.date  # the insurance start with the unit


@dataclass(frozen=True)
class Story:
    kind: Filing.Kind
    outcome: str

    @property
    def spec(self) -> FilingKind:
        return KINDS[self.kind.value]

    def needs_minimum(self) -> bool:
        """Changed or cancelled (or about to be): a long-term filing must be old enough."""
        return self.spec.long_term and self.outcome in (CHANGED, CANCELLED, CHANGE_PENDING, CANCEL_PENDING)


def unit_stories(unit_index: int) -> list[Story]:
    """What one unit shows, most important first (a small unit gets the first ones)."""
    stories = [Story(kind, outcome) for outcome in OUTCOMES for kind in KIND_ORDER]
    stories.append(Story(KIND_ORDER[unit_index % 4], CHANGE_PENDING))
    stories.append(Story(KIND_ORDER[(unit_index + 1) % 4], CANCEL_PENDING))
    return stories


def cast(stories: Sequence[Story], candidates: Sequence[Candidate], *, oldest: datetime.date) -> list[
    tuple[Story, Candidate]
]:  # fmt: skip
    """One person per story: eligible for its kind, insured by `oldest` when the story changes or
    cancels a long-term filing; retirees kept for the filings only they may have."""
    free = list(candidates)
    cast_: list[tuple[Story, Candidate]] = []
    for story in stories:
        fits = [
            c
            for c in free
            if story.spec.eligible(c.psn_type) and (not story.needs_minimum() or c.start <= oldest)
        ]
        if story.spec.psn_types == ():  # anyone: leave the retirees to 安置退休
            fits.sort(key=lambda c: c.psn_type.startswith(KINDS[Filing.Kind.RETIREE.value].psn_types))
        if fits:
            cast_.append((story, fits[0]))
            free.remove(fits[0])
    return cast_


def candidates_of(unit: Unit, binding: Binding, today: datetime.date) -> list[Candidate]:
    psn_types = sorted(
        {t for p in binding.populations.all() for t in p.psn_types}
        or {t for p in Population.objects.filter(is_default=True) for t in p.psn_types}
    )
    rows = (
        Insurance.objects.filter(in_force(today), unit=unit, insutype="310", psn_type__in=psn_types)
        .order_by("person_id")
        .values_list(
            "person_id", "person__name", "person__cert_no", "person__mobile", "psn_type", "start_date"
        )[:400]
    )
    return [Candidate(*row) for row in rows]


def proof_scan() -> bytes:
    """A plain scanned page (an A4 sheet with lines of text and a stamp), as a PNG."""
    image = Image.new("L", (620, 877), 252)
    draw = ImageDraw.Draw(image)
    draw.rectangle((210, 60, 410, 80), fill=60)
    for row in range(14):
        top = 140 + row * 34
        draw.rectangle((70, top, 70 + (480 if row % 5 != 4 else 260), top + 10), fill=150)
    draw.ellipse((400, 640, 530, 770), outline=110, width=6)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


@dataclass
class _Ids:
    next: dict[str, int]

    def take(self, model: type[models.Model]) -> int:
        table = model._meta.db_table
        value = self.next[table]
        self.next[table] = value + 1
        return value


@dataclass
class FilingRows:
    """The rows of the demo's filings, per model, as unsaved instances with their ids."""

    applications: list[Application] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    materials: list[Material] = field(default_factory=list)
    filings: list[Filing] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # material file name → content

    def all(self) -> list[tuple[type[models.Model], Sequence[models.Model]]]:
        return [
            (Application, self.applications),
            (Event, self.events),
            (Material, self.materials),
            (Filing, self.filings),
            (Message, self.messages),
        ]


MODELS: tuple[type[models.Model], ...] = (Application, Event, Material, Filing, Message)


class FilingPlanner:
    """Builds the rows of one unit's stories after another (ids from `first_ids`, per table)."""

    def __init__(
        self,
        *,
        rng: random.Random,
        today: datetime.date,
        reviewer: User,
        first_ids: dict[str, int],
        scan: bytes,
    ) -> None:
        self.rng = rng
        self.today = today
        self.reviewer = reviewer
        self.reviewer_label = reviewer.get_full_name() or reviewer.get_username()
        self.ids = _Ids(dict(first_ids))
        self.scan = scan
        self.rows = FilingRows()
        self.commitment = get_profile().filing_commitment
        self.change_months = get_profile().filing_change_months
        self.agents = IdNumberFactory(rng)
        self.cities = set(Division.objects.filter(code__in=CARE_CITIES).values_list("code", flat=True))

    # --- one unit ---------------------------------------------------------------------------------
    def unit_add(self, unit: Unit, binding: Binding, unit_index: int) -> int:
        """The unit's stories; returns how many got a person."""
        oldest = add_months(self.today, -(self.change_months + 2))
        cast_ = cast(unit_stories(unit_index), candidates_of(unit, binding, self.today), oldest=oldest)
        for number, (story, person) in enumerate(cast_):
            _UnitStory(self, unit, binding, story, person, number).write()
        return len(cast_)

    def care_city(self, unit: Unit, *, other_than: str = "") -> str:
        choices = [
            c for c in CARE_CITIES if c in self.cities and c[:4] != unit.division_id[:4] and c != other_than
        ]
        return self.rng.choice(choices)

    def address(self, city: str) -> str:
        rng = self.rng
        return (
            f"{division_full_name(city)}{rng.choice(STREETS)}{rng.randint(1, 300)}号"
            f"{rng.randint(1, 12)}栋{rng.randint(1, 4)}单元{rng.randint(1, 18)}{rng.randint(1, 4):02d}室"
        )

    def at(self, day: datetime.date, minutes: int) -> datetime.datetime:
        """A moment of a working day (from 09:00)."""
        moment = datetime.datetime.combine(day, datetime.time(9, 0)) + datetime.timedelta(minutes=minutes)
        return timezone.make_aware(moment)

    def take(self, model: type[models.Model]) -> int:
        return self.ids.take(model)


class _UnitStory:
    """One person's filing story at one unit: the applications, events, versions and messages."""

    def __init__(
        self,
        planner: FilingPlanner,
        unit: Unit,
        binding: Binding,
        story: Story,
        person: Candidate,
        number: int,
    ) -> None:
        self.p = planner
        self.unit = unit
        self.binding = binding
        self.story = story
        self.person = person
        self.number = number
        self.spec = story.spec

    # --- dates --------------------------------------------------------------------------------
    def _days_ago(self, low: int, high: int) -> datetime.date:
        return self.p.today - datetime.timedelta(days=self.p.rng.randint(low, high))

    def _start(self) -> datetime.date:
        """The filing's 开始日期 (never before the insurance start)."""
        outcome, long_term = self.story.outcome, self.spec.long_term
        if outcome == APPLYING:
            day = self._days_ago(0, 3)
        elif outcome == REFUSED:
            day = self._days_ago(20, 200)
        elif long_term and self.story.needs_minimum():
            # old enough to change: the minimum plus up to a year, before the change itself
            day = add_months(self.p.today, -(self.p.change_months + 2)) - datetime.timedelta(
                days=self.p.rng.randint(0, 365)
            )
        elif long_term:
            day = self._days_ago(30, 700)
        elif outcome == FILED:
            day = self._days_ago(5, 60)  # a 转诊 still within its window
        else:
            day = self._days_ago(40, 150)
        return max(day, self.person.start)

    # --- the story ----------------------------------------------------------------------------
    def write(self) -> None:
        outcome = self.story.outcome
        start = self._start()
        filed_on = min(
            start + datetime.timedelta(days=self.p.rng.randint(1, 4)),
            self.p.today - datetime.timedelta(days=1),
        )
        if outcome == APPLYING:
            self._new(start, created=self._days_ago(1, 5), decision=None)
            return
        created = start - datetime.timedelta(days=self.p.rng.randint(0, 5))
        if outcome == REFUSED:
            self._new(start, created=created, decision=filed_on, refused=True)
            return
        filing = self._new(start, created=created, decision=filed_on)
        if outcome == FILED:
            return
        later = self._after(filing)
        if outcome == CHANGED:
            self._change(filing, created=later, decision=self._decision(later))
        elif outcome == CANCELLED:
            self._cancel(filing, created=later, decision=self._decision(later))
        elif outcome == CHANGE_PENDING:
            self._change(filing, created=self._days_ago(1, 4), decision=None)
        elif outcome == CANCEL_PENDING:
            self._cancel(filing, created=self._days_ago(1, 4), decision=None)

    def _after(self, filing: Filing) -> datetime.date:
        """When a change or cancellation was filed: after the profile's minimum for a long-term
        filing, some weeks into a 转诊; before today."""
        assert filing.filed_at is not None  # noqa: S101 - an approved filing
        if self.spec.long_term:
            earliest = add_months(filing.start_date, self.p.change_months)
        else:
            earliest = filing.start_date + datetime.timedelta(days=10)
        earliest = max(earliest, timezone.localtime(filing.filed_at).date() + datetime.timedelta(days=1))
        latest = self.p.today - datetime.timedelta(days=6)
        span = max(0, (latest - earliest).days)
        return min(earliest + datetime.timedelta(days=self.p.rng.randint(0, span)), latest)

    def _decision(self, created: datetime.date) -> datetime.date:
        return min(
            created + datetime.timedelta(days=self.p.rng.randint(1, 4)),
            self.p.today - datetime.timedelta(days=1),
        )

    # --- values -------------------------------------------------------------------------------
    def _agent(self) -> dict[str, str]:
        """Every third retiree's filing is made by a relative (代办人)."""
        if self.story.kind != Filing.Kind.RETIREE or self.number % 3:
            return {}
        rng = self.p.rng
        birth = self.p.today - datetime.timedelta(days=rng.randint(30 * 365, 45 * 365))
        surname = self.person.name[0]
        return {
            "agent_name": surname + rng.choice(("明", "伟", "丽", "静", "强", "敏", "磊", "婷")),
            "agent_cert_type": "01",
            "agent_cert_no": self.p.agents.make(self.unit.division_id[:2], birth, male=rng.random() < 0.5),
            "agent_phone": make_mobile(rng),
            "agent_relation": rng.choice(AGENT_RELATIONS),
        }

    def _values(self, start: datetime.date) -> dict[str, str]:
        """What the page's form holds for a new filing (every field it shows)."""
        rng = self.p.rng
        city = self.p.care_city(self.unit)
        values = {
            "insutype": "310",
            "care_division": city,
            "address": self.p.address(city),
            "phone": self.person.mobile,
            "start_date": start.isoformat(),
            "network": Filing.Network.MANUAL if rng.random() < 0.15 else Filing.Network.DIRECT,
            "agent_name": "", "agent_cert_type": "", "agent_cert_no": "", "agent_phone": "", "agent_relation": "",
        }  # fmt: skip
        values.update(self._agent())
        if self.spec.long_term:
            if self.p.commitment:
                values["commitment"] = "1" if self.number % 2 else ""
        else:
            values["end_date"] = referral_end(start, None).isoformat()
            values["out_hospital"] = rng.choice(
                OUT_HOSPITALS.get(self.unit.division_id[:4], ("参保地定点医疗机构",))
            )
            values["in_hospital"] = rng.choice(IN_HOSPITALS.get(city, ("就医地定点医疗机构",)))
        return values

    def _payload(self, kind: FilingType, subject: dict[str, str], values: dict[str, str]) -> dict[str, Any]:
        """The payload as the service stores it: the subject, then the editable fields the form
        cleaned (a demo value the form refuses stops the load)."""
        from yibao.demo.seed import DemoSeedError

        held = {k: v for k, v in values.items() if k in kind.editable_fields}
        assert kind.form is not None  # noqa: S101 - every filing type checks its payload with a form
        form = kind.form(data=held)
        if not form.is_valid():
            raise DemoSeedError(f"demo {kind.name} refused by its form: {form.errors.as_text()}")
        return {**subject, **{k: _plain(form.cleaned_data[k]) for k in held}}

    # --- the application ----------------------------------------------------------------------
    def _application(
        self,
        kind: FilingType,
        payload: dict[str, Any],
        before: dict[str, Any],
        *,
        created: datetime.date,
        decision: datetime.date | None,
        refused: bool = False,
        opinion: str = "",
    ) -> Application:
        p = self.p
        made = p.at(created, 10 + p.rng.randint(0, 360))
        submitted = made + datetime.timedelta(minutes=p.rng.randint(3, 20))
        app_id = p.take(Application)
        status = Status.SUBMITTED if decision is None else Status.REJECTED if refused else Status.APPROVED
        application = Application(
            id=app_id,
            number=f"SQ{created:%Y%m%d}{app_id:08d}",
            type_code=kind.code,
            unit_id=self.unit.pk,
            division_id=self.unit.division_id,
            operator_id=self.binding.operator_id,
            status=status,
            payload=payload,
            before=before,
            submitted_at=submitted,
            open_key=kind.open_key(payload) if status == Status.SUBMITTED else None,
            created_at=made,
            updated_at=submitted,
        )
        operator = self.binding.operator
        self._event(application, Event.Action.CREATED, made, operator.user_id, operator.name)
        for spec in kind.materials_for(payload):
            if spec.required or self.story.outcome in (CHANGED, CHANGE_PENDING):
                self._material(application, spec.code, spec.name, made + datetime.timedelta(minutes=2))
        self._event(application, Event.Action.SUBMITTED, submitted, operator.user_id, operator.name)
        if decision is not None:
            claimed = p.at(decision, 30 + p.rng.randint(0, 300))
            decided = claimed + datetime.timedelta(minutes=p.rng.randint(2, 40))
            application.reviewer_id = p.reviewer.pk
            application.claimed_at = claimed
            application.decided_at = decided
            application.opinion = opinion
            application.updated_at = decided
            self._event(application, Event.Action.CLAIMED, claimed, p.reviewer.pk, p.reviewer_label)
            if refused:
                self._event(
                    application, Event.Action.REJECTED, decided, p.reviewer.pk, p.reviewer_label, opinion
                )
                self._tell(application, kind, "审核不通过", opinion, decided)
            else:
                self._event(
                    application, Event.Action.APPROVED, decided, p.reviewer.pk, p.reviewer_label, opinion
                )
                self._event(application, Event.Action.APPLIED, decided, None, "系统")
                self._tell(application, kind, "审核通过", opinion, decided)
        p.rows.applications.append(application)
        return application

    def _event(
        self,
        application: Application,
        action: str,
        at: datetime.datetime,
        actor: int | None,
        label: str,
        note: str = "",
    ) -> None:
        self.p.rows.events.append(
            Event(
                id=self.p.take(Event), application_id=application.pk, action=action, actor_id=actor,
                actor_label=label, note=note, at=at,
            )
        )  # fmt: skip

    def _material(self, application: Application, code: str, name: str, at: datetime.datetime) -> None:
        p = self.p
        file_name = random_file_name("materials", "image/png")
        p.rows.files[file_name] = p.scan
        p.rows.materials.append(
            Material(
                id=p.take(Material), application_id=application.pk, code=code, file=file_name,
                original_name=f"{name}.png", content_type="image/png", size=len(p.scan),
                uploaded_by_id=self.binding.operator.user_id, uploaded_at=at,
            )
        )  # fmt: skip
        operator = self.binding.operator
        self._event(application, Event.Action.MATERIAL_UPLOADED, at, operator.user_id, operator.name, name)

    def _tell(
        self, application: Application, kind: FilingType, outcome: str, opinion: str, at: datetime.datetime
    ) -> None:
        """The messages of a decision (`cases.services._tell_unit`): the unit and the operator;
        read unless recent."""
        body = f"您单位提交的{kind.name}（办件编号 {application.number}）{outcome}。" + (
            f"审核意见：{opinion}" if opinion else ""
        )
        read = (
            at + datetime.timedelta(hours=2)
            if at.date() < self.p.today - datetime.timedelta(days=7)
            else None
        )
        for operator_id in (None, self.binding.operator_id):
            self.p.rows.messages.append(
                Message(
                    id=self.p.take(Message), unit_id=self.unit.pk, operator_id=operator_id,
                    category=Message.Category.REVIEW, title=f"{kind.name}{outcome}", body=body, created_at=at,
                    read_at=read,
                )
            )  # fmt: skip

    # --- the filing and its steps -------------------------------------------------------------
    def _person_values(self) -> dict[str, str]:
        return {"person_name": self.person.name, "cert_no": self.person.cert_no}

    def _new(
        self,
        start: datetime.date,
        *,
        created: datetime.date,
        decision: datetime.date | None,
        refused: bool = False,
    ) -> Filing:
        kind = filing_type(self.story.kind, NEW)
        payload = self._payload(kind, {"person": str(self.person.person_id)}, self._values(start))
        opinion = REFUSALS[self.story.kind] if refused else "材料齐全，准予备案"
        application = self._application(
            kind, payload, self._person_values(), created=created, decision=decision, refused=refused,
            opinion=opinion if decision is not None else "",
        )  # fmt: skip
        assert application.submitted_at is not None  # noqa: S101 - every demo application was submitted
        filing = self._filing(application, payload, made=application.submitted_at)
        if decision is None:
            return filing
        assert application.decided_at is not None  # noqa: S101 - decided above
        filing.updated_at = application.decided_at
        if refused:
            filing.status = Filing.Status.REFUSED
            filing.ended_on = decision
        else:
            filing.status = Filing.Status.FILED
            filing.filed_at = application.decided_at
        return filing

    def _filing(self, application: Application, values: dict[str, Any], *, made: datetime.datetime) -> Filing:
        filing_id = self.p.take(Filing)
        filing = Filing(
            id=filing_id,
            number=f"BA{timezone.localtime(made):%Y%m%d}{filing_id:08d}",
            kind=self.story.kind,
            person_id=self.person.person_id,
            unit_id=self.unit.pk,
            insured_division_id=self.unit.division_id,
            application_id=application.pk,
            status=Filing.Status.APPLYING,
            created_at=made,
            updated_at=made,
        )
        for name, value in values.items():
            if name == "care_division":
                filing.care_division_id = value
            elif name in ("start_date", "end_date"):
                setattr(filing, name, datetime.date.fromisoformat(value) if value else None)
            elif name == "commitment":
                filing.commitment = value == "1"
            elif name in VALUE_FIELDS:
                setattr(filing, name, value)
        self.p.rows.filings.append(filing)
        return filing

    def _change(self, filing: Filing, *, created: datetime.date, decision: datetime.date | None) -> None:
        """变更备案: another city of care (long-term) or another 转入医院 (转诊)."""
        kind = filing_type(self.story.kind, CHANGE)
        current = filing_values(filing)
        changed = dict(current)
        if self.spec.long_term:
            city = self.p.care_city(self.unit, other_than=filing.care_division_id)
            changed.update(care_division=city, address=self.p.address(city))
        else:
            hospitals = [h for h in IN_HOSPITALS.get(filing.care_division_id, ()) if h != filing.in_hospital]
            changed["in_hospital"] = (
                hospitals[0] if hospitals else f"{division_full_name(filing.care_division_id)}人民医院"
            )
        subject = {"person": str(self.person.person_id), "filing": str(filing.pk)}
        payload = self._payload(kind, subject, changed)
        application = self._application(
            kind, payload, {**self._person_values(), **current}, created=created, decision=decision,
            opinion="同意变更" if decision is not None else "",
        )  # fmt: skip
        if decision is None:
            return
        assert application.decided_at is not None  # noqa: S101 - decided above
        filing.status = Filing.Status.CHANGED
        filing.ended_by_id = application.pk
        filing.ended_on = decision
        filing.updated_at = application.decided_at
        version = self._filing(application, {**current, **changed}, made=application.decided_at)
        version.previous_id = filing.pk
        version.status = Filing.Status.FILED
        version.filed_at = application.decided_at

    def _cancel(self, filing: Filing, *, created: datetime.date, decision: datetime.date | None) -> None:
        kind = filing_type(self.story.kind, CANCEL)
        subject = {"person": str(self.person.person_id), "filing": str(filing.pk)}
        reason = CANCEL_REASONS[self.story.kind]
        payload = self._payload(kind, subject, {"cancel_reason": reason})
        application = self._application(
            kind, payload, {**self._person_values(), **filing_values(filing)}, created=created,
            decision=decision, opinion="同意取消备案" if decision is not None else "",
        )  # fmt: skip
        if decision is None:
            return
        assert application.decided_at is not None  # noqa: S101 - decided above
        filing.status = Filing.Status.CANCELLED
        filing.ended_by_id = application.pk
        filing.ended_on = decision
        filing.cancel_reason = reason
        filing.updated_at = application.decided_at


def _plain(value: Any) -> Any:
    """A cleaned value as the payload keeps it (`cases.services._plain`)."""
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def _row_values(
    model: type[models.Model], objects: Iterable[models.Model]
) -> tuple[list[str], list[tuple[Any, ...]]]:
    fields = list(model._meta.concrete_fields)
    rows = []
    for obj in objects:
        row = []
        for f in fields:
            value = getattr(obj, f.attname)
            if isinstance(f, models.FileField):
                value = str(value.name if hasattr(value, "name") else value)
            row.append(value)
        rows.append(tuple(row))
    return [f.name for f in fields], rows


def filings_write(writer: BulkWriter, rows: FilingRows, files: list[str]) -> int:
    """Write the rows (parents first) and their files (each listed in `files` once written);
    returns the rows written."""
    storage = private_storage()
    for name, content in rows.files.items():
        saved = storage.save(name, ContentFile(content))
        files.append(saved)
        if saved != name:  # pragma: no cover - the names are random
            raise RuntimeError(f"material file {name} already exists")
    written = 0
    for model, objects in rows.all():
        names, values = _row_values(model, objects)
        bulk_write(writer, model, names, values)
        written += len(values)
    writer.after_explicit_ids(list(MODELS))
    return written


def demo_filings(
    writer: BulkWriter, units: Sequence[Unit], *, reviewer: User, today: datetime.date, seed: int
) -> FilingRows:
    """The rows of the shown units' filing stories (written by `filings_write`)."""
    first_ids = {m._meta.db_table: writer.next_id(m._meta.db_table) for m in MODELS}
    planner = FilingPlanner(
        rng=random.Random(seed), today=today, reviewer=reviewer, first_ids=first_ids, scan=proof_scan()
    )
    for index, unit in enumerate(units):
        binding = (
            Binding.objects.filter(unit=unit, status=Binding.Status.ACTIVE, grants__isnull=False)
            .select_related("operator")
            .prefetch_related("populations")
            .order_by("id")
            .first()
        )
        if binding is not None:
            planner.unit_add(unit, binding, index)
    return planner.rows
