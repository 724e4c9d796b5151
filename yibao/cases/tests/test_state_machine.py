"""The application state machine with a small test type that changes a unit's postcode."""

from __future__ import annotations

from typing import Any

import pytest

from yibao.accounts.models import User
from yibao.cases import services
from yibao.cases.models import Application, Event, ReviewerRegion, Status
from yibao.cases.reviewers import reviewer_covers, reviewer_scope
from yibao.cases.types import ApplicationType, FieldSpec, application_type_register
from yibao.core.errors import ApplicationError
from yibao.core.models import AuditEvent
from yibao.core.tests.factories import BindingFactory, UserFactory, grant
from yibao.notices.models import Message
from yibao.operators.models import Binding
from yibao.units.models import Unit

pytestmark = pytest.mark.django_db


def _apply(application: Application) -> None:
    if application.payload.get("postcode") == "999999":
        raise RuntimeError("the core system refused the change")
    Unit.objects.filter(pk=application.unit_id).update(**application.payload)


TEST_TYPE = application_type_register(
    ApplicationType(
        code="test-postcode-change",
        name="邮政编码变更",
        item_code="unit-info-change",
        fields=(FieldSpec("postcode", "邮政编码"), FieldSpec("uscc", "统一社会信用代码", editable=False)),
        current=lambda unit: {"postcode": unit.postcode, "uscc": unit.uscc},
        apply=_apply,
    )
)


@pytest.fixture
def binding() -> Binding:
    return grant(BindingFactory.create(), "unit-info-change")


@pytest.fixture
def reviewer(binding: Binding) -> User:
    user = UserFactory.create(is_staff=True, username="shenhe-yn", first_name="审核员甲")
    ReviewerRegion.objects.create(reviewer=user, division_id="530000")  # all of Yunnan
    return user


def submitted(binding: Binding, postcode: str = "650100", **kwargs: Any) -> Application:
    user = binding.operator.user
    draft = services.application_draft_save(
        kind=TEST_TYPE, unit=binding.unit, actor=user, payload={"postcode": postcode}
    )
    return services.application_submit(application=draft, actor=user, **kwargs)


def test_submit_review_and_apply(binding: Binding, reviewer: User) -> None:
    application = submitted(binding)
    assert application.status == Status.SUBMITTED
    assert application.number.startswith("SQ") and application.before["postcode"] == "650000"
    services.application_claim(application=application, reviewer=reviewer)
    services.application_approve(application=application, reviewer=reviewer, opinion="材料齐全")
    assert Unit.objects.get(pk=binding.unit_id).postcode == "650100"
    assert list(application.events.values_list("action", flat=True)) == [
        "created", "submitted", "claimed", "approved", "applied",
    ]  # fmt: skip
    assert Message.objects.filter(unit=binding.unit, operator=None, title="邮政编码变更审核通过").exists()
    assert AuditEvent.objects.filter(action="application_approved").exists()


def test_a_field_that_may_not_change_is_refused(binding: Binding) -> None:
    with pytest.raises(ApplicationError) as caught:
        services.application_draft_save(
            kind=TEST_TYPE,
            unit=binding.unit,
            actor=binding.operator.user,
            payload={"postcode": "650100", "name": "x"},
        )
    assert caught.value.message.startswith("提交的内容包含不可修改的项目")
    draft = services.application_draft_save(
        kind=TEST_TYPE, unit=binding.unit, actor=binding.operator.user,
        payload={"postcode": "650100", "uscc": "91000000000000000X"},
    )  # fmt: skip
    assert draft.payload == {"postcode": "650100"}  # the read-only field is dropped, never applied


def test_an_operator_without_the_grant_or_of_another_unit_is_refused(binding: Binding) -> None:
    other = BindingFactory.create(unit=binding.unit)
    stranger = grant(BindingFactory.create(), "unit-info-change")
    for user in (other.operator.user, stranger.operator.user):
        with pytest.raises(ApplicationError):
            services.application_draft_save(
                kind=TEST_TYPE, unit=binding.unit, actor=user, payload={"postcode": "1"}
            )
    assert not Application.objects.exists()


