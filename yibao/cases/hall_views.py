"""The operator's side of an application: the workspace where the form is printed (打印报表),
materials are uploaded (附件上传) and the application is submitted (保存). The pages that fill an
application's payload belong to the apps that own its type and lead here."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from yibao.accounts.guards import hall_user
from yibao.cases import services
from yibao.cases.access import access_application_for_operator, access_material
from yibao.cases.material_forms import MaterialUploadForm
from yibao.cases.selectors import application_change_rows, application_outcome
from yibao.cases.types import application_type
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.core.file_responses import uploaded_file_response
from yibao.operators.session import OperatorRequest, operator_required


@operator_required
def workspace(request: OperatorRequest, application_id: int) -> HttpResponse:
    """One application: what changes, 打印报表, 附件上传, 保存 (submit)."""
    application = access_application_for_operator(request, application_id)
    kind = application_type(application.type_code)
    materials = list(application.materials.all())
    stamped = kind.stamped_form
    stale = {
        m.pk
        for m in materials
        if stamped is not None
        and m.code == stamped.code
        and not services.stamped_form_current(application, m)
    }
    rows = []
    for position, spec in enumerate(kind.materials_for(application.payload), start=1):
        files = [m for m in materials if m.code == spec.code]
        rows.append(
            {"position": position, "spec": spec, "files": files, "form": MaterialUploadForm(prefix=spec.code)}
        )
    editable = application.status in services.EDITABLE_BY_OPERATOR
    return render(
        request,
        "cases/workspace.html",
        {
            "application": application,
            "kind": kind,
            "changes": application_change_rows(application),
            "materials": rows,
            "editable": editable,
            "form_page": kind.form_page,
            "missing": services.missing_materials(application) if editable else [],
            "stale": stale,
            "submit_key": secrets.token_urlsafe(18),
        },
    )


@require_POST
@operator_required
def print_form(request: OperatorRequest, application_id: int) -> HttpResponse:
    """打印报表: mark the form printed, then open it."""
    application = access_application_for_operator(request, application_id)
    try:
        services.application_print_mark(
            application=application, actor=hall_user(request), origin=RequestOrigin.from_request(request)
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("cases:edit", application_id=application.pk)
    return redirect("cases:form-pdf", application_id=application.pk)


@operator_required
def form_pdf(request: OperatorRequest, application_id: int) -> HttpResponse:
    """The filled form as a PDF to print and stamp."""
    from yibao.cases.printing import application_form_pdf

    application = access_application_for_operator(request, application_id)
    response = HttpResponse(application_form_pdf(application), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{application.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@operator_required
def material_upload(request: OperatorRequest, application_id: int) -> HttpResponse:
    """附件上传 of one material (its row's form)."""
    application = access_application_for_operator(request, application_id)
    code = request.POST.get("code", "")
    form = MaterialUploadForm(request.POST, request.FILES, prefix=code)
    if form.is_valid():
        upload = request.FILES.get(f"{code}-file")
        try:
            services.material_upload(
                application=application,
                code=code,
                upload=form.cleaned_data["file"],
                original_name=getattr(upload, "name", "") or "",
                actor=hall_user(request),
                origin=RequestOrigin.from_request(request),
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "上传成功")
    else:
        for problem in form.errors.get("file", []):
            messages.error(request, str(problem))
    return redirect(reverse("cases:edit", args=[application.pk]) + "#materials")


@require_POST
@operator_required
def material_remove(request: OperatorRequest, application_id: int, material_id: int) -> HttpResponse:
    application = access_application_for_operator(request, application_id)
    material = access_material(application, material_id)
    try:
        services.material_remove(
            application=application,
            material_id=material.pk,
            actor=hall_user(request),
            origin=RequestOrigin.from_request(request),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已删除")
    return redirect(reverse("cases:edit", args=[application.pk]) + "#materials")


@operator_required
def material_file(request: OperatorRequest, application_id: int, material_id: int) -> HttpResponse:
    """An uploaded material, to those who may see the application (a PDF as a download)."""
    application = access_application_for_operator(request, application_id)
    material = access_material(application, material_id)
    return uploaded_file_response(
        material.file, material.content_type, f"{application.number}-{material.code}"
    )


@require_POST
@operator_required
def submit(request: OperatorRequest, application_id: int) -> HttpResponse:
    """保存: submit (or resubmit after 退回补正). A double click makes one application."""
    application = access_application_for_operator(request, application_id)
    try:
        application = services.application_submit(
            application=application,
            actor=hall_user(request),
            submit_key=request.POST.get("submit_key") or None,
            origin=RequestOrigin.from_request(request),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, application_outcome(application))
    return redirect("cases:edit", application_id=application.pk)
