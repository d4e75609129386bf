from celery import shared_task

from workorders.services import clocks_sweep


@shared_task(name="workorders.tasks.check_legal_clocks", ignore_result=True, acks_late=True)
def check_legal_clocks() -> int:
    """Beat runs this every morning: in-warranty orders whose parts or repair clock has passed its limit
    are decided again (the customer may now have the exchange)."""
    return clocks_sweep()
