"""The application state machine: draft → submitted → approved | rejected | returned (退回补正,
resubmittable); submitted → draft again when the operator withdraws it (撤回) before review;
draft → deleted (删除).

Every transition goes through a function here: it checks the source state, the actor (the
operator's binding and grant, or the reviewer's claim and regions), stamps the time, appends a
case event and an audit event. Approval applies the change through the type's service in the
same transaction, so a failure there leaves the application submitted and the records as they
were.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone

from yibao.accounts.models import User
from yibao.cases.error_codes import CaseErrorCode
from yibao.cases.models import Application, Event, LineItem, Material, Status
from yibao.cases.reviewers import reviewer_covers
from yibao.cases.types import ApplicationType, application_type
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.bulk import BulkWriter, bulk_write
from yibao.core.errors import ApplicationError
from yibao.core.storage import EXTENSIONS, private_storage
from yibao.core.uploads import CheckedUpload
from yibao.notices.models import Message
from yibao.notices.services import message_send
from yibao.operators.grants import GrantRefusal, grant_decide
from yibao.operators.models import Binding, Operator
from yibao.units.models import Unit

EDITABLE_BY_OPERATOR = {Status.DRAFT, Status.RETURNED}


def _now() -> Any:
    return timezone.now()


def _actor_label(actor: User | None) -> str:
    """A name for the timeline, never an operator's login (their mobile)."""
    if actor is None:
        return "系统"
    if actor.kind == User.Kind.OPERATOR:
        name = Operator.objects.filter(user=actor).values_list("name", flat=True).first()
        return name or "经办人"
    return actor.get_full_name() or actor.get_username()


def _event(application: Application, action: str, actor: User | None, note: str = "") -> Event:
    return Event.objects.create(
        application=application,
        action=action,
        actor=actor,
        actor_label=_actor_label(actor),
        note=note,
        at=_now(),
    )


def _refuse(code: CaseErrorCode, message: str, field: str | None = None) -> ApplicationError:
    return ApplicationError(code, message, field=field)


# --- who may act -----------------------------------------------------------------------------


def operator_check(*, user: User, unit: Unit, kind: ApplicationType) -> Binding:
    """The operator may use the type's business item at the unit now (`grant_decide`: active
    binding, active item granted, the unit's role certified) — for pages, services and the
    background workers alike."""
    decision = grant_decide(user=user, unit_id=unit.pk, item_code=kind.item_code)
    if decision.refusal is GrantRefusal.NOT_BOUND:
        raise _refuse(CaseErrorCode.NOT_ALLOWED, "您未绑定该单位，不能办理此业务")
    if decision.refusal is GrantRefusal.ROLE_MISSING:
        raise _refuse(
            CaseErrorCode.NOT_ALLOWED, f"单位尚未通过角色认证，不能办理“{kind.name}”，请联系单位管理员"
        )
    if decision.refusal is not None:
        raise _refuse(CaseErrorCode.NOT_ALLOWED, f"您没有“{kind.name}”的业务权限，请联系单位管理员授权")
    assert decision.binding is not None  # noqa: S101 - allowed implies a binding
    return decision.binding


# --- operator side ---------------------------------------------------------------------------


def _check_payload(kind: ApplicationType, payload: dict[str, Any]) -> dict[str, Any]:
    """Keep the type's editable fields (the pencil icon decides), checked by the type's form;
    refuse fields the type does not have."""
    known = {f.name for f in kind.fields}
    if set(payload) - known - set(kind.subject):
        raise _refuse(CaseErrorCode.FIELD_NOT_EDITABLE, "提交的内容包含不可修改的项目，请刷新页面后重新填写")
    if any(not str(payload.get(name, "")).strip() for name in kind.subject):
        raise _refuse(CaseErrorCode.NOT_FOUND, "请先查询办理对象")
    subject = {name: str(payload[name]).strip() for name in kind.subject}
    clean = {name: payload[name] for name in kind.editable_fields if name in payload}
    if kind.form is not None:
        form = kind.form(data=clean)
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            label = kind.label_of(field) if field != "__all__" else ""
            message = f"{label}：{errors[0]}" if label else str(errors[0])
            raise _refuse(CaseErrorCode.INVALID_VALUE, message, field=field if field in known else None)
        clean = {name: _plain(form.cleaned_data[name]) for name in clean if name in form.cleaned_data}
    return {**subject, **clean}


