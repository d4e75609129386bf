from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from core.errors import ConflictError
from core.messages import flash_refusal


def staff_page(*, perm: str | None = None, headquarters: bool = False):
    """Anonymous users go to the login page; signed-in users without `perm` get 403.

    A service's refusal that the view did not turn into a form error itself (a race lost between reading
    the page and sending it, say) becomes a message on the page the user came from, never a 500.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if perm and not user.has_perm(perm):
                raise PermissionDenied
            if headquarters and not (user.is_superuser or user.is_headquarters):
                raise PermissionDenied
            if request.method != "POST":
                return view(request, *args, **kwargs)
            try:
                return view(request, *args, **kwargs)
            except (ValidationError, ConflictError) as refusal:
                return refused(request, refusal)

        return login_required(wrapped)

    return decorator


def refused(request, refusal: ValidationError | ConflictError):
    """The refusal as an error message, shown on the page the request came from."""
    flash_refusal(request, refusal)
    if request.headers.get("HX-Request"):
        return HttpResponse(status=200, headers={"HX-Refresh": "true"})
    back = request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect("home")
