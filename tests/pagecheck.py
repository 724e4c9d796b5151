"""Checks every page a test fetches must pass (GOV.UK Notify's client_request habit).

status, a real <title>, unique ids, every form control labelled, CSRF on POST forms, no inline
script or style (CSP), and no unmasked ID number or mobile number in the HTML.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from bs4 import BeautifulSoup, Tag
from django.http.response import HttpResponseBase

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")
CAPTCHA_KEY = re.compile(r"/captcha/image/[0-9a-f]+/|value=\"[0-9a-f]{40}\"")
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class PageCheckError(AssertionError):
    pass


def check_page(
    response: HttpResponseBase,
    *,
    status: int = 200,
    allow_mobiles: bool = False,
    echoed: tuple[str, ...] = (),
    shown: tuple[str, ...] = (),
) -> BeautifulSoup:
    """Assert the page is well formed and safe; return the parsed document for further asserts.

    `echoed` names values the test itself just typed into a form: a form shown again with an
    error keeps what the user entered, so those exact values may appear (nothing else may).
    `shown` names the ID and mobile numbers the page may show in full (an operator whose grant
    allows full values); any other number is still a failure.
    """
    if response.status_code != status:
        raise PageCheckError(f"expected status {status}, got {response.status_code}")
    html = response.content.decode()  # type: ignore[attr-defined]
    return check_html(html, allow_mobiles=allow_mobiles, echoed=echoed, shown=shown)


def check_html(
    html: str, *, allow_mobiles: bool = False, echoed: tuple[str, ...] = (), shown: tuple[str, ...] = ()
) -> BeautifulSoup:
    soup = BeautifulSoup(html, "html.parser")
    problems: list[str] = []

    root = soup.find("html")
    if not isinstance(root, Tag) or root.get("lang") != "zh-Hans":
        problems.append('<html lang="zh-Hans"> missing')
    title = soup.find("title")
    if title is None or not title.get_text(strip=True) or title.get_text(strip=True).startswith("-"):
        problems.append("<title> missing or empty")

    ids = Counter(str(tag["id"]) for tag in soup.find_all(id=True))
    problems += [f"duplicate id {value!r}" for value, count in ids.items() if count > 1]

    labels_for = {str(label.get("for")) for label in soup.find_all("label") if label.get("for")}
    for control in soup.find_all(["input", "select", "textarea"]):
        if control.name == "input" and str(control.get("type", "text")) in UNLABELLED_TYPES:
            continue
        control_id = control.get("id")
        wrapped = control.find_parent("label") is not None
        if not wrapped and (not control_id or str(control_id) not in labels_for):
            problems.append(f"form control without <label>: {_describe(control)}")

    all_ids = set(ids)
    for tag in soup.select("[aria-describedby]"):
        missing = [ref for ref in str(tag["aria-describedby"]).split() if ref not in all_ids]
        if missing:
            problems.append(f"aria-describedby points at missing ids {missing}: {_describe(tag)}")

    for form in soup.find_all("form"):
        # A form posting to another site (the hand-off to the procurement system) must not carry
        # this site's CSRF token; every other POST form must.
        elsewhere = str(form.get("action", "")).startswith(("http://", "https://", "//"))
        token = form.find("input", attrs={"name": "csrfmiddlewaretoken"})
        if elsewhere and token is not None:
            problems.append(f"CSRF token in a form posting to another site: {_describe(form)}")
        elif not elsewhere and str(form.get("method", "get")).lower() == "post" and token is None:
            problems.append(f"POST form without CSRF token: {_describe(form)}")

    for script in soup.find_all("script"):
        if not script.get("src"):
            problems.append("inline <script> (CSP forbids it)")
    if soup.find(style=True) is not None or soup.find("style") is not None:
        problems.append("inline style (CSP forbids it)")

    # Captcha keys are random hex: a run of their digits may look like a phone or ID number.
    text = CAPTCHA_KEY.sub("", html)
    for value in echoed:
        text = text.replace(f'value="{value}"', 'value=""')
    for value in shown:
        text = text.replace(value, "")
    for match in ID_NUMBER.finditer(text):
        if _is_id_number(match.group(1)):
            problems.append(f"unmasked ID number {match.group(1)[:4]}…")
    if not allow_mobiles:
        problems += [f"unmasked mobile {m.group(1)[:3]}…" for m in MOBILE.finditer(text)]

    if problems:
        raise PageCheckError("page check failed:\n  " + "\n  ".join(problems))
    return soup


def _is_id_number(value: str) -> bool:
    from yibao.core.errors import ApplicationError
    from yibao.core.validators.identity import validate_resident_id

    try:
        validate_resident_id(value)
    except ApplicationError:
        return False
    return True


def _describe(tag: Any) -> str:
    return f"<{tag.name} name={tag.get('name')!r} id={tag.get('id')!r}>"


def visible_text(soup: Tag | None) -> str:
    if soup is None:
        return ""
    return " ".join(soup.get_text(" ", strip=True).split())
