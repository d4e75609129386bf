from celery import shared_task

from settlement.services import hold_overdue_returns as hold_overdue


@shared_task(name="settlement.tasks.hold_overdue_returns", ignore_result=True, acks_late=True)
def hold_overdue_returns() -> int:
    """Beat runs this every night: claims whose old parts are past their ship-by day are checked again."""
    return hold_overdue()
