import datetime as dt
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from yibao.demo import DEMO_EMP_NO_PREFIX, DEMO_PASSWORD
from yibao.pki.issuing import (
    agent_store_write,
    crl_issue,
    hierarchy_issue,
    key_pem,
    pem,
    unit_certificate_issue,
)
from yibao.pki.verification import certificate_identity
from yibao.units.models import Unit
from yibao.units.selectors import unit_certificates_bound
from yibao.units.services import unit_certificate_bind, unit_certificate_unbind


class Command(BaseCommand):
    help = (
        "Make a demo CA (root and intermediate), a software certificate (PKCS #12) for every "
        "registered demo unit, bound to it on its 数字证书 page (earlier demo certificates unbound), "
        "and an empty CRL per CA, under var/ca/: trusted/ (the root the hall trusts), "
        "crl/, agent/ (what manage.py ca_agent holds) and issuer/ (the CA keys). "
        f"The 证书密码 is {DEMO_PASSWORD} unless --password is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--folder", default=str(Path(settings.VAR_DIR) / "ca"))
        parser.add_argument("--password", default=DEMO_PASSWORD)
        parser.add_argument("--rsa", action="store_true", help="RSA 2048 unit keys instead of ECDSA P-256")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        now = dt.datetime.now(dt.UTC)
        hierarchy = hierarchy_issue(now=now)
        for sub in ("trusted", "crl", "agent", "issuer"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        for old in (folder / "agent").glob("*.p*"):
            old.unlink()
        (folder / "trusted" / "demo-root.pem").write_text(pem(hierarchy.root.certificate), encoding="ascii")
        (folder / "issuer" / "intermediate.pem").write_text(
            pem(hierarchy.intermediate.certificate), encoding="ascii"
        )
        for name, issued in (("root", hierarchy.root), ("intermediate", hierarchy.intermediate)):
            key_file = folder / "issuer" / f"{name}.key.pem"
            key_file.write_bytes(key_pem(issued.key, options["password"]))
            key_file.chmod(0o600)
            crl = crl_issue(issued, [], now=now, next_update=now + dt.timedelta(days=30))
            (folder / "crl" / f"{name}.crl.pem").write_bytes(crl.public_bytes(serialization.Encoding.PEM))
        units = (
            Unit.objects.filter(account__isnull=False, emp_no__startswith=DEMO_EMP_NO_PREFIX)
            .select_related("account")
            .order_by("emp_no")
        )
        count = 0
        for unit in units:
            if unit.account is None:  # excluded by the query; for the type checker
                continue
            issued = unit_certificate_issue(
                hierarchy,
                name=unit.name,
                uscc=unit.uscc,
                now=now,
                key_kind="rsa" if options["rsa"] else "ec",
            )
            agent_store_write(
                folder / "agent", unit.account.username, issued, hierarchy, password=options["password"]
            )
            # The new certificate replaces the demo's earlier ones, which the new root no longer
            # trusts anyway; bound, it logs in by 单位 CA 登录 at once.
            for earlier in unit_certificates_bound(unit):
                unit_certificate_unbind(unit=unit, certificate_id=earlier.pk, actor=None)
            unit_certificate_bind(unit=unit, identity=certificate_identity(issued.certificate), actor=None)
            count += 1
        self.stdout.write(
            f"Demo CA and {count} unit certificates in {folder} (证书密码 {options['password']}). "
            f"Set YIBAO_CA_TRUSTED_ROOTS={folder / 'trusted'} and YIBAO_CA_CRLS={folder / 'crl'} "
            "if the hall uses another var/, then run: manage.py ca_agent"
        )
