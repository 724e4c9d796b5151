"""职工参保登记 — 单个人员参保登记: find the person by 证件号码 (Enter or the magnifier), fill what
is open, then 下一步 to the application's workspace (打印报表, 附件上传, 保存)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from yibao.accounts.guards import hall_user
from yibao.cases import services
from yibao.cases.access import access_application_for_operator
from yibao.cases.models import Application, Status
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.core.forms import add_application_error, set_code_choices
from yibao.core.masking import mask_id_number
from yibao.core.throttle import Throttle
from yibao.core.validators.identity import validate_cert_number
from yibao.enrollment.enroll_types import (
    EMPLOYEE_ENROLLMENT,
    FIELDS,
    PERSON_FIELDS,
    EnrollmentForm,
    enrollment_row_problems,
    row_from,
)
from yibao.enrollment.models import Insurance, Person
from yibao.enrollment.policies import ENROLLED_BY_DEFAULT, limits_for
from yibao.enrollment.rules import id_facts
from yibao.enrollment.scope import OUTSIDE_POPULATION, person_scope
from yibao.operators.access import GrantedRequest, grant_required
from yibao.units.models import Unit


class LookupForm(EnrollmentForm):
    """Only 证件类型 and 证件号码 (the magnifier)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in {"cert_type", "cert_no"}:
                del self.fields[name]


def _editing(request: GrantedRequest) -> Application | None:
    """The application named by ?application= (a draft or a returned one of this unit)."""
    raw = request.GET.get("application") or request.POST.get("application")
    if not raw:
        return None
    application = access_application_for_operator(request, int(raw) if raw.isdigit() else 0)
    if (
        application.type_code != EMPLOYEE_ENROLLMENT.code
        or application.status not in services.EDITABLE_BY_OPERATOR
    ):
        raise Http404
    return application


FIELD_OF_COLUMN = {spec.label: spec.name for spec in FIELDS}
LOOKUP_REFUSED_MESSAGE = "证件号码查询过于频繁，请10分钟后再试"


def _lookups() -> Throttle:
    return Throttle(
        "person-lookup", limit=int(settings.YIBAO_PERSON_LOOKUPS_PER_OPERATOR), window_seconds=600
    )


@dataclass(frozen=True)
class Lookup:
    person: Person | None  # registered with this 证件, any unit's
    of_unit: bool  # it has (or had) an insurance with this unit: its own record


def _lookup(request: GrantedRequest, *, cert_type: str, cert_no: str) -> Lookup | None:
    """Who is registered with this 证件, counted per operator and audited (a look-up by ID number
    is how a stranger's data would be fished for); None when the operator asked too often."""
    operator = str(request.binding.operator_id)
    if request.method == "GET":
        if _lookups().exceeded(operator):
            audit_event_record(actor=hall_user(request), action="person_lookup_refused", unit=request.unit,
                               origin=RequestOrigin.from_request(request))  # fmt: skip
            return None
        _lookups().hit(operator)
    found = Person.objects.filter(cert_type=cert_type, cert_no=cert_no).first()
    answer = Lookup(person=found, of_unit=found is not None and _of_unit(found, request.unit.pk))
    if request.method == "GET":
        audit_event_record(
            actor=hall_user(request), action="person_lookup", unit=request.unit, origin=RequestOrigin.from_request(request),
            after={"cert_no": mask_id_number(cert_no), "found": found is not None, "of_unit": answer.of_unit},
        )  # fmt: skip
    return answer


def _of_unit(person: Person, unit_id: int) -> bool:
    """The person has (or had) an insurance with the unit: its own records."""
    return Insurance.objects.filter(person=person, unit_id=unit_id).exists()


def _person_values(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "gender": person.gender,
        "birth_date": person.birth_date,
        "nation": person.nation,
        "nationality": person.nationality,
        "first_work_date": person.first_work_date,
        "mobile": person.mobile,
        "address": person.address,
    }


