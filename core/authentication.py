"""DRF's authentication and throttling classes named in settings (imported while DRF loads its settings, so
they import no DRF views)."""

from django.conf import settings
from django.utils import timezone
from knox.auth import TokenAuthentication
from rest_framework import throttling


class ApiTokenAuthentication(TokenAuthentication):
    """knox's token authentication without its sweep of the user's other tokens on every request (a query
    each time); expired tokens are refused here and removed when the user makes a new one."""

    def _cleanup_token(self, auth_token) -> bool:
        return auth_token.expiry is not None and auth_token.expiry < timezone.now()


class _RatesFromSettings:
    """Rates read from settings.API_THROTTLE_RATES on each request (DRF reads its own once, at import)."""

    def get_rate(self):
        return settings.API_THROTTLE_RATES[self.scope]


class UserThrottle(_RatesFromSettings, throttling.UserRateThrottle):
    pass


class AnonThrottle(_RatesFromSettings, throttling.AnonRateThrottle):
    pass
