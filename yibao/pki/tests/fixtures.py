"""A demo CA in a temporary folder, with the hall's settings pointing at it (tests only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any as SettingsWrapper

from cryptography.hazmat.primitives import serialization

from yibao.pki.issuing import DemoHierarchy, Issued, crl_issue, hierarchy_issue, pem, unit_certificate_issue


@dataclass
class CaWorld:
    folder: Path
    hierarchy: DemoHierarchy
    now: dt.datetime
    revoked: list[int] = field(default_factory=list)

    def unit(self, name: str, uscc: str, **kwargs: object) -> Issued:
        return unit_certificate_issue(self.hierarchy, name=name, uscc=uscc, now=self.now, **kwargs)  # type: ignore[arg-type]

    def crls_write(self) -> None:
        """Empty CRLs of both CAs (every issuer needs one: verification refuses an issuer without)."""
        for name, issuer in (("root", self.hierarchy.root), ("intermediate", self.hierarchy.intermediate)):
            crl = crl_issue(
                issuer, [], now=self.now - dt.timedelta(hours=1), next_update=self.now + dt.timedelta(days=7)
            )
            (self.folder / "crl" / f"{name}.crl.pem").write_bytes(
                crl.public_bytes(serialization.Encoding.PEM)
            )

    def revoke(self, issued: Issued, *, next_update: dt.datetime | None = None) -> None:
        """Write the intermediate's CRL listing `issued` (and every earlier revocation)."""
        self.revoked.append(issued.certificate.serial_number)
        crl = crl_issue(
            self.hierarchy.intermediate,
            self.revoked,
            now=self.now - dt.timedelta(hours=1),
            next_update=next_update or self.now + dt.timedelta(days=7),
        )
        (self.folder / "crl" / "intermediate.crl.pem").write_bytes(
            crl.public_bytes(serialization.Encoding.PEM)
        )


def ca_world(tmp_path: Path, settings: SettingsWrapper) -> CaWorld:
    now = dt.datetime.now(dt.UTC)
    hierarchy = hierarchy_issue(now=now)
    folder = tmp_path / "ca"
    (folder / "trusted").mkdir(parents=True)
    (folder / "crl").mkdir()
    (folder / "trusted" / "root.pem").write_text(pem(hierarchy.root.certificate), encoding="ascii")
    settings.YIBAO_CA_TRUSTED_ROOTS = str(folder / "trusted")
    settings.YIBAO_CA_CRLS = str(folder / "crl")
    world = CaWorld(folder, hierarchy, now)
    world.crls_write()
    return world
