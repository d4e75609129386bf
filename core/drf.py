"""DRF plumbing named in settings: keyset pagination and the one error shape.

Kept apart from the API views so that DRF can import it while loading its own settings.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ConflictError


class Conflict(exceptions.APIException):
    status_code = 409
    default_code = "conflict"
    default_detail = "Conflict."


class KeysetPagination(CursorPagination):
    """Cursor (keyset) pagination: page 200 costs what page 1 costs."""

    ordering = "-pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc, context):
    """Every API error is {"error": {"status", "code", "message", "fields"}}.

    Domain errors raised by services (Django ValidationError / PermissionDenied) get the same
    shape as DRF's own, with field-level messages where the service named a field.
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, ConflictError):
        exc = Conflict(str(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    fields: dict = {}
    if isinstance(exc, exceptions.ValidationError) and isinstance(response.data, dict):
        fields = {key: _as_messages(value) for key, value in response.data.items()}
        message = _("Please correct the fields marked.")
        non_field = fields.pop("non_field_errors", None)
        if non_field:
            message = " ".join(non_field)
        code = "invalid"
    elif isinstance(exc, exceptions.ValidationError):
        message, code = " ".join(_as_messages(response.data)), "invalid"
    else:
        detail = getattr(exc, "detail", "")
        message = str(detail)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    response.data = {"error": {"status": response.status_code, "code": code, "message": message, "fields": fields}}
    return response


def _as_messages(value) -> list:
    if isinstance(value, list):
        out = []
        for item in value:
            out.extend(_as_messages(item) if isinstance(item, list | dict) else [str(item)])
        return out
    if isinstance(value, dict):
        return [f"{k}: {m}" for k, v in value.items() for m in _as_messages(v)]
    return [str(value)]
