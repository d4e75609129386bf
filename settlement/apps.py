from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementConfig(AppConfig):
    name = "settlement"
    verbose_name = _("Maker settlement")

    def ready(self):
        from followups.signals import callback_completed
        from settlement.services import claim_on_transition, recheck_on_callback
        from workorders.lifecycle import work_order_transitioned

        work_order_transitioned.connect(claim_on_transition, dispatch_uid="settlement-claim-on-transition")
        callback_completed.connect(recheck_on_callback, dispatch_uid="settlement-recheck-on-callback")
