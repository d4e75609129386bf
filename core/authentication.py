"""DRF's authentication and throttling classes named in settings (imported while DRF loads its settings, so
they import no DRF views)."""

from functools import cache
from hmac import compare_digest

from django.conf import settings
from django.db import connections, router
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from rest_framework import exceptions, throttling

from core.models import ApiToken, User


class ApiTokenAuthentication(TokenAuthentication):
    """knox's token authentication, its read of the token and its user in one statement written once.

    knox builds the same query with the ORM on every API request: half a millisecond of Python for a tenth
    of one in the database, the largest single cost of an intake after the order itself (BENCHMARKS.md).
    Expired tokens are refused here and removed when the user makes a new one (knox would sweep the user's
    other tokens on every request, a query each time). Tokens are not renewed on use (knox's AUTO_REFRESH
    is off)."""

    def authenticate_credentials(self, token: bytes):
        try:
            text = token.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        digest = hash_token(text)
        for api_token in _tokens_with_key(text[: CONSTANTS.TOKEN_KEY_LENGTH]):
            if compare_digest(digest, api_token.digest):
                if api_token.expiry is not None and api_token.expiry < timezone.now():
                    break
                return self.validate_user(api_token)
        raise exceptions.AuthenticationFailed(_("Invalid token."))


def _tokens_with_key(token_key: str) -> list[ApiToken]:
    """The tokens whose first characters are `token_key` (one, in practice), each with its user."""
    sql, token_fields, user_fields = _token_query()
    db = router.db_for_read(ApiToken)
    with connections[db].cursor() as cursor:
        cursor.execute(sql, [token_key])
        rows = cursor.fetchall()
    tokens = []
    for row in rows:
        api_token = ApiToken.from_db(db, token_fields, row[: len(token_fields)])
        api_token.user = User.from_db(db, user_fields, row[len(token_fields) :])
        tokens.append(api_token)
    return tokens


@cache
def _token_query() -> tuple[str, list[str], list[str]]:
    token_columns = [(f.attname, f.column) for f in ApiToken._meta.concrete_fields]
    user_columns = [(f.attname, f.column) for f in User._meta.concrete_fields]
    quote = connections["default"].ops.quote_name
    user_id, token_key = (quote(ApiToken._meta.get_field(name).column) for name in ("user", "token_key"))
    select = [f"t.{quote(column)}" for _name, column in token_columns] + [
        f"u.{quote(column)}" for _n, column in user_columns
    ]
    sql = (
        f"SELECT {', '.join(select)} FROM {quote(ApiToken._meta.db_table)} t"  # noqa: S608 (the models' names)
        f" JOIN {quote(User._meta.db_table)} u ON u.{quote(User._meta.pk.column)} = t.{user_id}"
        f" WHERE t.{token_key} = %s"
    )
    return sql, [name for name, _c in token_columns], [name for name, _c in user_columns]


class _RatesFromSettings:
    """Rates read from settings.API_THROTTLE_RATES on each request (DRF reads its own once, at import)."""

    def get_rate(self):
        return settings.API_THROTTLE_RATES[self.scope]


class UserThrottle(_RatesFromSettings, throttling.UserRateThrottle):
    pass


class AnonThrottle(_RatesFromSettings, throttling.AnonRateThrottle):
    pass
