"""One way to tell the user a service refused an action when the page redirects."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError

from core.errors import ConflictError

SERVICE_REFUSALS = (ValidationError, PermissionDenied, ConflictError)


def flash_refusal(request, exc: Exception) -> None:
    """A service's ValidationError / PermissionDenied / ConflictError as error messages on the next page."""
    for message in getattr(exc, "messages", None) or [str(exc)]:
        messages.error(request, message)


def flash_form_errors(request, form) -> None:
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))


def act_and_flash(request, form, service, *, success: str, **arguments) -> bool:
    """A small form posted from a page that redirects back: call `service` with the form's values (and
    `arguments`, the actor added) and say how it went as a message on the next page. True when it acted."""
    if not form.is_valid():
        flash_form_errors(request, form)
        return False
    return call_and_flash(request, service, success=success, **arguments, **form.cleaned_data)


def call_and_flash(request, service, *, success: str, **arguments) -> bool:
    """Call `service` (the actor added) and say how it went as a message on the next page. True when it acted."""
    try:
        service(actor=request.user, **arguments)
    except SERVICE_REFUSALS as exc:
        flash_refusal(request, exc)
        return False
    messages.success(request, success)
    return True
