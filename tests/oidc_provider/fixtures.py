"""Start the test OpenID Connect provider (a real one, in its own process) and act as its user.

`oidc_providers` (session scope) starts a provider per configuration the first time a test asks
for it: "main" (its own RS256 key), "impostor" (signs with one key, publishes another under that
key's id), "foreign" (calls itself by another issuer identifier) and "expired" (issues ID tokens
already expired). Each has its own SQLite database and key files under a temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests
from bs4 import BeautifulSoup
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "yibao-hall"
CLIENT_SECRET = "hall-secret-for-tests-only-0123456789"
PASSWORD = "Faren2026test"
CALLBACK_PATH = "/hall/login/oidc/callback/"

CONFIGURATIONS: dict[str, dict[str, str]] = {
    "main": {},
    "impostor": {"published": "yes"},
    "foreign": {"PROVIDER_ISSUER": "https://idp.example.invalid/o"},
    "expired": {"PROVIDER_ID_TOKEN_SECONDS": "-600"},
}


def rsa_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@dataclass
class Provider:
    url: str
    key_pem: str
    directory_path: Path
    process: subprocess.Popen[str]
    people: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def issuer(self) -> str:
        return self.url + "/o"

    def person_add(
        self, username: str, *, uscc: str, org_name: str, subject_kind: str = "legal_person"
    ) -> str:
        self.people[username] = {
            "password": PASSWORD,
            "uscc": uscc,
            "org_name": org_name,
            "subject_kind": subject_kind,
        }
        self.directory_path.write_text(json.dumps(self.people, ensure_ascii=False))
        return username

    def login(self, browser: requests.Session, username: str, login_url: str) -> requests.Response:
        """Fill the provider's login form as its user would."""
        page = browser.get(login_url, timeout=10)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert found is not None, page.text
        next_url = re.search(r'name="next" value="([^"]*)"', page.text)
        return browser.post(
            page.url,
            data={
                "csrfmiddlewaretoken": found.group(1),
                "username": username,
                "password": PASSWORD,
                "next": next_url.group(1).replace("&amp;", "&") if next_url else "",
            },
            allow_redirects=False,
            timeout=10,
        )

    def authorize(self, authorize_url: str, username: str, *, consent: bool | None = None) -> str:
        """Follow the hall's redirect to the provider, log in as `username` (and answer the
        consent page when the client has one) until the provider sends the browser back to the
        hall's callback; return that address."""
        browser = requests.Session()
        url = authorize_url
        for _ in range(10):
            if CALLBACK_PATH in url and not url.startswith(self.url):
                return url
            response = browser.get(url, allow_redirects=False, timeout=10)
            if response.status_code in {301, 302, 303}:
                location = urljoin(url, response.headers["Location"])
                if "/accounts/login/" in location:
                    answer = self.login(browser, username, location)
                    assert answer.status_code == 302, answer.text
                    location = urljoin(location, answer.headers["Location"])
                url = location
                continue
            if consent is not None and 'name="allow"' in response.text:
                url = self._consent(browser, response, allow=consent)
                continue
            raise AssertionError(f"provider answered {response.status_code}: {response.text[:500]}")
        raise AssertionError("too many redirects")

    def _consent(self, browser: requests.Session, page: requests.Response, *, allow: bool) -> str:
        form = BeautifulSoup(page.text, "html.parser").find("form")
        assert form is not None
        data = {
            str(field["name"]): str(field.get("value", ""))
            for field in form.find_all("input")
            if field.get("name") and field.get("name") != "allow"
        }
        if allow:
            data["allow"] = "Authorize"
        answer = browser.post(
            page.url, data=data, headers={"Referer": page.url}, allow_redirects=False, timeout=10
        )
        assert answer.status_code == 302, answer.text[:500]
        return urljoin(page.url, answer.headers["Location"])


def provider_start(name: str, folder: Path) -> Provider:
    folder.mkdir(parents=True, exist_ok=True)
    config = CONFIGURATIONS[name]
    signing = folder / "signing.pem"
    signing.write_text(rsa_pem())
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "PROVIDER_DATABASE": str(folder / "provider.sqlite3"),
        "PROVIDER_KEY": str(signing),
        "PROVIDER_DIRECTORY": str(folder / "directory.json"),
    }
    env.pop("DATABASE_URL", None)
    for key, value in config.items():
        if key == "published":
            published = folder / "published.pem"
            published.write_text(rsa_pem())
            env["PROVIDER_PUBLISHED"] = str(published)
        else:
            env[key] = value
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "tests.oidc_provider.server", CLIENT_ID, CLIENT_SECRET],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.match(r"port (\d+)", line)
    if found is None:
        process.kill()
        raise RuntimeError(f"the test OIDC provider did not start: {line!r}")
    return Provider(
        url=f"http://127.0.0.1:{found.group(1)}",
        key_pem=signing.read_text(),
        directory_path=folder / "directory.json",
        process=process,
    )


@pytest.fixture(scope="session")
def oidc_providers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """name → Provider, each started on first use and stopped at the end of the session."""
    started: dict[str, Provider] = {}

    class Lazy(dict[str, Any]):
        def __missing__(self, name: str) -> Provider:
            provider = provider_start(name, tmp_path_factory.mktemp(f"oidc-{name}"))
            started[name] = provider
            self[name] = provider
            return provider

    yield Lazy()
    for provider in started.values():
        provider.process.terminate()
        provider.process.wait(timeout=10)


@pytest.fixture
def oidc_provider(oidc_providers: dict[str, Provider], settings: Any) -> Provider:
    """The main provider, configured as the Beijing hall's 统一身份认证平台."""
    provider: Provider = oidc_providers["main"]
    oidc_configure(settings, provider)
    return provider


def oidc_configure(settings: Any, provider: Provider, *, client_id: str = CLIENT_ID) -> None:
    settings.YIBAO_PROFILE = "beijing"
    settings.YIBAO_OIDC_ISSUER = provider.issuer
    settings.YIBAO_OIDC_CLIENT_ID = client_id
    settings.YIBAO_OIDC_CLIENT_SECRET = CLIENT_SECRET
