"""The demo's 异地就医备案 (issue 15 item 5): every kind in every status in each shown unit, by the
rules, in the shapes the services give them, in the demo reviewer's queue and on the operator's
pages; a reset removes them with their files."""

from __future__ import annotations

import datetime
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from yibao.accounts.models import User
from yibao.agency.selectors import QueueFilter, application_queue
from yibao.cases import services as case_services
from yibao.cases.models import Application, Event, Material, Status
from yibao.cases.services import missing_materials
from yibao.cases.types import application_type
from yibao.certificates.models import Certificate
from yibao.certificates.services import certificate_issue, filing_receipt_issue
from yibao.core.audit import RequestOrigin
from yibao.core.profiles import get_profile
from yibao.core.storage import private_storage
from yibao.core.tests.factories import operator_login
from yibao.demo import REVIEWER_USERNAME, SHOWN_UNITS
from yibao.demo.filings import CHANGED, FILED, Candidate, Story, cast
from yibao.enrollment.scope import PersonScope
from yibao.filings import rules
from yibao.filings.kinds import KINDS
from yibao.filings.models import Filing
from yibao.filings.services import filing_values
from yibao.filings.types import FilingType
from yibao.notices.models import Message
from yibao.operators.access import POPULATION_KEY
from yibao.operators.models import Binding
from yibao.units.models import Unit

TODAY = timezone.localdate
EVERY = {(kind, status) for kind in Filing.Kind.values for status in Filing.Status.values}


@pytest.fixture
def seeded(db: Any) -> None:
    call_command("seed_demo", "--persons", "300", "--months", "3", stdout=StringIO())


def shown_units() -> list[Unit]:
    return list(Unit.objects.order_by("id")[:SHOWN_UNITS])


def first_binding(unit: Unit) -> Binding:
    binding = Binding.objects.filter(unit=unit, grants__isnull=False).order_by("id").first()
    assert binding is not None
    return binding


def test_every_shown_unit_has_every_kind_in_every_status(seeded: None) -> None:
    units = shown_units()
    assert len(units) == SHOWN_UNITS
    for unit in units:
        filings = list(Filing.objects.filter(unit=unit).select_related("application", "ended_by"))
        assert {(f.kind, f.status) for f in filings} == EVERY, unit.name
        for filing in filings:
            outcomes: dict[str, str] = {
                Filing.Status.APPLYING: Status.SUBMITTED,
                Filing.Status.REFUSED: Status.REJECTED,
            }
            expected = outcomes.get(filing.status, Status.APPROVED)
            assert filing.application.status == expected
        for old in (f for f in filings if f.status == Filing.Status.CHANGED):
            new = Filing.objects.get(previous=old)
            assert (new.status, new.application_id) == (Filing.Status.FILED, old.ended_by_id)
            assert old.ended_by is not None and old.ended_by.type_code.endswith("-change")
        for gone in (f for f in filings if f.status == Filing.Status.CANCELLED):
            assert gone.ended_by is not None and gone.ended_by.type_code.endswith("-cancel")
            assert gone.cancel_reason
        # besides: a 变更备案 and a 取消备案 waiting for review, their filings still 已备案
        waiting = Application.objects.filter(unit=unit, status=Status.SUBMITTED)
        for suffix in ("-change", "-cancel"):
            pending = [a for a in waiting if a.type_code.endswith(suffix)]
            assert len(pending) == 1
            assert Filing.objects.get(pk=pending[0].payload["filing"]).status == Filing.Status.FILED
    assert not Filing.objects.exclude(unit__in=units).exists()


