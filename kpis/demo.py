"""The demo's KPI figures: made at once, so the dashboard has them before beat's first refresh."""

from kpis.services import figures_refresh_history


def seed() -> str:
    return f"KPI figures: {figures_refresh_history()} outlet-day rows"
