from celery import shared_task

from kpis.services import figures_refresh_history, figures_refresh_recent


@shared_task(name="kpis.tasks.refresh_recent_figures", ignore_result=True, acks_late=True)
def refresh_recent_figures() -> int:
    """Beat runs this every KPI_REFRESH_SECONDS: the dashboard's figures of the recent days."""
    return figures_refresh_recent()


@shared_task(name="kpis.tasks.refresh_figures_history", ignore_result=True, acks_late=True)
def refresh_figures_history() -> int:
    """Beat runs this every night: the figures of the longer history."""
    return figures_refresh_history()
