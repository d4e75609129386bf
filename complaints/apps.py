from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints and feedback")

    def ready(self):
        from complaints.services import close_on_confirmation, compensate_home_damage
        from dispatch.signals import home_damage_recorded
        from followups.signals import callback_completed

        callback_completed.connect(close_on_confirmation, dispatch_uid="complaints-close-on-confirmation")
        home_damage_recorded.connect(compensate_home_damage, dispatch_uid="complaints-compensate-home-damage")
