from celery import shared_task

from core.services import scheduler_heartbeat_record


@shared_task(name="core.tasks.scheduler_heartbeat", ignore_result=True)
def scheduler_heartbeat() -> None:
    """Beat runs this every tick; the system status page shows the last one."""
    scheduler_heartbeat_record(name="beat")


@shared_task(name="core.tasks.send_notifications", ignore_result=True, acks_late=True)
def send_notifications() -> int:
    """Beat runs this every tick: messages waiting in the outbox are sent."""
    from core.notify import notifications_send

    return notifications_send()
