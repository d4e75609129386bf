from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = _("Callbacks")

    def ready(self):
        from core import reference
        from dispatch.signals import visit_signed_off
        from followups.models import CallbackPlan, CallingWindow
        from followups.services import (
            schedule_after_guidance_call,
            schedule_after_purchase,
            schedule_after_transition,
            schedule_after_visit,
        )
        from workorders.lifecycle import call_logged, product_registered, work_order_transitioned

        reference.kept_until_changed(CallbackPlan, CallingWindow)  # services.calling_windows, _enabled_plans

        work_order_transitioned.connect(schedule_after_transition, dispatch_uid="followups-after-transition")
        product_registered.connect(schedule_after_purchase, dispatch_uid="followups-after-purchase")
        visit_signed_off.connect(schedule_after_visit, dispatch_uid="followups-after-visit")
        call_logged.connect(schedule_after_guidance_call, dispatch_uid="followups-after-guidance-call")
