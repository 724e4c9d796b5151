from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yibao.core.guards import staff_required


@staff_required
def workbench(request: HttpRequest) -> HttpResponse:
    return render(request, "agency/workbench.html")
