"""DRF's authentication and throttling classes named in settings (imported while DRF loads its settings, so
they import no DRF views)."""

from functools import cache
from hmac import compare_digest
from typing import NamedTuple

from django.conf import settings
from django.db import connections, router
from django.db.models.expressions import Col
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
    db = router.db_for_read(ApiToken)
    query = _token_query(db)
    connection = connections[db]
    with connection.cursor() as cursor:
        cursor.execute(query.sql, [token_key])
        rows = cursor.fetchall()
    tokens = []
    for row in rows:
        values = list(row)
        for index, converters, column in query.converters:
            for convert in converters:
                values[index] = convert(values[index], column, connection)
        split = len(query.token_fields)
        api_token = ApiToken.from_db(db, query.token_fields, values[:split])
        api_token.user = User.from_db(db, query.user_fields, values[split:])
        tokens.append(api_token)
    return tokens


class _TokenQuery(NamedTuple):
    sql: str
    token_fields: list[str]
    user_fields: list[str]
    converters: list[tuple[int, list, Col]]  # what the ORM does to a value read, where it does something


@cache
def _token_query(db: str) -> _TokenQuery:
    connection = connections[db]
    quote = connection.ops.quote_name
    token_fields, user_fields = ApiToken._meta.concrete_fields, User._meta.concrete_fields
    columns = [field.get_col("t") for field in token_fields] + [field.get_col("u") for field in user_fields]
    user_id, token_key = (ApiToken._meta.get_field(name).column for name in ("user", "token_key"))
    sql = (
        f"SELECT {', '.join(f'{col.alias}.{quote(col.target.column)}' for col in columns)}"  # noqa: S608 (the models' names)
        f" FROM {quote(ApiToken._meta.db_table)} t JOIN {quote(User._meta.db_table)} u"
        f" ON u.{quote(User._meta.pk.column)} = t.{quote(user_id)} WHERE t.{quote(token_key)} = %s"
    )
    # As the ORM's compiler applies them (SQLite's datetimes made aware and 0/1 made booleans, a phone parsed).
    converters = [
        (index, found, column)
        for index, column in enumerate(columns)
        if (found := connection.ops.get_db_converters(column) + column.get_db_converters(connection))
    ]
    return _TokenQuery(sql, [f.attname for f in token_fields], [f.attname for f in user_fields], converters)


class _RatesFromSettings:
    """Rates read from settings.API_THROTTLE_RATES on each request (DRF reads its own once, at import)."""

    def get_rate(self):
        return settings.API_THROTTLE_RATES[self.scope]


class UserThrottle(_RatesFromSettings, throttling.UserRateThrottle):
    pass


class AnonThrottle(_RatesFromSettings, throttling.AnonRateThrottle):
    pass
