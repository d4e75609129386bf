from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "dispatch"
    verbose_name = _("Dispatch and visits")

    def ready(self):
        from dispatch.services import free_engineers_of_cancelled_order
        from workorders.lifecycle import work_order_transitioned

        work_order_transitioned.connect(free_engineers_of_cancelled_order, dispatch_uid="dispatch-cancelled-order")
