"""异地就医备案, mounted at hall/filings/: for each of the four, the person look-up, the person's
filings with the new filing's form, and 变更备案 / 取消备案 of a filing."""

from django.urls import URLPattern, path

from yibao.filings.kinds import KINDS
from yibao.filings.views import KIND_VIEWS

app_name = "filings"
urlpatterns: list[URLPattern] = []
for _code, _spec in KINDS.items():
    _views = KIND_VIEWS[_code]
    urlpatterns += [
        path(f"{_spec.slug}/", _views["search"], name=_spec.slug),
        path(f"{_spec.slug}/<int:person_id>/", _views["new"], name=f"{_spec.slug}-person"),
        path(f"{_spec.slug}/filings/<int:filing_id>/change/", _views["change"], name=f"{_spec.slug}-change"),
        path(f"{_spec.slug}/filings/<int:filing_id>/cancel/", _views["cancel"], name=f"{_spec.slug}-cancel"),
    ]
