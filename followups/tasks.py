from celery import shared_task

from followups.services import callback_sweep, callbacks_seasonal


@shared_task(name="followups.tasks.sweep_callbacks", ignore_result=True, acks_late=True)
def sweep_callbacks() -> int:
    """Beat runs this every minute: callbacks that have come due go to the call queue."""
    return callback_sweep()


@shared_task(name="followups.tasks.seasonal_callbacks", ignore_result=True, acks_late=True)
def seasonal_callbacks() -> int:
    """Beat runs this every morning: seasonal care reminders whose day has come."""
    return callbacks_seasonal()
