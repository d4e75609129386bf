from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Staff, outlets and audit")

    def ready(self) -> None:
        # Security-event logging (logins, failures, lockouts), the access cache's generation renewed
        # on every change of a grant or an outlet, and the login page's language kept: signal receivers,
        # not business steps.
        from core import languages, permissions, schema, security  # noqa: F401
        from core.audit import keep_history_manager_classes

        keep_history_manager_classes()
        from core import reference
        from core.models import MessageTemplate

        reference.kept_until_changed(MessageTemplate)  # core.notify.render
