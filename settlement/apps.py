from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementConfig(AppConfig):
    name = "settlement"
    verbose_name = _("Maker settlement")

    def ready(self):
        from dispatch.signals import visit_signed_off
        from followups.signals import callback_completed
        from settlement.services import (
            claim_on_transition,
            deduct_on_callback,
            deduct_on_sign_off,
            recheck_on_callback,
            tag_on_bench_repair,
            tag_on_sign_off,
        )
        from workorders.lifecycle import work_order_transitioned

        work_order_transitioned.connect(tag_on_bench_repair, dispatch_uid="settlement-tag-on-bench-repair")
        work_order_transitioned.connect(claim_on_transition, dispatch_uid="settlement-claim-on-transition")
        visit_signed_off.connect(tag_on_sign_off, dispatch_uid="settlement-tag-on-sign-off")
        callback_completed.connect(recheck_on_callback, dispatch_uid="settlement-recheck-on-callback")
        visit_signed_off.connect(deduct_on_sign_off, dispatch_uid="settlement-deduct-on-sign-off")
        callback_completed.connect(deduct_on_callback, dispatch_uid="settlement-deduct-on-callback")
