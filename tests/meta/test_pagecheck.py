"""The page checks themselves catch what they claim to catch."""

import pytest

from tests.pagecheck import PageCheckError, check_html


def page(body: str) -> str:
    return f'<html lang="zh-Hans"><head><title>页 - 站</title></head><body>{body}</body></html>'


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("<p>11010519491231002X</p>", "unmasked ID number"),
        ("<p>13812345678</p>", "unmasked mobile"),
        ('<input name="q" id="q">', "without <label>"),
        ('<form method="post"></form>', "without CSRF"),
        (
            '<form method="post" action="https://other.example/in"><input type="hidden" '
            'name="csrfmiddlewaretoken" value="x"></form>',
            "CSRF token in a form posting to another site",
        ),
        ('<p id="a"></p><p id="a"></p>', "duplicate id"),
        ("<script>alert(1)</script>", "inline <script>"),
        ('<p style="color:red">x</p>', "inline style"),
        ('<input id="q" aria-describedby="gone"><label for="q">Q</label>', "aria-describedby"),
    ],
)
def test_each_problem_is_caught(body: str, problem: str) -> None:
    with pytest.raises(PageCheckError, match=problem):
        check_html(page(body))


@pytest.mark.django_db
def test_masked_numbers_and_captcha_keys_pass() -> None:
    key = "ab" + "13812345678" + "0" * 27
    check_html(
        page(f'<p>1101**********002X 138****5678</p><img src="/captcha/image/{key}/" alt="图形验证码">')
    )


@pytest.mark.django_db
def test_echoed_input_is_allowed_only_as_a_field_value() -> None:
    html = page('<label for="m">手机</label><input id="m" value="13812345678">')
    check_html(html, echoed=("13812345678",))
    with pytest.raises(PageCheckError):
        check_html(page("<p>13812345678</p>"), echoed=("13812345678",))


def test_a_form_posting_to_another_site_needs_no_csrf_token() -> None:
    check_html(page('<form method="post" action="https://other.example/in"></form>'))
