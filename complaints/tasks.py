from celery import shared_task

from complaints.services import cases_escalate_overdue


@shared_task(name="complaints.tasks.escalate_overdue_cases", ignore_result=True, acks_late=True)
def escalate_overdue_cases() -> int:
    """Beat runs this every tick: complaint cases that missed a deadline go to a supervisor."""
    return cases_escalate_overdue()