def test_nothing_changed_is_refused(binding: Binding) -> None:
    with pytest.raises(ApplicationError) as caught:
        submitted(binding, postcode="650000")
    assert caught.value.message == "您未修改任何信息，无需提交"


def test_a_repeated_submission_makes_one_application(binding: Binding) -> None:
    first = submitted(binding, submit_key="k-1")
    again = services.application_submit(application=first, actor=binding.operator.user, submit_key="k-1")
    assert again.pk == first.pk
    assert Application.objects.filter(status=Status.SUBMITTED).count() == 1
    assert first.events.filter(action=Event.Action.SUBMITTED).count() == 1


def test_withdraw_before_review_only(binding: Binding, reviewer: User) -> None:
    """撤回 takes the application back to 草稿: the reviewer no longer sees it as waiting, the
    unit may correct and submit it again; once claimed it cannot be withdrawn."""
    application = submitted(binding)
    services.application_withdraw(application=application, actor=binding.operator.user)
    assert application.status == Status.DRAFT
    assert list(application.events.values_list("action", flat=True))[-1] == Event.Action.WITHDRAWN
    with pytest.raises(ApplicationError) as caught:
        services.application_claim(application=application, reviewer=reviewer)
    assert "不能审核" in caught.value.message
    again = services.application_submit(application=application, actor=binding.operator.user)
    assert again.status == Status.SUBMITTED
    services.application_claim(application=again, reviewer=reviewer)
    with pytest.raises(ApplicationError) as caught:
        services.application_withdraw(application=again, actor=binding.operator.user)
    assert caught.value.message == "医保经办机构已开始审核该办件，不能撤回"


def test_a_draft_is_deleted_and_frees_its_matter(binding: Binding) -> None:
    user = binding.operator.user
    draft = services.application_draft_save(
        kind=TEST_TYPE, unit=binding.unit, actor=user, payload={"postcode": "650100"}
    )
    services.application_delete(application=draft, actor=user)
    assert draft.status == Status.DELETED and draft.open_key is None
    assert list(draft.events.values_list("action", flat=True)) == [Event.Action.CREATED, Event.Action.DELETED]
    assert AuditEvent.objects.filter(action="application_deleted").count() == 1
    fresh = services.application_draft_save(
        kind=TEST_TYPE, unit=binding.unit, actor=user, payload={"postcode": "650101"}
    )
    assert fresh.pk != draft.pk  # a new draft, not the deleted one brought back
    with pytest.raises(ApplicationError) as caught:
        services.application_submit(application=draft, actor=user)
    assert caught.value.message == "办件当前状态为“已删除”，不能修改"


def test_only_a_draft_of_an_operator_with_the_grant_is_deleted(binding: Binding) -> None:
    user = binding.operator.user
    draft = services.application_draft_save(
        kind=TEST_TYPE, unit=binding.unit, actor=user, payload={"postcode": "650102"}
    )
    colleague = BindingFactory.create(unit=binding.unit)  # bound, but without the item
    with pytest.raises(ApplicationError) as caught:
        services.application_delete(application=draft, actor=colleague.operator.user)
    assert "没有“邮政编码变更”的业务权限" in caught.value.message
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.events.count() == 1
    application = services.application_submit(application=draft, actor=user)
    with pytest.raises(ApplicationError) as caught:
        services.application_delete(application=application, actor=user)
    assert caught.value.message == "办件当前状态为“待审核”，只有未提交的草稿可以删除"
    assert Application.objects.get(pk=draft.pk).status == Status.SUBMITTED


