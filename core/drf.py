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
from core.pagination import merged_keys_by_outlet, merges_by_outlet
from core.scoping import visible_outlet_ids


class Conflict(exceptions.APIException):
    status_code = 409
    default_code = "conflict"
    default_detail = "Conflict."


class KeysetPagination(CursorPagination):
    """Cursor (keyset) pagination: page 200 costs what page 1 costs. A view whose rows are scoped to the
    user's outlets by their `outlet` says `pages_by_outlet = True`: its pages forward, newest first, are then
    found outlet by outlet (core.pagination.merged_keys_by_outlet), as the browser's lists are."""

    ordering = "-pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        if getattr(view, "pages_by_outlet", False):
            queryset = self._found_by_outlet(queryset, request, view)
        return super().paginate_queryset(queryset, request, view)

    def _found_by_outlet(self, queryset, request, view):
        """The queryset narrowed to the page's rows (and the one after), found outlet by outlet; DRF then
        pages those as it would the whole. Pages back (a reversed cursor) and other orderings read plainly."""
        outlet_ids = visible_outlet_ids(request.user)
        cursor = self.decode_cursor(request)
        if not merges_by_outlet(outlet_ids) or self.get_ordering(request, queryset, view)[0] not in ("-pk", "-id"):
            return queryset
        if cursor is not None and (cursor.reverse or cursor.offset):
            return queryset
        key = queryset.model._meta.pk.attname
        newest = queryset.order_by(f"-{key}")
        if cursor is not None and cursor.position is not None:
            newest = newest.filter(**{f"{key}__lt": cursor.position})
        size = self.get_page_size(request) or self.page_size
        return queryset.filter(**{f"{key}__in": merged_keys_by_outlet(newest, key, outlet_ids, size + 1)})


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
