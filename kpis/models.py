from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from core.models import Outlet
from workorders.models import ProductCategory


class Dashboard(models.Model):
    """No table: the figures are computed from the other apps' rows. This only holds the permission."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_kpis", _("Can see the service KPIs of their outlets"))]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


def _count(label):
    return models.PositiveIntegerField(label, default=0)


class Figures(models.Model):
    """The additive figures of one outlet and product category over a day (`OutletDay`) or a calendar
    month (`OutletMonth`), Asia/Shanghai. Each figure is counted on the day of its own event, named
    below; the category is the product's (none for rows without a product, which a category filter
    leaves out)."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(ProductCategory, on_delete=models.CASCADE, null=True, related_name="+")
    # 随叫随到 come when called: on-site requests by the day received (with their first contact and
    # the seconds it took; for those with a time the customer asked for, whether the first appointment
    # booked starts by then, and by how much it is later), visits by the day of their window,
    # reschedules by the day made.
    requests = _count(_("orders contacted"))
    wait = models.BigIntegerField(_("seconds to first contact"), default=0)
    asked = _count(_("orders with a time asked for"))
    asked_met = _count(_("first appointment by the time asked for"))
    asked_delay = models.BigIntegerField(_("seconds later than asked for"), default=0)
    visits = _count(_("visits"))
    on_time = _count(_("visits on time"))
    late_15 = _count(_("late 1-15 minutes"))
    late_30 = _count(_("late 16-30 minutes"))
    late_60 = _count(_("late 31-60 minutes"))
    late_more = _count(_("late over 60 minutes"))
    no_show = _count(_("customer not home"))
    reschedules = _count(_("reschedules"))
    customer_asked = _count(_("reschedules with the customer's agreement"))
    reassigns = _count(_("reassignments"))
    # 到了就好 fixed on arrival: orders by the day received.
    orders = _count(_("orders received"))
    onsite = _count(_("orders with a visit"))
    first_visit_fixed = _count(_("fixed at the first visit"))
    two_plus = _count(_("orders with 2+ visits"))
    pulled_back = _count(_("pulled back"))
    repeat_30 = _count(_("back within 30 days"))
    repeat_warranty = _count(_("repeat repairs within warranty"))
    # 创造感动 delight: sign-offs by the day of the visit, cards by the day of pickup, callbacks by
    # the day completed, praise by the day recorded.
    sign_offs = _count(_("sign-offs"))
    rated = _count(_("rated sign-offs"))
    quality_sum = _count(_("sum of quality ratings"))
    attitude_sum = _count(_("sum of attitude ratings"))
    satisfied = _count(_("satisfied at sign-off"))
    refused_to_sign = _count(_("not signed"))
    cards = _count(_("satisfaction cards"))
    card_sum = _count(_("sum of card ratings"))
    callbacks_reached = _count(_("callbacks reached"))
    callbacks_satisfied = _count(_("satisfied on callbacks"))
    praise = _count(_("praise"))
    # Callbacks by the day first due.
    callbacks_due = _count(_("callbacks due"))
    callbacks_on_time = _count(_("callbacks on time"))
    callbacks_done = _count(_("callbacks completed"))
    callbacks_failed = _count(_("callbacks failed"))
    callbacks_open = _count(_("callbacks open"))
    # Walk-ins by the day picked up; payments by the day received.
    picked_up = _count(_("walk-ins picked up"))
    to_ready = models.BigIntegerField(_("seconds from receipt to ready"), default=0)
    to_pickup = models.BigIntegerField(_("seconds from ready to pickup"), default=0)
    payments = _count(_("payments"))
    revenue = models.DecimalField(_("revenue"), max_digits=14, decimal_places=2, default=Decimal("0"))

    class Meta:
        abstract = True


class OutletDay(Figures):
    """One outlet's figures for one day. The dashboard sums these rows for any period instead of
    reading every order, visit and callback behind them. They are made by
    `kpis.services.figures_refresh`: the recent days every few minutes, a longer history every night."""

    day = models.DateField()

    class Meta:
        verbose_name = _("outlet day figures")
        verbose_name_plural = _("outlet day figures")
        indexes = [models.Index(fields=["outlet", "day"], name="outletday_outlet_day")]

    def __str__(self) -> str:
        return f"{self.outlet_id} {self.day}"


class OutletMonth(Figures):
    """The sum of an outlet's days of one calendar month (`month` is its first day), made again with
    them: a quarter is then 3 rows an outlet and category instead of 91 (the dashboard's sum of a
    centre's quarter 9 -> 1 ms here); the days of a period's unfinished months are still read as days."""

    month = models.DateField()

    class Meta:
        verbose_name = _("outlet month figures")
        verbose_name_plural = _("outlet month figures")
        indexes = [models.Index(fields=["outlet", "month"], name="outletmonth_outlet_month")]

    def __str__(self) -> str:
        return f"{self.outlet_id} {self.month:%Y-%m}"


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the month after the one `day` is in."""
    return (month_start(day) + timedelta(days=32)).replace(day=1)


# Every figure (what the dashboard sums).
FIGURES = [f.name for f in OutletDay._meta.concrete_fields if f.name not in ("id", "outlet", "day", "category")]


def figure_columns() -> list[str]:
    """The figures' columns in FIGURES' order, quoted, for the statements kpis writes itself over either
    table (both have the columns of `Figures`)."""
    quote = connection.ops.quote_name
    return [quote(OutletDay._meta.get_field(name).column) for name in FIGURES]


class FiguresRefresh(models.Model):
    """When the outlet-day figures were last made, and for which days (shown as "as of" on the page)."""

    class Kind(models.TextChoices):
        RECENT = "recent", _("Recent days")  # every few minutes
        HISTORY = "history", _("History")  # every night

    kind = models.CharField(max_length=10, choices=Kind.choices, primary_key=True)
    first_day = models.DateField()
    last_day = models.DateField()
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.kind}: {self.first_day}–{self.last_day} at {self.refreshed_at}"
