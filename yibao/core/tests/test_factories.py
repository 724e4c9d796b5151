import pytest
from stdnum.cn import uscc

from yibao.core.tests.factories import BindingFactory, InsuranceFactory, NoticeFactory
from yibao.core.validators.identity import validate_resident_id


@pytest.mark.django_db
def test_factories_make_valid_linked_records() -> None:
    binding = BindingFactory.create()
    insurance = InsuranceFactory.create(unit=binding.unit)
    notice = NoticeFactory.create()

    assert uscc.is_valid(binding.unit.uscc)
    assert validate_resident_id(binding.unit.legal_rep_cert_no) == binding.unit.legal_rep_cert_no
    assert validate_resident_id(insurance.person.cert_no) == insurance.person.cert_no
    assert binding.operator.user.username == binding.operator.mobile
    assert binding.unit.account.kind == "unit"
    assert binding.unit.account.check_password("Yibao2026test")
    assert insurance.unit == binding.unit
    assert notice.is_published
