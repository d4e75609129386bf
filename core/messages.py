"""One way to tell the user a service refused an action when the page redirects."""

from django.contrib import messages


def flash_refusal(request, exc: Exception) -> None:
    """A service's ValidationError / PermissionDenied / ConflictError as error messages on the next page."""
    for message in getattr(exc, "messages", None) or [str(exc)]:
        messages.error(request, message)
