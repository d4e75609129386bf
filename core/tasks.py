from celery import shared_task

from core.services import export_job_run, exports_expire, scheduler_heartbeat_record


@shared_task(name="core.tasks.scheduler_heartbeat", ignore_result=True)
def scheduler_heartbeat() -> None:
    """Beat runs this every tick; the system status page shows the last one."""
    scheduler_heartbeat_record(name="beat")


@shared_task(name="core.tasks.send_notifications", ignore_result=True, acks_late=True)
def send_notifications() -> int:
    """Beat runs this every tick: messages waiting in the outbox are sent."""
    from core.notify import notifications_send

    return notifications_send()


@shared_task(name="core.tasks.export_run", ignore_result=True, acks_late=True)
def export_run(job_id: int) -> None:
    """An export too large for a request, written to its file (core.services.export_job_run)."""
    export_job_run(job_id=job_id)


@shared_task(name="core.tasks.expire_exports", ignore_result=True)
def expire_exports() -> int:
    """Beat, hourly: exported files are kept for a day."""
    return exports_expire()


@shared_task(name="core.tasks.clear_expired_sessions", ignore_result=True)
def clear_expired_sessions() -> None:
    """Beat, nightly: sessions past their age are deleted (Django leaves them in the table for ever)."""
    from core.sessions import SessionStore

    SessionStore.clear_expired()
