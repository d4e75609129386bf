"""The API's JSON parser (DEFAULT_PARSER_CLASSES). DRF imports it while it defines its views, so this module
imports no DRF view (core.drf does, for the exception handler)."""

import io

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser within Django's size limit (DRF reads the stream past it), and with a nesting too
    deep for Python's parser (a probe of 100,000 brackets) refused as bad JSON instead of a crash."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read(limit + 1 if limit is not None else -1) if stream is not None else b""
        if limit is not None and len(body) > limit:
            raise RequestDataTooBig(_("The request is too large."))
        try:
            return super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("JSON parse error - nested too deeply.")) from None
