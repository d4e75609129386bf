from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints and feedback")

    def ready(self):
        from complaints.services import close_on_confirmation
        from followups.signals import callback_completed

        callback_completed.connect(close_on_confirmation, dispatch_uid="complaints-close-on-confirmation")
