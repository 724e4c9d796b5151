"""The locust users `bench/load.py` runs (headless, in a process of their own): not run directly.

- `BareUser`: GET /bench/bare/ in a loop (the floor);
- `Visitor`: the anonymous public: portal home, a catalogue search, a drug's page, the login page;
- `Operator`: a demo operator with every 参保单位 grant: logs in (图形验证码 answered from the
  fixture file, the password checked with the production hasher, argon2), then works: of every
  35 tasks 12 open the operator home, 10 职工花名册, 10 单位缴费信息查询, one prints a 参保证明
  (page and PDF), one uploads a 批量参保登记 file (page, upload, progress page) and one logs out
  and in again (a session of about 35 pages, as an operator's morning).

Every user runs closed-loop without think time, as `bench/load.py` compares throughputs.
The fixture file (YIBAO_LOAD_FIXTURE, written by bench/load.py) holds operators, captchas, search
words and a batch file. Requests go over plain HTTP to gunicorn as a TLS-terminating proxy would
send them (X-Forwarded-Proto: https, so secure cookies are sent back).
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import random
import re
from http.cookiejar import Cookie, DefaultCookiePolicy
from pathlib import Path
from typing import Any
from urllib.request import Request

from locust import HttpUser, constant, task

FIXTURE: dict[str, Any] = json.loads(Path(os.environ["YIBAO_LOAD_FIXTURE"]).read_text(encoding="utf-8"))
CAPTCHAS = iter(FIXTURE["captchas"])
OPERATORS = itertools.cycle(FIXTURE["operators"])
BATCH_FILE = base64.b64decode(FIXTURE["batch_file"])
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PASSWORD = FIXTURE["password"]


def _secure_cookies_over_the_proxy_hop(policy: DefaultCookiePolicy, cookie: Cookie, request: Request) -> bool:
    """Send the hall's Secure cookies back over the plain HTTP hop behind the (simulated) proxy.
    Set on the class: requests copies the session's cookie jar (and drops its policy) per request."""
    return True


DefaultCookiePolicy.return_ok_secure = _secure_cookies_over_the_proxy_hop  # type: ignore[method-assign,assignment]


class _HallUser(HttpUser):
    abstract = True
    wait_time = constant(0)

    def on_start(self) -> None:
        self.client.headers.update({"X-Forwarded-Proto": "https", "Accept-Language": "zh-Hans"})

    def _post(self, path: str, data: dict[str, Any], *, name: str, page: str, **kwargs: Any) -> Any:
        """A form POST as the browser sends it: the CSRF token of the page it came from, a Referer."""
        token = CSRF_FIELD.search(page)
        if token is None:
            raise RuntimeError(f"no CSRF token on the page before {path}")
        data = {**data, "csrfmiddlewaretoken": token.group(1)}
        headers = {"Referer": f"https://{str(self.host).split('://', 1)[1]}{path}"}
        return self.client.post(path, data=data, name=name, headers=headers, **kwargs)


class BareUser(_HallUser):
    @task
    def bare(self) -> None:
        self.client.get("/bench/bare/", name="bare")


class Visitor(_HallUser):
    weight = 1

    @task(3)
    def portal(self) -> None:
        self.client.get("/", name="portal")

    @task(3)
    def catalogue_search(self) -> None:
        word = random.choice(FIXTURE["drug_words"])
        self.client.get(f"/catalog/drugs/?name={word}", name="catalogue search")

    @task(1)
    def drug(self) -> None:
        code = random.choice(FIXTURE["drug_codes"])
        self.client.get(f"/catalog/drugs/{code}/", name="catalogue drug")

    @task(1)
    def login_page(self) -> None:
        self.client.get("/hall/login/", name="login page")


class Operator(_HallUser):
    weight = 2

    def on_start(self) -> None:
        super().on_start()
        self.login()

    def login(self) -> None:
        operator = next(OPERATORS)
        page = self.client.get("/hall/login/?tab=operator", name="login page").text
        hashkey, answer = next(CAPTCHAS)
        with self._post(
            "/hall/login/",
            {"kind": "operator", "mobile": operator["mobile"], "password": PASSWORD,
             "captcha_0": hashkey, "captcha_1": answer},
            name="login", page=page, catch_response=True,
        ) as response:  # fmt: skip
            if "/hall/login/" in response.url and "choose-unit" not in response.url:
                response.failure("login refused")
                return
            if "choose-unit" in response.url:
                self._post(
                    "/hall/login/choose-unit/",
                    {"unit": operator["unit_id"]},
                    name="choose unit",
                    page=response.text,
                )

    @task(1)
    def relogin(self) -> None:
        page = self.client.get("/hall/", name="operator home").text
        self._post("/hall/logout/", {}, name="logout", page=page)
        self.client.cookies.clear()
        self.login()

    @task(12)
    def home(self) -> None:
        self.client.get("/hall/", name="operator home")

    @task(10)
    def roster(self) -> None:
        self.client.get("/hall/queries/roster/", name="roster")

    @task(10)
    def contributions(self) -> None:
        self.client.get("/hall/contributions/unit/", name="contribution query")

    @task(1)
    def certificate(self) -> None:
        page = self.client.get("/hall/certificates/unit/", name="certificate page").text
        self._post("/hall/certificates/unit/print/", {}, name="certificate PDF", page=page)

    @task(1)
    def batch_upload(self) -> None:
        page = self.client.get("/hall/enrollment/enroll/batch/", name="batch page").text
        with self._post(
            "/hall/enrollment/enroll/batch/", {}, name="batch upload", page=page, catch_response=True,
            files={"file": ("批量参保登记.xlsx", BATCH_FILE,
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")},
        ) as response:  # fmt: skip
            if "/enroll/batch/" not in response.url or response.url.rstrip("/").endswith("/batch"):
                response.failure("the upload was not accepted")