def _rule_errors(form: EnrollmentForm, unit: Unit, payload: dict[str, Any]) -> None:
    """Every refusal of the rules (the batch file's too) at its own field, beside what the form
    itself found, so that one post shows everything to correct; a field the form refused already
    keeps its own message."""
    said = set(form.errors)
    for problem in enrollment_row_problems(unit, row_from(payload), timezone.localdate()):
        field = FIELD_OF_COLUMN.get(problem.column)
        if field not in form.fields:
            form.add_error(None, problem.message)
        elif field not in said:
            form.add_error(field, problem.message)


@grant_required("employee-enrollment")
def enroll_single(request: GrantedRequest) -> HttpResponse:
    unit = request.unit
    editing = _editing(request)
    source = request.POST if request.method == "POST" else request.GET
    cert_type = str(source.get("cert_type") or (editing.payload.get("cert_type") if editing else "") or "01")
    cert_no = str(source.get("cert_no") or (editing.payload.get("cert_no") if editing else "") or "").strip()
    lookup = LookupForm(initial={"cert_type": cert_type, "cert_no": cert_no})
    lookup_error = ""
    person: Person | None = None
    known_elsewhere = False
    form = None
    try:
        limits = limits_for(unit.division_id, timezone.localdate())
        offered = sorted(limits.insutypes)
    except LookupError:
        limits, offered = None, []
    if cert_no:
        try:
            cert_no = validate_cert_number(cert_type, cert_no, field="cert_no")
        except ApplicationError as error:
            lookup_error = error.message
        else:
            answer = _lookup(request, cert_type=cert_type, cert_no=cert_no)
            if answer is None:
                lookup_error = LOOKUP_REFUSED_MESSAGE
                cert_no = ""
            elif answer.of_unit:
                person = answer.person  # the unit's own record (a returning employee): it fills the form
            elif answer.person is not None:
                known_elsewhere = True  # nothing of another unit's record is shown; the name is checked
        if cert_no and not lookup_error:
            initial: dict[str, Any] = {"cert_type": cert_type, "cert_no": cert_no, "nationality": "CHN"}
            if editing is not None:
                initial |= editing.payload
            elif person is not None:
                initial |= _person_values(person)
            else:
                facts = id_facts(cert_type, cert_no)
                if facts is not None:
                    initial |= {"gender": facts[0], "birth_date": facts[1]}
            if person is not None:
                initial |= {k: v for k, v in _person_values(person).items() if k in PERSON_FIELDS}
            if limits is not None:
                initial.setdefault("start_date", limits.latest_start.replace(day=1))
                initial.setdefault("insutypes", [t for t in offered if t in ENROLLED_BY_DEFAULT])
            data = request.POST if request.method == "POST" and "_save" in request.POST else None
            form = EnrollmentForm(data, initial=initial, known=person is not None, insutypes=offered)
            if data is not None:
                valid = form.is_valid()
                payload = dict(form.cleaned_data)
                payload |= {"cert_type": cert_type, "cert_no": cert_no}
                if valid and not person_scope(request).covers(payload["psn_type"]):
                    form.add_error("psn_type", OUTSIDE_POPULATION)
                _rule_errors(form, unit, payload)
            if data is not None and form.is_valid():
                try:
                    application = services.application_draft_save(
                        kind=EMPLOYEE_ENROLLMENT,
                        unit=unit,
                        actor=hall_user(request),
                        payload=payload,
                        application=editing,
                        origin=RequestOrigin.from_request(request),
                    )
                except ApplicationError as error:
                    add_application_error(form, error)
                else:
                    return redirect("cases:edit", application_id=application.pk)
    set_code_choices(lookup, "cert_type", "psn_cert_type", blank=False)
    drafts = Application.objects.filter(
        unit=unit, type_code=EMPLOYEE_ENROLLMENT.code, status__in=[Status.DRAFT, Status.RETURNED]
    ).order_by("-created_at")[:10]
    return render(
        request,
        "enrollment/enroll_single.html",
        {
            "lookup": lookup,
            "lookup_error": lookup_error,
            "form": form,
            "person": person,
            "editing": editing,
            "limits": limits,
            "drafts": drafts,
            "person_fields": PERSON_FIELDS,
            "known_elsewhere": known_elsewhere,
        },
    )
