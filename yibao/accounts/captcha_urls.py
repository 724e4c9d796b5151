"""The captcha's own views, declared public for the route guard (names as the widget expects)."""

from captcha import views as captcha_views
from django.urls import path

from yibao.core.guards import public_view

urlpatterns = [
    path(
        "image/<str:key>/",
        public_view(captcha_views.captcha_image),
        name="captcha-image",
        kwargs={"scale": 1},
    ),
    path("refresh/", public_view(captcha_views.captcha_refresh), name="captcha-refresh"),
]
