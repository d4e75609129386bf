from django.core.exceptions import BadRequest
from django.utils import translation
from django.utils.translation import gettext as _


class UserLanguageMiddleware:
    """A signed-in user's saved language wins over the cookie, so the choice follows them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class RefuseNulBytesMiddleware:
    """A NUL byte in a query parameter is refused with 400: PostgreSQL cannot hold one in a text, so it
    would fail deep in a query (forms and serializers refuse it in a body already)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "%00" in request.META.get("QUERY_STRING", "") and any(
            "\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values
        ):
            raise BadRequest(_("The request holds a NUL character."))
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: private, no-store` on what a signed-in user sees and on every API answer: a shared
    computer's browser or a proxy keeps no copy of a customer's data, a print or an export."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/api/"):
            response["Cache-Control"] = "private, no-store"
        return response
