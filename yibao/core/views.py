from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from yibao.core.forms import ComponentGalleryForm, DivisionQueryForm, is_refresh, without_errors
from yibao.core.guards import dev_affordance, public_view
from yibao.core.selectors import division_children, division_full_name, division_get, division_path


@public_view
@require_GET
def divisions(request: HttpRequest) -> HttpResponse:
    """医保区划查询: pick a province/city and see the codes below it."""
    form = DivisionQueryForm(request.GET or None)
    selected = None
    if form.is_bound and form.is_valid():
        selected = division_get(form.cleaned_data["admdvs"])
    elif form.is_bound:
        # An incomplete choice still narrows the list to the deepest level chosen.
        for key in ("admdvs_2", "admdvs_1", "admdvs_0"):
            selected = division_get(request.GET.get(key))
            if selected:
                break
    path = division_path(selected.code if selected else None)
    rows = [
        (node, urlencode({f"admdvs_{level}": n.code for level, n in enumerate([*path, node])}))
        for node in division_children(selected.code if selected else None)
    ]
    return render(
        request, "core/divisions.html", {"form": form, "selected": selected, "path": path, "rows": rows}
    )


@public_view
@require_GET
@cache_control(max_age=600, public=True)
def division_options(request: HttpRequest) -> HttpResponse:
    """The <option>s under a division, for the region picker's script."""
    parent = request.GET.get("parent", "")
    nodes = division_children(parent) if division_get(parent) else []
    return render(request, "components/division_options.html", {"nodes": nodes})


@dev_affordance
@never_cache  # the form comes back with the password typed
def component_gallery(request: HttpRequest) -> HttpResponse:
    """Development page: every shared field with its server-side check."""
    result = None
    if request.method == "POST":
        form = ComponentGalleryForm(request.POST, request.FILES)
        if is_refresh(request.POST):
            form = without_errors(form)
        elif form.is_valid():
            result = {**form.cleaned_data, "admdvs_name": division_full_name(form.cleaned_data["admdvs"])}
            form = ComponentGalleryForm()  # the numbers are not shown again in full
    else:
        form = ComponentGalleryForm()
    return render(request, "core/component_gallery.html", {"form": form, "result": result})