def _check_rules(kind: ApplicationType, unit: Unit, payload: dict[str, Any]) -> None:
    """The type's own business rules (e.g. 职工参保登记's), at saving and again at submitting."""
    if kind.check is None:
        return
    problems = kind.check(unit, payload)
    if problems:
        raise _refuse(CaseErrorCode.RULE_REFUSED, problems[0])


def _plain(value: Any) -> Any:
    """A cleaned value as JSON keeps it: dates and decimals as text, lists item by item."""
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def application_draft_save(
    *,
    kind: ApplicationType,
    unit: Unit,
    actor: User,
    payload: dict[str, Any],
    application: Application | None = None,
    origin: RequestOrigin | None = None,
) -> Application:
    """Create a draft, or update one (draft or returned) of this unit."""
    binding = operator_check(user=actor, unit=unit, kind=kind)
    clean = _check_payload(kind, payload)
    before = kind.current_values(unit, clean)  # refuses a subject that is not the unit's
    _check_rules(kind, unit, clean)
    with transaction.atomic():
        if application is None:
            application, created = _open_or_create(
                kind=kind, unit=unit, binding=binding, actor=actor, payload=clean, before=before
            )
        else:
            application, created = _lock_for_operator(application, unit), False
        if not created:
            edited = _edited_fields(kind, application.payload, clean)
            application.payload = clean
            _open_key_keep(application, kind)
            if edited:
                _content_changed(application, actor, "修改：" + "、".join(edited))
            application.save(update_fields=["payload", "printed_at", "open_key", "updated_at"])
        audit_event_record(actor=actor, action="application_saved", unit=unit, target=application,
                           after={"type": kind.code, "payload": clean}, origin=origin)  # fmt: skip
    return application


