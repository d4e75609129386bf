import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from core import selectors, services
from core.audit import audit_trail_for
from core.decorators import refused, staff_page
from core.exports import FORMATS, csv_response, file_response, xlsx_response
from core.forms import ApiTokenForm, CentreForm, OutletForm, PasswordResetByAdminForm, StaffForm
from core.models import ExportJob, Outlet, SchedulerHeartbeat, ServiceCentre
from core.navigation import ROLE_HOME, home_url
from core.pagination import keyset_page_for
from core.roles import ROLE_DUTIES, Role
from core.scoping import visible_outlets, visible_staff
from core.sms import reply_opt_out


@login_required
def home(request):
    """Where login lands: each role's own home page."""
    return redirect(home_url(request.user))


def role_home(role: Role | None):
    """A view for one role's home page; other roles get 403."""

    @login_required
    def view(request):
        if request.user.role != role:
            raise PermissionDenied
        panels = (import_string(path)(request) for path in settings.HOME_PANELS)
        context = {
            "role": role,
            "duties": ROLE_DUTIES.get(role),
            "my_outlets": visible_outlets(request.user).select_related("centre")[:20],
            "panels": [panel for panel in panels if panel],
        }
        return render(request, "core/home.html", context)

    view.__name__ = f"home_{role.value if role else 'none'}"
    return view


ROLE_HOME_VIEWS = {url_name: role_home(role) for role, url_name in ROLE_HOME.items()}
home_none = role_home(None)


@require_POST
def language_switch(request):
    """Switch the interface language; it sticks in a cookie and on the user's profile."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES) and check_for_language(language):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language=language)
    return response


# --- Outlets --------------------------------------------------------------------------------


@staff_page(perm="core.view_outlet")
def outlet_list(request):
    page = keyset_page_for(request, selectors.outlet_list(user=request.user), key="code")
    return render(request, "core/outlet_list.html", {"page": page})


@staff_page(perm="core.view_outlet")
def outlet_detail(request, pk: int):
    outlet = get_object_or_404(selectors.outlet_list(user=request.user), pk=pk)
    return render(
        request, "core/outlet_detail.html", {"outlet": outlet, "trail": audit_trail_for(request.user, outlet)}
    )


def _save_outlet(request, outlet=None):
    form = OutletForm(request.POST or None, actor=request.user, initial=_outlet_initial(outlet))
    if request.method == "POST" and form.is_valid():
        try:
            outlet = services.outlet_save(outlet=outlet, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Outlet saved."))
            return redirect("outlet-detail", pk=outlet.pk)
    return render(
        request, "core/form_page.html", {"form": form, "title": _("Service outlet"), "back": reverse("outlet-list")}
    )


def _outlet_initial(outlet):
    if outlet is None:
        return {"is_active": True, "slip_paper": Outlet.SlipPaper.A4}
    fields = ("code", "name", "centre", "address", "phone", "slip_paper", "is_active")
    return {f: getattr(outlet, f) for f in fields}


@staff_page(perm="core.add_outlet")
def outlet_create(request):
    return _save_outlet(request)


@staff_page(perm="core.change_outlet")
def outlet_edit(request, pk: int):
    outlet = get_object_or_404(selectors.outlet_list(user=request.user), pk=pk)
    return _save_outlet(request, outlet)


# --- Staff ----------------------------------------------------------------------------------


@staff_page(perm="core.view_user")
def staff_list(request):
    page = keyset_page_for(request, selectors.staff_list(user=request.user), key="username")
    return render(request, "core/staff_list.html", {"page": page})


@staff_page(perm="core.view_user")
def staff_detail(request, pk: int):
    member = get_object_or_404(selectors.staff_list(user=request.user), pk=pk)
    return render(request, "core/staff_detail.html", {"member": member, "trail": audit_trail_for(request.user, member)})


@staff_page(perm="core.add_user")
def staff_create(request):
    form = StaffForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = services.user_create(
                username=data["username"],
                name=data["name"],
                password=data["password1"],
                role=Role(data["role"]),
                outlets=data["outlets"],
                centre=data["centre"],
                is_headquarters=data["is_headquarters"],
                phone=data["phone"] or "",
                staff_number=data["staff_number"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Staff member created."))
            return redirect("staff-detail", pk=member.pk)
    return render(
        request, "core/form_page.html", {"form": form, "title": _("New staff member"), "back": reverse("staff-list")}
    )


@staff_page(perm="core.change_user")
def staff_edit(request, pk: int):
    member = get_object_or_404(visible_staff(request.user), pk=pk)
    initial = {
        "name": member.name,
        "phone": member.phone,
        "staff_number": member.staff_number,
        "role": member.role,
        "outlets": list(member.outlets.all()),
        "centre": member.centre,
        "is_headquarters": member.is_headquarters,
        "is_active": member.is_active,
    }
    form = StaffForm(request.POST or None, actor=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                user=member,
                name=data["name"],
                role=Role(data["role"]),
                outlets=data["outlets"],
                centre=data["centre"],
                is_headquarters=data["is_headquarters"],
                is_active=data["is_active"],
                phone=data["phone"] or "",
                staff_number=data["staff_number"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Staff member saved."))
            return redirect("staff-detail", pk=member.pk)
    title = _("Edit %(name)s") % {"name": member.name}
    return render(
        request, "core/form_page.html", {"form": form, "title": title, "back": reverse("staff-detail", args=[pk])}
    )


@staff_page(perm="core.change_user")
def staff_set_password(request, pk: int):
    member = get_object_or_404(visible_staff(request.user), pk=pk)
    form = PasswordResetByAdminForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(user=member, password=form.cleaned_data["password1"], actor=request.user)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Password changed."))
            return redirect("staff-detail", pk=member.pk)
    title = _("New password for %(name)s") % {"name": member.name}
    return render(
        request, "core/form_page.html", {"form": form, "title": title, "back": reverse("staff-detail", args=[pk])}
    )


# --- Service centres (headquarters administration) -----------------------------------------


@staff_page(perm="core.change_servicecentre", headquarters=True)
def centre_list(request):
    return render(request, "core/centre_list.html", {"centres": selectors.centre_list()})


def _save_centre(request, centre=None):
    initial = (
        {"is_active": True}
        if centre is None
        else {"code": centre.code, "name": centre.name, "region": centre.region, "is_active": centre.is_active}
    )
    form = CentreForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.centre_save(centre=centre, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Service centre saved."))
            return redirect("centre-list")
    return render(
        request, "core/form_page.html", {"form": form, "title": _("Service centre"), "back": reverse("centre-list")}
    )


@staff_page(perm="core.add_servicecentre", headquarters=True)
def centre_create(request):
    return _save_centre(request)


@staff_page(perm="core.change_servicecentre", headquarters=True)
def centre_edit(request, pk: int):
    return _save_centre(request, get_object_or_404(ServiceCentre, pk=pk))


# --- System status --------------------------------------------------------------------------


@login_required
def system_status(request):
    """For admins: is the database reachable, is the scheduler ticking, which broker is used."""
    if request.user.role != Role.ADMIN:
        raise PermissionDenied
    beat = SchedulerHeartbeat.objects.filter(name="beat").first()
    context = {
        "database_vendor": connection.vendor,
        "broker": "Redis" if settings.REDIS_URL else _("embedded (files under var/)"),
        "beat": beat,
        "tick_seconds": settings.SCHEDULER_TICK_SECONDS,
    }
    return render(request, "core/system_status.html", context)


# --- One's own API tokens -------------------------------------------------------------------


@login_required
def api_tokens(request):
    """The signed-in user's API tokens: make one (shown once), see when each expires, revoke one or all."""
    form = ApiTokenForm(request.POST or None, initial={"days": settings.API_TOKEN_DAYS})
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            form = ApiTokenForm(initial={"days": settings.API_TOKEN_DAYS})
    return render(
        request,
        "core/api_tokens.html",
        {"form": form, "new_token": new_token, "tokens": selectors.api_tokens_of(request.user), "now": timezone.now()},
    )