def test_the_filings_follow_the_rules(seeded: None) -> None:
    months = get_profile().filing_change_months
    for unit in shown_units():
        binding = first_binding(unit)
        psn_types = tuple(t for p in binding.populations.all() for t in p.psn_types)
        scope = PersonScope(unit=unit, psn_types=psn_types)
        for filing in Filing.objects.filter(unit=unit):
            spec = KINDS[filing.kind]
            # in force with the unit, in the operator's 管理人群, eligible (retired / in service)
            held = rules.person_check(unit, filing.person_id, today=TODAY(), scope=scope)
            rules.eligibility_check(spec, held)
            if filing.status in (Filing.Status.FILED, Filing.Status.APPLYING):
                # 险种, 就医地 not the insured place, dates (from the insurance start; a 转诊 within
                # its window), the 告知承诺书, no overlap with another filing in force
                rules.values_check(
                    spec, unit, filing_values(filing), held, exclude=filing.pk,
                    insurance_start=filing.previous_id is None,
                )  # fmt: skip
            assert filing.care_division_id[:4] != unit.division_id[:4]
            assert filing.start_date >= min(i.start_date for i in held)
            assert (filing.end_date is None) == spec.long_term
            if filing.status in (Filing.Status.CHANGED, Filing.Status.CANCELLED):
                assert filing.ended_on is not None and filing.ended_on < TODAY()
                if spec.long_term:
                    assert filing.ended_on >= rules.add_months(filing.start_date, months)
        in_force = Counter(
            Filing.objects.filter(
                unit=unit, status__in=[Filing.Status.FILED, Filing.Status.APPLYING]
            ).values_list("person_id", flat=True)
        )
        assert max(in_force.values()) == 1  # one filing story per person
        # what waits for review would pass the checks of submitting again
        for application in Application.objects.filter(unit=unit, status=Status.SUBMITTED):
            kind = application_type(application.type_code)
            assert kind.check is not None and kind.check(unit, application.payload) == []


def test_the_rows_have_the_shapes_the_services_give_them(seeded: None) -> None:
    commitment = get_profile().filing_commitment
    storage = private_storage()
    now = timezone.now()
    for application in Application.objects.prefetch_related("events", "materials"):
        kind = application_type(application.type_code)
        assert isinstance(kind, FilingType)
        assert set(application.payload) == set(kind.subject) | set(kind.editable_fields) - (
            set() if commitment else {"commitment"}
        )
        assert kind.form is not None and kind.form(data=application.payload).is_valid()
        assert (
            application.number == f"SQ{timezone.localtime(application.created_at):%Y%m%d}{application.pk:08d}"
        )
        assert application.division_id == application.unit.division_id
        assert application.open_key == (
            kind.open_key(application.payload) if application.status == Status.SUBMITTED else None
        )
        assert missing_materials(application) == []
        for material in application.materials.all():
            assert storage.exists(material.file.name)
            assert storage.size(material.file.name) == material.size
        actions = [e.action for e in application.events.all() if e.action != Event.Action.MATERIAL_UPLOADED]
        decided = {
            Status.SUBMITTED: [],
            Status.APPROVED: [Event.Action.CLAIMED, Event.Action.APPROVED, Event.Action.APPLIED],
            Status.REJECTED: [Event.Action.CLAIMED, Event.Action.REJECTED],
        }[Status(application.status)]
        assert actions == [Event.Action.CREATED, Event.Action.SUBMITTED, *decided]
        times = [
            application.created_at,
            application.submitted_at,
            application.claimed_at,
            application.decided_at,
        ]
        stamps = [t for t in times if t is not None]
        assert stamps == sorted(stamps) and stamps[-1] < now
        assert [e.at for e in application.events.all()] == sorted(e.at for e in application.events.all())
        if application.status == Status.SUBMITTED:
            assert application.reviewer_id is None
        else:
            outcome = "审核通过" if application.status == Status.APPROVED else "审核不通过"
            messages = Message.objects.filter(unit=application.unit, title=f"{kind.name}{outcome}")
            assert messages.filter(body__contains=application.number).count() == 2
        if kind.action == "new":
            assert application.before == {
                "person_name": application.before["person_name"],
                "cert_no": application.before["cert_no"],
            }
    for filing in Filing.objects.all():
        assert filing.number.startswith("BA") and filing.number.endswith(f"{filing.pk:08d}")
        assert (filing.filed_at is None) == (filing.status in (Filing.Status.APPLYING, Filing.Status.REFUSED))


