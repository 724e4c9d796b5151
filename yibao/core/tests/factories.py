"""factory_boy factories for the models every app's tests need."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from yibao.accounts.models import User
from yibao.demo.numbers import make_id_number, make_uscc
from yibao.enrollment.models import Insurance, Person
from yibao.notices.models import Notice
from yibao.operators.models import Binding, BusinessItem, Grant, Operator
from yibao.units.models import Population, RoleCertification, Unit


def id_number(place: str, birth: datetime.date, n: int) -> str:
    """The n-th distinct valid ID number from `birth`: a thousand per day (the sequence part has
    three digits), so a long test run never writes a 19-character number. Parity (gender) follows n."""
    return make_id_number(place, birth + datetime.timedelta(days=n // 1000), n % 1000)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n:05d}")
    password = factory.django.Password("Yibao2026test")
    kind = User.Kind.STAFF


class UnitFactory(factory.django.DjangoModelFactory[Unit]):
    class Meta:
        model = Unit
        skip_postgeneration_save = True

    account = factory.SubFactory(
        UserFactory, kind=User.Kind.UNIT, username=factory.Sequence(lambda n: f"dw{n:08d}")
    )
    emp_no = factory.Sequence(lambda n: f"53011200{n:06d}")
    name = factory.Sequence(lambda n: f"昆明测试科技有限公司{n}")
    uscc = factory.Sequence(lambda n: make_uscc(random.Random(n), dept_and_kind="91", admdvs="530112"))
    emp_type = "10"
    division_id = "530112"
    address = "云南省昆明市西山区滇池路1号"
    postcode = "650000"
    legal_rep_name = "张伟"
    legal_rep_cert_no = factory.Sequence(lambda n: id_number("530112", datetime.date(1985, 1, 1), n))
    legal_rep_mobile = factory.Sequence(lambda n: f"139{n:08d}")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        """Certified roles (default: 参保单位). `UnitFactory(roles=[])` makes a unit with none."""
        if not create:
            return
        for role in ["insured"] if extracted is None else extracted:
            RoleCertification.objects.create(
                unit=self,  # type: ignore[misc]  # the factory's instance is the Unit it made
                role=role,
                status=RoleCertification.Status.CERTIFIED,
                decided_at=timezone.now(),
            )

    @factory.post_generation
    def populations(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        """管理人群 by code (default: the default populations)."""
        if not create:
            return
        chosen = (
            Population.objects.filter(is_default=True)
            if extracted is None
            else Population.objects.filter(code__in=extracted)
        )
        self.populations.set(chosen)


class OperatorFactory(factory.django.DjangoModelFactory[Operator]):
    class Meta:
        model = Operator

    user = factory.SubFactory(
        UserFactory, kind=User.Kind.OPERATOR, username=factory.SelfAttribute("..mobile")
    )
    name = "李娜"
    mobile = factory.Sequence(lambda n: f"138{n:08d}")
    cert_no = factory.Sequence(lambda n: id_number("530102", datetime.date(1990, 5, 1), n))


class BindingFactory(factory.django.DjangoModelFactory[Binding]):
    class Meta:
        model = Binding

    unit = factory.SubFactory(UnitFactory)
    operator = factory.SubFactory(OperatorFactory)


def grant(binding: Binding, *codes: str, populations: tuple[str, ...] | None = None) -> Binding:
    """Grant business items (and by default every population of the unit) to a binding."""
    for item in BusinessItem.objects.filter(code__in=codes):
        Grant.objects.create(binding=binding, unit=binding.unit, item=item)
    chosen = (
        binding.unit.populations.all()
        if populations is None
        else Population.objects.filter(code__in=populations)
    )
    binding.populations.set(chosen)
    return binding


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person

    psn_no = factory.Sequence(lambda n: f"53000000{n:012d}")
    cert_no = factory.Sequence(lambda n: id_number("530103", datetime.date(1988, 3, 7), n))
    name = "王芳"
    gender = "2"
    birth_date = factory.Sequence(lambda n: datetime.date(1988, 3, 7) + datetime.timedelta(days=n // 1000))
    nation = "01"
    mobile = factory.Sequence(lambda n: f"137{n:08d}")


class InsuranceFactory(factory.django.DjangoModelFactory[Insurance]):
    class Meta:
        model = Insurance

    person = factory.SubFactory(PersonFactory)
    unit = factory.SubFactory(UnitFactory)
    insutype = "310"
    start_date = datetime.date(2024, 1, 1)
    first_insured_ym = 202401
    base = Decimal("6000.00")


class NoticeFactory(factory.django.DjangoModelFactory[Notice]):
    class Meta:
        model = Notice

    title = factory.Sequence(lambda n: f"公告{n}")
    body = "正文。"
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


def staff_login(client: Any, user: User) -> None:
    """Log a staff member in with both factors (password and 动态口令), as the staff login does."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def operator_login(client: Any, binding: Binding) -> Binding:
    """Log the binding's operator in, working for its unit (as after 选择单位)."""
    from yibao.operators.session import CURRENT_UNIT_KEY

    client.force_login(binding.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = binding.unit_id
    session.save()
    return binding
