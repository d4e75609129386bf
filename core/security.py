"""Security events in the `security` log: who, when, from where. Never passwords or tokens."""

import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

log = logging.getLogger("security")


def _client_ip(request) -> str:
    if request is None:
        return "-"
    return request.META.get("REMOTE_ADDR", "-")


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    log.info("login user=%s id=%s ip=%s", user.get_username(), user.pk, _client_ip(request))


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        log.info("logout user=%s id=%s ip=%s", user.get_username(), user.pk, _client_ip(request))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    log.warning("login_failed user=%s ip=%s", credentials.get("username", "-"), _client_ip(request))


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    log.warning("lockout user=%s ip=%s", username or "-", ip_address or "-")
