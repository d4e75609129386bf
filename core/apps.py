from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Staff, outlets and audit")

    def ready(self) -> None:
        # Security-event logging (logins, failures, lockouts); not a business step.
        from core import security  # noqa: F401
