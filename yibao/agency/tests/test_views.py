import pytest

from tests.pagecheck import visible_text


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client) -> None:
    response = client.get("/agency/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/agency/"


@pytest.mark.django_db
def test_non_staff_users_get_not_found(client, django_user_model) -> None:
    user = django_user_model.objects.create_user(username="dw0001", password="x", kind="unit")
    client.force_login(user)
    assert client.get("/agency/").status_code == 404


@pytest.mark.django_db
def test_staff_see_the_workbench(client, staff_user, get_page) -> None:
    client.force_login(staff_user)
    soup = get_page("/agency/")
    assert soup.h1.get_text() == "经办机构工作台"
    assert "您好，审核员。" in visible_text(soup)