def _edited_fields(kind: ApplicationType, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The labels of the fields whose value the save changes (办理对象: another record)."""
    subject = ["办理对象"] if any(str(old.get(n, "")) != str(new.get(n, "")) for n in kind.subject) else []
    return subject + [
        spec.label for spec in kind.fields if _plain(old.get(spec.name)) != _plain(new.get(spec.name))
    ]


def _content_changed(application: Application, actor: User, note: str) -> None:
    """The application's content changed (a 修改申报内容 event): a form printed before no longer
    shows it, so it must be printed again, and a stamped scan of the old one no longer counts
    (`stamped_form_current`)."""
    kind = application_type(application.type_code)
    if kind.printed_form and application.printed_at is not None:
        note += "；报表内容已变化，须重新打印报表，加盖单位公章后重新上传"
    application.printed_at = None
    _event(application, Event.Action.EDITED, actor, note)


def _draft_create(
    *,
    kind: ApplicationType,
    unit: Unit,
    binding: Binding,
    actor: User,
    payload: dict[str, Any],
    before: dict[str, Any],
) -> Application:
    """A new draft with its 申报编号 (SQ + date + id) and the 创建 event."""
    application = Application.objects.create(
        number=f"TMP{timezone.now():%Y%m%d%H%M%S%f}",
        type_code=kind.code,
        unit=unit,
        division_id=unit.division_id,
        operator=binding.operator,
        payload=payload,
        before=before,
        open_key=kind.open_key(payload),
    )
    application.number = f"SQ{timezone.localdate():%Y%m%d}{application.pk:08d}"
    application.save(update_fields=["number"])
    _event(application, Event.Action.CREATED, actor)
    return application


@dataclass(frozen=True)
class Line:
    """One checked row of a batch file: its row number, what the type keeps of it, and why it
    failed ("" when it passed)."""

    row: int
    data: dict[str, Any]
    error: str = ""


LINES_PER_WRITE = 2_000


def application_lines_store(
    *,
    kind: ApplicationType,
    unit: Unit,
    actor: User,
    payload: dict[str, Any],
    lines: Iterable[Line],
    failed: int,
    progress: Callable[[int], None] | None = None,
    origin: RequestOrigin | None = None,
) -> Application:
    """A batch file's checked rows as the line items (one per person) of the unit's open
    application of this type — the draft or returned one an earlier file made, whose lines these
    replace — or of a new draft.

    When every row passed, the payload goes through the type's checks like any draft's; with
    failures the lines stay for 导出失败数据 and the type's check keeps the application from going
    on until a file passes (`failed` says how many of `lines` failed; the lines are read once, as
    they come, so a large file is never held twice). Either way the printed form no longer matches.
    `progress` hears how many lines are written."""
    binding = operator_check(user=actor, unit=unit, kind=kind)
    clean = _check_payload(kind, payload)
    if not failed:
        _check_rules(kind, unit, clean)
    with transaction.atomic():
        application, created = _open_or_create(
            kind=kind,
            unit=unit,
            binding=binding,
            actor=actor,
            payload=clean,
            before=kind.current_values(unit, clean),
        )
        if not created:
            application.payload = clean
            _content_changed(application, actor, "重新导入批量文件，人员名单已更新")
            application.save(update_fields=["payload", "printed_at", "updated_at"])
        LineItem.objects.filter(application=application).delete()
        writer = BulkWriter.for_connection(connection)
        stream, written = iter(lines), 0
        while chunk := list(islice(stream, LINES_PER_WRITE)):
            values = ((application.pk, line.row, line.data, line.error[:300]) for line in chunk)
            bulk_write(writer, LineItem, ("application", "row", "data", "error"), values)
            written += len(chunk)
            if progress is not None:
                progress(written)
        audit_event_record(actor=actor, action="application_lines_stored", unit=unit, target=application,
                           after={"type": kind.code, "lines": written, "failed": failed}, origin=origin)  # fmt: skip
    return application


def _open_of(unit: Unit, kind: ApplicationType, payload: dict[str, Any]) -> Application | None:
    """The application holding this matter open at the unit, locked."""
    return Application.objects.select_for_update().filter(unit=unit, open_key=kind.open_key(payload)).first()


def _open_or_create(
    *,
    kind: ApplicationType,
    unit: Unit,
    binding: Binding,
    actor: User,
    payload: dict[str, Any],
    before: dict[str, Any],
) -> tuple[Application, bool]:
    """The matter's open application, locked — or a new draft (True). Two requests racing to open
    the same matter meet at the database's one-open constraint: the second takes the first's
    draft. An application of the matter already with the agency refuses a second one."""
    for _ in range(2):
        existing = _open_of(unit, kind, payload)
        if existing is not None:
            # A matter may span types (a person's 备案, 变更备案 and 取消备案): only a draft of the
            # same type and subject is this one to go on with.
            same = existing.type_code == kind.code and all(
                str(existing.payload.get(name, "")) == str(payload.get(name, "")) for name in kind.subject
            )
            if existing.status not in EDITABLE_BY_OPERATOR or not same:
                raise _already_open(kind, existing)
            return existing, False
        try:
            with transaction.atomic():
                return _draft_create(
                    kind=kind, unit=unit, binding=binding, actor=actor, payload=payload, before=before
                ), True
        except IntegrityError:
            continue  # opened a moment ago by a request racing this one: take that one
    raise _refuse(CaseErrorCode.ALREADY_OPEN, "该业务正在办理中，请稍后刷新页面查看")


def _already_open(kind: ApplicationType, holder: Application) -> ApplicationError:
    name = application_type(holder.type_code).name  # the holder's: a matter may span types
    if holder.status in EDITABLE_BY_OPERATOR:
        return _refuse(
            CaseErrorCode.ALREADY_OPEN,
            f"已有一笔尚未提交的{name}（办件编号 {holder.number}），请在办件记录中继续办理",
        )
    return _refuse(
        CaseErrorCode.ALREADY_OPEN,
        f"已有一笔{name}（办件编号 {holder.number}）正在等待医保经办机构审核，审核完成前不能重复申报",
    )


def _open_key_keep(application: Application, kind: ApplicationType) -> None:
    """After the payload changed (a `distinct_by` value such as the 证件号码): the key follows it,
    refused when another open application holds the new one."""
    key = kind.open_key(application.payload)
    if key == application.open_key:
        return
    holder = _key_holder(application, key)
    if holder is not None:
        raise _already_open(kind, holder)
    application.open_key = key


def _key_holder(application: Application, key: str) -> Application | None:
    """Another application of the unit holding the matter `key` open."""
    return (
        Application.objects.filter(unit_id=application.unit_id, open_key=key)
        .exclude(pk=application.pk)
        .first()
    )


def _status_set(application: Application, status: str) -> None:
    """Move to `status`; the application holds its matter open only in the type's open statuses
    (and, coming back to one, only if no other application took the matter meanwhile)."""
    kind = application_type(application.type_code)
    application.status = status
    if status not in kind.open_statuses:
        application.open_key = None
    else:
        key = kind.open_key(application.payload)
        application.open_key = None if _key_holder(application, key) is not None else key
    if kind.status_changed is not None:
        kind.status_changed(application)


def _lock_for_operator(application: Application, unit: Unit) -> Application:
    locked = Application.objects.select_for_update().filter(pk=application.pk, unit=unit).first()
    if locked is None:
        raise _refuse(CaseErrorCode.NOT_FOUND, "办件不存在")
    if locked.status not in EDITABLE_BY_OPERATOR:
        raise _refuse(CaseErrorCode.WRONG_STATE, f"办件当前状态为“{locked.get_status_display()}”，不能修改")
    return locked


def application_print_mark(
    *, application: Application, actor: User, origin: RequestOrigin | None = None
) -> None:
    """The operator rendered the form to print (打印报表): 保存/提交 may now proceed."""
    kind = application_type(application.type_code)
    operator_check(user=actor, unit=application.unit, kind=kind)
    with transaction.atomic():
        locked = _lock_for_operator(application, application.unit)
        if locked.printed_at is None:
            locked.printed_at = _now()
            locked.save(update_fields=["printed_at", "updated_at"])
            _event(locked, Event.Action.PRINTED, actor)
    application.printed_at = locked.printed_at


def material_upload(
    *,
    application: Application,
    code: str,
    upload: CheckedUpload,
    original_name: str,
    actor: User,
    origin: RequestOrigin | None = None,
) -> Material:
    """附件上传: a checked file for one of the type's materials, while the operator may edit."""
    kind = application_type(application.type_code)
    spec = next((m for m in kind.materials_for(application.payload) if m.code == code), None)
    if spec is None:
        raise _refuse(CaseErrorCode.MATERIAL_UNKNOWN, "该业务不需要此材料，请刷新页面后重试")
    operator_check(user=actor, unit=application.unit, kind=kind)
    name = f"{code}{EXTENSIONS.get(upload.content_type, '')}"
    material = None
    try:
        with transaction.atomic():
            locked = _lock_for_operator(application, application.unit)
            _materials_room_check(locked, code, spec.name)
            material = Material(
                application=locked,
                code=code,
                original_name=original_name[:200],
                content_type=upload.content_type,
                size=upload.size,
                uploaded_by=actor,
                uploaded_at=_now(),
            )
            material.file.save(name, ContentFile(upload.content), save=False)
            material.save()
            _event(locked, Event.Action.MATERIAL_UPLOADED, actor, spec.name)
            audit_event_record(actor=actor, action="material_uploaded", unit=locked.unit, target=material,
                               after={"application": locked.number, "material": code}, origin=origin)  # fmt: skip
    except Exception:
        if material is not None and material.file.name:
            material.file.storage.delete(material.file.name)  # the row is rolled back: no orphan file
        raise
    return material


def _materials_room_check(application: Application, code: str, name: str) -> None:
    """At most YIBAO_MATERIALS_PER_ITEM files for one material and YIBAO_MATERIALS_PER_APPLICATION
    in all (counted under the application's row lock, so parallel uploads cannot pass together)."""
    per_item, per_application = settings.YIBAO_MATERIALS_PER_ITEM, settings.YIBAO_MATERIALS_PER_APPLICATION
    counts = dict(
        Material.objects.filter(application=application)
        .values_list("code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    if counts.get(code, 0) >= per_item:
        raise _refuse(
            CaseErrorCode.TOO_MANY_MATERIALS, f"“{name}”最多上传{per_item}个文件，请删除不需要的文件后再上传"
        )
    if sum(counts.values()) >= per_application:
        raise _refuse(
            CaseErrorCode.TOO_MANY_MATERIALS,
            f"每笔办件最多上传{per_application}个文件，请删除不需要的文件后再上传",
        )


def material_remove(
    *, application: Application, material_id: int, actor: User, origin: RequestOrigin | None = None
) -> None:
    kind = application_type(application.type_code)
    operator_check(user=actor, unit=application.unit, kind=kind)
    with transaction.atomic():
        locked = _lock_for_operator(application, application.unit)
        material = Material.objects.filter(pk=material_id, application=locked).first()
        if material is None:
            raise _refuse(CaseErrorCode.NOT_FOUND, "材料不存在或已删除")
        spec = kind.material(material.code)
        name = material.file.name
        material.delete()
        _event(locked, Event.Action.MATERIAL_REMOVED, actor, spec.name if spec else material.code)
        audit_event_record(actor=actor, action="material_removed", unit=locked.unit, target=locked,
                           before={"material": material.code}, origin=origin)  # fmt: skip
        transaction.on_commit(lambda: private_storage().delete(name))


def stamped_form_current(application: Application, material: Material) -> bool:
    """Whether an upload of the stamped form shows the content as it is: uploaded at or after the
    latest print of that content (a change of the content clears the print, `_content_changed`)."""
    return application.printed_at is not None and material.uploaded_at >= application.printed_at


def missing_materials(application: Application) -> list[str]:
    """Names of required materials not uploaded yet; the stamped form counts only when current."""
    kind = application_type(application.type_code)
    stamped = kind.stamped_form
    have = {
        material.code
        for material in (application.materials.all() if application.pk else [])
        if stamped is None or material.code != stamped.code or stamped_form_current(application, material)
    }
    return [m.name for m in kind.materials_for(application.payload) if m.required and m.code not in have]


def _stale_stamped_form(application: Application) -> str:
    """The stamped form's name when the only scans of it were uploaded before the content last
    changed or before the latest print; "" otherwise."""
    kind = application_type(application.type_code)
    spec = kind.stamped_form
    if spec is None:
        return ""
    scans = [m for m in application.materials.all() if m.code == spec.code]
    if scans and not any(stamped_form_current(application, m) for m in scans):
        return spec.name
    return ""


def application_submit(
    *,
    application: Application,
    actor: User,
    submit_key: str | None = None,
    origin: RequestOrigin | None = None,
) -> Application:
    """Submit a draft, or resubmit a returned application after correction.

    With `submit_key` (the form's one-time key), a repeated request returns the application the
    first one submitted instead of failing or submitting twice.
    """
    kind = application_type(application.type_code)
    if submit_key:
        done = Application.objects.filter(submit_key=submit_key, unit=application.unit).first()
        if done is not None:
            return done
    operator_check(user=actor, unit=application.unit, kind=kind)
    try:
        with transaction.atomic():
            locked = _lock_for_operator(application, application.unit)
            if kind.printed_form and locked.printed_at is None:
                raise _refuse(
                    CaseErrorCode.NOT_PRINTED, "请先点击【打印报表】预览并打印表单，加盖单位公章后再提交"
                )
            _check_rules(kind, locked.unit, locked.payload)
            stale = _stale_stamped_form(locked)
            if stale:
                raise _refuse(
                    CaseErrorCode.STAMPED_FORM_STALE,
                    f"已上传的“{stale}”是申报内容修改前打印的，请上传本次打印报表并加盖单位公章后的“{stale}”",
                )
            missing = missing_materials(locked)
            if missing:
                raise _refuse(CaseErrorCode.MATERIALS_MISSING, "请上传以下必传材料：" + "、".join(missing))
            current = kind.current_values(locked.unit, locked.payload)
            if kind.requires_change and all(
                str(current.get(k, "")) == str(v) for k, v in locked.payload.items() if k not in kind.subject
            ):
                raise _refuse(CaseErrorCode.NOTHING_CHANGED, "您未修改任何信息，无需提交")
            resubmit = locked.status == Status.RETURNED
            _status_set(locked, Status.SUBMITTED)
            locked.before = current
            locked.submitted_at = _now()
            locked.reviewer = None
            locked.claimed_at = None
            locked.submit_key = submit_key or None
            locked.save()
            _event(locked, Event.Action.RESUBMITTED if resubmit else Event.Action.SUBMITTED, actor)
            audit_event_record(actor=actor, action="application_submitted", unit=locked.unit, target=locked,
                               after={"type": kind.code, "number": locked.number}, origin=origin)  # fmt: skip
            if kind.auto_approve():
                _approve(locked, reviewer=None, opinion="按规定自动审核通过", origin=origin)
    except IntegrityError:  # the same key raced in another request: that one stands
        done = Application.objects.filter(submit_key=submit_key).first() if submit_key else None
        if done is None:
            raise
        return done
    application.refresh_from_db()
    return application


def application_withdraw(
    *, application: Application, actor: User, origin: RequestOrigin | None = None
) -> None:
    """撤回: before a reviewer has taken it up, the application goes back to 草稿 — the unit
    corrects and submits it again, or deletes it (删除). The form stays printed and the materials
    uploaded: nothing the unit did is lost."""
    kind = application_type(application.type_code)
    operator_check(user=actor, unit=application.unit, kind=kind)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != Status.SUBMITTED:
            raise _refuse(
                CaseErrorCode.WRONG_STATE, f"办件当前状态为“{locked.get_status_display()}”，不能撤回"
            )
        if locked.reviewer_id is not None:
            raise _refuse(CaseErrorCode.ALREADY_CLAIMED, "医保经办机构已开始审核该办件，不能撤回")
        _status_set(locked, Status.DRAFT)
        locked.save(update_fields=["status", "open_key", "updated_at"])
        _event(locked, Event.Action.WITHDRAWN, actor)
        audit_event_record(
            actor=actor, action="application_withdrawn", unit=locked.unit, target=locked, origin=origin
        )
    application.refresh_from_db()


def application_delete(*, application: Application, actor: User, origin: RequestOrigin | None = None) -> None:
    """删除: a draft (未提交) the unit no longer wants. It stays in 办件记录 as 已删除 with its
    history, and no longer holds its matter open (the person, the unit's change) for another."""
    kind = application_type(application.type_code)
    operator_check(user=actor, unit=application.unit, kind=kind)
    with transaction.atomic():
        locked = Application.objects.select_for_update().filter(pk=application.pk).first()
        if locked is None:
            raise _refuse(CaseErrorCode.NOT_FOUND, "办件不存在")
        if locked.status != Status.DRAFT:
            raise _refuse(
                CaseErrorCode.WRONG_STATE,
                f"办件当前状态为“{locked.get_status_display()}”，只有未提交的草稿可以删除",
            )
        _status_set(locked, Status.DELETED)
        locked.save(update_fields=["status", "open_key", "updated_at"])
        _event(locked, Event.Action.DELETED, actor)
        audit_event_record(actor=actor, action="application_deleted", unit=locked.unit, target=locked,
                           before={"type": kind.code, "payload": locked.payload}, origin=origin)  # fmt: skip
    application.refresh_from_db()


# --- reviewer side ---------------------------------------------------------------------------


def _reviewable(application: Application, reviewer: User) -> Application:
    if not reviewer_covers(reviewer, application):
        raise _refuse(CaseErrorCode.NOT_ALLOWED, "该办件不属于您负责的医保区划")
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status != Status.SUBMITTED:
        raise _refuse(CaseErrorCode.WRONG_STATE, f"办件当前状态为“{locked.get_status_display()}”，不能审核")
    return locked


def application_claim(
    *, application: Application, reviewer: User, origin: RequestOrigin | None = None
) -> None:
    """领取: from now on only this reviewer decides the application."""
    with transaction.atomic():
        locked = _reviewable(application, reviewer)
        if locked.reviewer_id not in (None, reviewer.pk):
            holder = User.objects.get(pk=locked.reviewer_id)
            raise _refuse(
                CaseErrorCode.ALREADY_CLAIMED,
                f"该办件已由审核员{holder.get_full_name() or holder.get_username()}领取",
            )
        if locked.reviewer_id is None:
            claimed = Application.objects.filter(pk=locked.pk, reviewer__isnull=True).update(
                reviewer=reviewer, claimed_at=_now()
            )
            if not claimed:  # pragma: no cover - the row lock makes this unreachable on PostgreSQL
                raise _refuse(CaseErrorCode.ALREADY_CLAIMED, "该办件已被其他审核员领取")
            _event(locked, Event.Action.CLAIMED, reviewer)
            audit_event_record(
                actor=reviewer, action="application_claimed", unit=locked.unit, target=locked, origin=origin
            )
    application.refresh_from_db()


def _decidable(application: Application, reviewer: User) -> Application:
    locked = _reviewable(application, reviewer)
    if locked.reviewer_id != reviewer.pk:
        raise _refuse(CaseErrorCode.NOT_CLAIMED, "请先领取该办件再审核")
    return locked


def _approve(
    locked: Application, *, reviewer: User | None, opinion: str, origin: RequestOrigin | None
) -> None:
    kind = application_type(locked.type_code)
    kind.apply(locked)
    _status_set(locked, Status.APPROVED)
    locked.opinion = opinion
    locked.decided_at = _now()
    locked.save()
    _event(locked, Event.Action.APPROVED, reviewer, opinion)
    _event(locked, Event.Action.APPLIED, None)
    audit_event_record(actor=reviewer, action="application_approved", unit=locked.unit, target=locked,
                       after={"payload": locked.payload}, before=locked.before, origin=origin)  # fmt: skip
    _tell_unit(locked, "审核通过", opinion)


def _tell_unit(application: Application, outcome: str, opinion: str) -> None:
    name = application_type(application.type_code).name
    body = f"您单位提交的{name}（办件编号 {application.number}）{outcome}。" + (
        f"审核意见：{opinion}" if opinion else ""
    )
    message_send(unit=application.unit, category=Message.Category.REVIEW, title=f"{name}{outcome}", body=body)
    if application.operator is not None:
        message_send(operator=application.operator, unit=application.unit, category=Message.Category.REVIEW,
                     title=f"{name}{outcome}", body=body)  # fmt: skip


def application_approve(
    *, application: Application, reviewer: User, opinion: str = "", origin: RequestOrigin | None = None
) -> None:
    """通过: the change is applied to the records in the same transaction."""
    with transaction.atomic():
        locked = _decidable(application, reviewer)
        _approve(locked, reviewer=reviewer, opinion=opinion.strip(), origin=origin)
    application.refresh_from_db()


def application_reject(
    *, application: Application, reviewer: User, reason: str, origin: RequestOrigin | None = None
) -> None:
    """不通过: a reason is required."""
    if not reason.strip():
        raise _refuse(CaseErrorCode.REASON_REQUIRED, "请填写不通过的原因", field="opinion")
    with transaction.atomic():
        locked = _decidable(application, reviewer)
        _status_set(locked, Status.REJECTED)
        locked.opinion = reason.strip()
        locked.decided_at = _now()
        locked.save()
        _event(locked, Event.Action.REJECTED, reviewer, locked.opinion)
        audit_event_record(
            actor=reviewer, action="application_rejected", unit=locked.unit, target=locked, origin=origin
        )
        _tell_unit(locked, "审核不通过", locked.opinion)
    application.refresh_from_db()


def application_return(
    *, application: Application, reviewer: User, opinion: str, origin: RequestOrigin | None = None
) -> None:
    """退回补正: what to correct is required; the operator corrects and resubmits."""
    if not opinion.strip():
        raise _refuse(CaseErrorCode.REASON_REQUIRED, "请填写需要补正的内容", field="opinion")
    with transaction.atomic():
        locked = _decidable(application, reviewer)
        _status_set(locked, Status.RETURNED)
        locked.opinion = opinion.strip()
        locked.decided_at = _now()
        locked.save()  # the printed form still shows the content: a change to it voids the print
        _event(locked, Event.Action.RETURNED, reviewer, locked.opinion)
        audit_event_record(
            actor=reviewer, action="application_returned", unit=locked.unit, target=locked, origin=origin
        )
        _tell_unit(locked, "被退回补正", locked.opinion)
    application.refresh_from_db()
