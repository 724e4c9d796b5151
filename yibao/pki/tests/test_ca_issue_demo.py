"""`manage.py ca_issue_demo`: a root the hall trusts, a CRL, and a software certificate for each
registered demo unit that verifies."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from yibao.core.tests.factories import UnitFactory
from yibao.demo import DEMO_PASSWORD
from yibao.pki.agent import AgentStore
from yibao.pki.challenges import signed_message
from yibao.pki.verification import certificate_verify
from yibao.units.models import Unit
from yibao.units.selectors import unit_certificates_bound


@pytest.mark.django_db
def test_it_issues_a_certificate_for_each_registered_demo_unit(tmp_path: Path, settings: Any) -> None:
    demo: Unit = UnitFactory.create(emp_no="99000000000001")
    UnitFactory.create()  # not a demo unit
    UnitFactory.create(emp_no="99000000000002", account=None)  # no unit account
    call_command("ca_issue_demo", "--folder", str(tmp_path), stdout=io.StringIO())
    settings.YIBAO_CA_TRUSTED_ROOTS = str(tmp_path / "trusted")
    settings.YIBAO_CA_CRLS = str(tmp_path / "crl")
    assert demo.account is not None
    store = AgentStore(tmp_path / "agent")
    assert [(e["id"], e["uscc"]) for e in store.listing()] == [(demo.account.username, demo.uscc)]
    signed = store.sign(demo.account.username, DEMO_PASSWORD, "abc")

    identity = certificate_verify(
        certificate=signed["certificate"],
        intermediates=signed["chain"],
        message=signed_message("abc"),
        signature=base64.b64decode(signed["signature"]),
    )
    assert (identity.unit_name, identity.uscc) == (demo.name, demo.uscc)
    assert sorted(p.name for p in (tmp_path / "crl").iterdir()) == ["intermediate.crl.pem", "root.crl.pem"]
    # bound to the unit, so that the demo CA login works; a second run replaces the binding
    assert [c.fingerprint for c in unit_certificates_bound(demo)] == [identity.fingerprint]
    call_command("ca_issue_demo", "--folder", str(tmp_path), stdout=io.StringIO())
    bound = unit_certificates_bound(demo)
    assert len(bound) == 1 and bound[0].fingerprint != identity.fingerprint
    assert demo.certificates.count() == 2  # the earlier one kept as history, unbound