@require_POST
@login_required
def api_token_revoke(request):
    count = services.api_token_revoke(user=request.user, token_key=request.POST.get("key") or None)
    messages.success(request, _("%(count)s token(s) revoked.") % {"count": count})
    return redirect("api-tokens")


# --- Exports --------------------------------------------------------------------------------------


@staff_page()
def export(request, name: str, fmt: str):
    """A list's export with the list's own query: streamed when small, else written by the worker while
    the page shows its progress (core.exports)."""
    if fmt not in FORMATS:
        raise Http404
    try:
        sheet = services.export_sheet(name=name, query=request.GET, user=request.user)
    except ValidationError as refusal:
        return refused(request, refusal)
    if sheet.count(settings.EXPORT_STREAM_LIMIT + 1) > settings.EXPORT_STREAM_LIMIT:
        job = services.export_job_start(name=name, fmt=fmt, query=request.GET, user=request.user)
        return redirect("export-job", pk=job.pk)
    return csv_response(sheet) if fmt == "csv" else xlsx_response(sheet, exported_by=request.user.name)


@staff_page()
def export_jobs(request):
    """One's own large exports of the last day: being written, ready to download, or failed."""
    jobs = ExportJob.objects.filter(owner=request.user, expires_at__gt=timezone.now()).order_by("-created_at")
    return render(request, "core/export_jobs.html", {"jobs": jobs[:50]})


def _own_export(request, pk: int) -> ExportJob:
    return get_object_or_404(ExportJob.objects.filter(owner=request.user), pk=pk)


@staff_page()
def export_job(request, pk: int):
    """A large export being written: its progress (the page asks again every two seconds) and, once
    written, the download."""
    job = _own_export(request, pk)
    template = "core/includes/export_progress.html" if request.htmx else "core/export_job.html"
    return render(request, template, {"job": job})


@staff_page()
def export_download(request, pk: int):
    return file_response(_own_export(request, pk))


@csrf_exempt  # posted by Tencent Cloud, not a browser: the secret in the address authenticates it
@require_POST
@ratelimit(key="ip", rate="120/m", block=True)
def sms_reply(request, secret: str):
    """A customer's SMS reply, as Tencent Cloud's reply callback posts it: "TD" opts the phone out (core.sms).
    An address without the configured secret is a plain 404."""
    if not settings.SMS_REPLY_SECRET or not constant_time_compare(secret, settings.SMS_REPLY_SECRET):
        raise Http404
    try:
        payload = json.loads(request.body)
    except ValueError:
        return JsonResponse({"result": 1, "errmsg": "invalid JSON"}, status=400)
    for reply in payload if isinstance(payload, list) else [payload]:
        if isinstance(reply, dict):
            reply_opt_out(reply)
    return JsonResponse({"result": 0, "errmsg": "OK"})


@login_required
def outlet_options(request):
    """The outlets an outlet picker offers for the words typed (OutletSearchSelect): the user's own, by code or
    name, twenty at most."""
    words = request.GET.get("q", "").strip()[:40]
    outlets = visible_outlets(request.user).order_by("code")
    if words:
        outlets = outlets.filter(Q(code__icontains=words) | Q(name__icontains=words))
    return JsonResponse(
        {"results": [{"value": pk, "text": name} for pk, name in outlets.values_list("pk", "name")[:20]]}
    )