def test_the_demo_reviewer_finds_the_applying_ones_and_decides_them(seeded: None) -> None:
    reviewer = User.objects.get(username=REVIEWER_USERNAME)
    queue = set(application_queue(reviewer, QueueFilter()).values_list("pk", flat=True))
    waiting = set(Application.objects.filter(status=Status.SUBMITTED).values_list("pk", flat=True))
    assert len(waiting) == SHOWN_UNITS * 6 and waiting <= queue
    # deciding them through the services works as with any application
    unit = shown_units()[0]
    new = (
        Filing.objects.filter(unit=unit, status=Filing.Status.APPLYING).select_related("application").first()
    )
    assert new is not None
    change = Application.objects.get(unit=unit, status=Status.SUBMITTED, type_code__endswith="-change")
    for application in (new.application, change):
        case_services.application_claim(application=application, reviewer=reviewer)
        case_services.application_approve(application=application, reviewer=reviewer, opinion="同意")
    assert Filing.objects.get(pk=new.pk).status == Filing.Status.FILED
    assert Filing.objects.get(pk=change.payload["filing"]).status == Filing.Status.CHANGED
    assert Filing.objects.get(previous_id=change.payload["filing"]).status == Filing.Status.FILED


def test_the_operator_sees_the_filings_on_the_persons_page(seeded: None, client: Any, get_page: Any) -> None:
    unit = shown_units()[0]
    operator_login(client, first_binding(unit))
    for kind, population in (("referral", "in-service"), ("retiree-relocation", "retired")):
        session = client.session
        session[POPULATION_KEY] = {str(unit.pk): population}
        session.save()
        changed = Filing.objects.filter(unit=unit, kind=kind, status=Filing.Status.CHANGED).get()
        version = Filing.objects.get(previous=changed)
        spec = KINDS[kind]
        page = get_page(reverse(f"filings:{spec.slug}-person", args=[changed.person_id]))
        rows = {
            row.find("td").get_text(strip=True): row.get_text(" ", strip=True)
            for row in page.select("tbody tr")
        }
        assert "已变更" in rows[changed.number] and "已备案" in rows[version.number]


def test_a_reset_removes_the_filings_and_their_files(
    seeded: None, django_capture_on_commit_callbacks: Any
) -> None:
    before = Counter(Filing.objects.values_list("kind", "status"))
    files = list(Material.objects.values_list("file", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--persons", "300", "--months", "3", "--reset", stdout=StringIO())
    assert Counter(Filing.objects.values_list("kind", "status")) == before
    storage = private_storage()
    assert not any(storage.exists(name) for name in files)
    assert all(storage.exists(name) for name in Material.objects.values_list("file", flat=True))


def test_a_reset_after_certificates_were_printed_still_works(seeded: None) -> None:
    """A demo someone used: 参保证明 and 备案凭证 printed for demo units (they protect their unit,
    person and filing) go with the rest."""
    unit = shown_units()[0]
    actor = first_binding(unit).operator.user
    origin = RequestOrigin(ip_address="127.0.0.1", user_agent="test")
    certificate_issue(unit=unit, person=None, actor=actor, origin=origin)
    filing = Filing.objects.filter(unit=unit, status=Filing.Status.FILED).first()
    assert filing is not None
    filing_receipt_issue(filing=filing, actor=actor, origin=origin)
    call_command("seed_demo", "--persons", "300", "--months", "3", "--reset", stdout=StringIO())
    assert not Certificate.objects.exists()
    assert Filing.objects.exists()  # loaded again


def candidate(person_id: int, psn_type: str, years: int = 3) -> Candidate:
    start = TODAY() - datetime.timedelta(days=365 * years)
    return Candidate(person_id, "张三", "", "13800000000", psn_type, start)


def test_a_small_unit_keeps_its_retirees_for_the_retiree_filings() -> None:
    stories = [Story(Filing.Kind.REFERRAL, FILED), Story(Filing.Kind.RETIREE, FILED),
               Story(Filing.Kind.RESIDENCE, CHANGED), Story(Filing.Kind.POSTED, FILED)]  # fmt: skip
    oldest = TODAY() - datetime.timedelta(days=250)
    people = [candidate(1, "1201"), candidate(2, "1101"), candidate(3, "1101", years=0)]
    cast_ = {story.kind: person.person_id for story, person in cast(stories, people, oldest=oldest)}
    # the 转诊 takes an employee, leaving the retiree to 安置退休; the change needs a person insured
    # long enough (person 3 joined too recently), who may still be posted elsewhere
    assert cast_ == {Filing.Kind.REFERRAL: 2, Filing.Kind.RETIREE: 1, Filing.Kind.POSTED: 3}
