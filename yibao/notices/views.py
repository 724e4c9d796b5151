from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from yibao.core.guards import public_view
from yibao.notices.selectors import notice_list_published


@public_view
def notice_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(notice_list_published().only("id", "title", "published_at"), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "notices/notice_list.html", {"page": page})


@public_view
def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    # Published notices are public; unpublished ones do not exist for the public.
    notice = get_object_or_404(notice_list_published(), pk=notice_id)
    return render(request, "notices/notice_detail.html", {"notice": notice})
