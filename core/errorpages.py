"""Django's error handlers (config.urls handler400/403/404/500): pages for the browser, and under /api/
the API's one error shape, {"error": {"status", "code", "message", "fields"}}, whatever went wrong."""

from django.core.exceptions import BadRequest, RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults


def api_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"status": status, "code": code, "message": message, "fields": {}}}, status=status)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        status, code, message = 413, "too_large", _("The request is too large.")
    elif isinstance(exception, BadRequest) and str(exception):
        status, code, message = 400, "bad_request", str(exception)
    else:
        status, code, message = 400, "bad_request", _("The request could not be understood.")
    if _is_api(request):
        return api_error(status, code, message)
    return render(request, "400.html", {"message": message}, status=status)


def permission_denied(request, exception=None):
    if _is_api(request):
        return api_error(403, "permission_denied", _("You do not have permission to perform this action."))
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if _is_api(request):
        return api_error(404, "not_found", _("Not found."))
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return api_error(500, "server_error", _("The action did not complete; please try again later."))
    return defaults.server_error(request)