def test_two_reviewers_cannot_decide_the_same_application(binding: Binding, reviewer: User) -> None:
    other = UserFactory.create(is_staff=True, username="shenhe-km")
    ReviewerRegion.objects.create(reviewer=other, division_id="530100")
    application = submitted(binding)
    services.application_claim(application=application, reviewer=reviewer)
    with pytest.raises(ApplicationError) as caught:
        services.application_claim(application=application, reviewer=other)
    assert caught.value.message == "该办件已由审核员审核员甲领取"
    with pytest.raises(ApplicationError):
        services.application_approve(application=application, reviewer=other)
    assert Unit.objects.get(pk=binding.unit_id).postcode == "650000"


def test_reviewers_see_only_their_regions(binding: Binding) -> None:
    beijing = UserFactory.create(is_staff=True, username="shenhe-bj")
    ReviewerRegion.objects.create(reviewer=beijing, division_id="110000")
    nobody = UserFactory.create(is_staff=True, username="shenhe-none")
    application = submitted(binding)
    for user in (beijing, nobody):
        assert not reviewer_covers(user, application)
        with pytest.raises(ApplicationError) as caught:
            services.application_claim(application=application, reviewer=user)
        assert caught.value.message == "该办件不属于您负责的医保区划"
    assert reviewer_scope(nobody) is None


def test_return_correct_resubmit_approve(binding: Binding, reviewer: User) -> None:
    application = submitted(binding)
    services.application_claim(application=application, reviewer=reviewer)
    with pytest.raises(ApplicationError):
        services.application_return(application=application, reviewer=reviewer, opinion=" ")
    services.application_return(
        application=application, reviewer=reviewer, opinion="邮政编码与营业执照不一致"
    )
    assert application.status == Status.RETURNED and application.reviewer_id == reviewer.pk
    user = binding.operator.user
    services.application_draft_save(kind=TEST_TYPE, unit=binding.unit, actor=user, payload={"postcode": "650102"},
                                    application=application)  # fmt: skip
    services.application_submit(application=application, actor=user)
    assert application.status == Status.SUBMITTED and application.reviewer_id is None
    services.application_claim(application=application, reviewer=reviewer)
    services.application_approve(application=application, reviewer=reviewer)
    assert Unit.objects.get(pk=binding.unit_id).postcode == "650102"
    assert "resubmitted" in application.events.values_list("action", flat=True)


def test_reject_needs_a_reason_and_changes_nothing(binding: Binding, reviewer: User) -> None:
    application = submitted(binding)
    services.application_claim(application=application, reviewer=reviewer)
    with pytest.raises(ApplicationError) as caught:
        services.application_reject(application=application, reviewer=reviewer, reason="")
    assert caught.value.message == "请填写不通过的原因"
    services.application_reject(application=application, reviewer=reviewer, reason="营业执照已过期")
    assert application.status == Status.REJECTED
    assert Unit.objects.get(pk=binding.unit_id).postcode == "650000"
    with pytest.raises(ApplicationError):
        services.application_approve(application=application, reviewer=reviewer)


def test_approving_twice_is_refused(binding: Binding, reviewer: User) -> None:
    application = submitted(binding)
    services.application_claim(application=application, reviewer=reviewer)
    services.application_approve(application=application, reviewer=reviewer)
    with pytest.raises(ApplicationError) as caught:
        services.application_approve(application=application, reviewer=reviewer)
    assert caught.value.message == "办件当前状态为“审核通过”，不能审核"
    assert application.events.filter(action=Event.Action.APPROVED).count() == 1


def test_a_failure_while_applying_rolls_everything_back(binding: Binding, reviewer: User) -> None:
    application = submitted(binding, postcode="999999")
    services.application_claim(application=application, reviewer=reviewer)
    with pytest.raises(RuntimeError):
        services.application_approve(application=application, reviewer=reviewer)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.decided_at is None
    assert not application.events.filter(action=Event.Action.APPROVED).exists()
    assert not Message.objects.filter(category=Message.Category.REVIEW).exists()
