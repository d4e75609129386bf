from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import BilingualName, ChoiceLabels, Outlet
from core.roles import Role
from workorders.models import Customer, Product, ProductCategory, WorkOrder


class CallbackPlan(BilingualName):
    """One row of the callback table (DOMAIN "Callbacks"), as data an admin edits."""

    class Trigger(models.TextChoices):
        PURCHASE = "purchase", _("After purchase")  # a product with a purchase date is registered
        SERVICE_COMPLETED = "service_completed", _("After a service is completed")  # the order is handed back
        PHONE_GUIDANCE = "phone_guidance", _("After phone guidance")
        PHONE_ADJUSTMENT = "phone_adjustment", _("After a phone adjustment to observe")
        NO_TEST_RUN = "no_test_run", _("After a visit without a test run")
        UNCERTAIN_REPAIR = "uncertain_repair", _("After a repair the engineer is not sure of")
        SEASONAL = "seasonal", _("Seasonal care reminder")
        COMPLAINT_CONFIRMATION = "complaint_confirmation", _("To confirm a complaint is resolved")
        REMEDIAL = "remedial", _("Remedial: the customer contradicted the engineer's record")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    trigger = models.CharField(_("trigger"), max_length=25, choices=Trigger.choices)
    offset_minutes = models.PositiveIntegerField(_("due after (minutes)"))
    # A deadline ("72小时内"): the callback falls due after `offset_minutes` (the settling time) but
    # never so late that it cannot be made before the deadline; made after it, it is late in the KPIs.
    deadline_minutes = models.PositiveIntegerField(_("to be made within (minutes)"), null=True, blank=True)
    caller_role = models.CharField(_("who calls"), max_length=20, choices=Role.choices, default=Role.HOTLINE)
    script = models.TextField(_("script"))
    enabled = models.BooleanField(_("enabled"), default=True)
    max_attempts = models.PositiveSmallIntegerField(_("attempts before it fails"), default=3)
    retry_minutes = models.PositiveIntegerField(_("retry after (minutes)"), default=180)
    # Seasonal reminders: products of a category, on a day of the year.
    category = models.ForeignKey(
        ProductCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("category")
    )
    season_month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    season_day = models.PositiveSmallIntegerField(_("day"), null=True, blank=True)

    class Meta:
        verbose_name = _("callback plan")
        verbose_name_plural = _("callback plans")
        ordering = ["trigger", "offset_minutes"]
        constraints = [
            models.CheckConstraint(condition=Q(max_attempts__gte=1), name="plan_at_least_one_attempt"),
            models.CheckConstraint(
                condition=Q(deadline_minutes__isnull=True) | Q(deadline_minutes__gt=models.F("offset_minutes")),
                name="plan_deadline_after_offset",
                violation_error_message=_("The deadline must come after the time the callback falls due."),
            ),
            models.CheckConstraint(
                condition=~Q(trigger="seasonal")
                | Q(
                    category__isnull=False,
                    season_month__gte=1,
                    season_month__lte=12,
                    season_day__gte=1,
                    season_day__lte=31,
                ),
                name="plan_seasonal_has_category_and_date",
            ),
        ]


class CallingWindow(models.Model):
    """When customers may be called (Asia/Shanghai): never at rest or meal times or at night."""

    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("calling window")
        verbose_name_plural = _("calling windows")
        ordering = ["starts"]
        constraints = [models.CheckConstraint(condition=Q(ends__gt=models.F("starts")), name="window_in_order")]

    def __str__(self) -> str:
        return f"{self.starts:%H:%M}–{self.ends:%H:%M}"


DEFAULT_WINDOWS = [(time(9, 0), time(11, 30)), (time(14, 0), time(17, 30)), (time(19, 0), time(20, 30))]


class Callback(ChoiceLabels, models.Model):
    """One callback to make: a row with its due time is the truth; the sweep queues it when due."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")  # not due yet
        QUEUED = "queued", _("In the call queue")  # due: a clerk may take it
        CLAIMED = "claimed", _("Being called")  # a clerk has it (until claimed_until)
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")  # not reached after every attempt: for the supervisor
        CANCELLED = "cancelled", _("Cancelled")

    class Outcome(models.TextChoices):
        SATISFIED = "satisfied", _("Reached: satisfied")
        DISSATISFIED = "dissatisfied", _("Reached: not satisfied")
        FAULT_BACK = "fault_back", _("Reached: the fault is back")
        CONTRADICTS = "contradicts", _("Reached: contradicts the engineer's record")
        NOT_REACHED = "not_reached", _("Not reached")
        WRONG_NUMBER = "wrong_number", _("Wrong number")

    plan = models.ForeignKey(CallbackPlan, on_delete=models.PROTECT, related_name="+", verbose_name=_("plan"))
    # Every index is written again when a callback changes state (the sweep changes 100,000 at once), so
    # none is kept twice: outlet and customer lead the composite indexes below, and the key is unique
    # by a constraint (unique=True would add a second, LIKE-pattern index of 200 MB at a million orders).
    outlet = models.ForeignKey(
        Outlet, on_delete=models.PROTECT, related_name="+", verbose_name=_("outlet"), db_index=False
    )
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="callbacks", db_index=False)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="callbacks")
    due_at = models.DateTimeField(_("due"))
    first_due_at = models.DateTimeField(_("first due"))  # due_at moves with retries; the on-time rate needs this
    deadline_at = models.DateTimeField(_("to be made by"), null=True, blank=True)  # the plan's deadline, if any
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    idempotency_key = models.CharField(max_length=120)  # one callback per plan and trigger (a constraint)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    claimed_until = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=15, choices=Outcome.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    finding = models.BooleanField(_("finding for the supervisor"), default=False)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The API's incremental sync; the services' bulk updates (sweep, claim) set it themselves.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        permissions = [("view_callback_measures", _("Can see callback on-time and completion rates"))]
        indexes = [
            models.Index(fields=["outlet", "first_due_at"], name="callback_outlet_first_due"),
            # The sweep: only rows still waiting to come due.
            models.Index(fields=["due_at"], condition=Q(status="scheduled"), name="callback_scheduled_due"),
            # The call queue of an outlet, most urgent first; of the whole network for headquarters.
            models.Index(fields=["outlet", "status", "due_at"], name="callback_outlet_queue"),
            # The API's list of a centre, newest first, read outlet by outlet (core.pagination.merged_keys_by_outlet):
            # as `outlet IN (...) ORDER BY id DESC` a new centre's page read every callback backwards.
            models.Index(fields=["outlet", "-id"], name="callback_outlet_recent"),
            models.Index(
                fields=["due_at", "id"], condition=Q(status__in=["queued", "claimed"]), name="callback_queue_due"
            ),
            models.Index(fields=["customer", "status"], name="callback_customer_status"),
            models.Index(fields=["outlet", "completed_at"], name="callback_outlet_completed"),  # KPIs
            models.Index(fields=["outlet", "updated_at"], name="callback_outlet_updated"),  # ?updated_since=
            # The supervisor's findings: failed callbacks and contradicted records, newest first.
            models.Index(
                fields=["outlet", "-id"], condition=Q(status="failed") | Q(finding=True), name="callback_findings"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="callback_idempotency_key"),
            models.CheckConstraint(
                condition=~Q(status="claimed") | Q(claimed_by__isnull=False, claimed_until__isnull=False),
                name="callback_claimed_has_clerk",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.due_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def past_deadline(self) -> bool:
        """Still not made when its deadline has passed: from now on it counts as late."""
        return bool(self.deadline_at) and self.completed_at is None and self.deadline_at < timezone.now()


class CallbackAttempt(ChoiceLabels, models.Model):
    """Every call made for a callback, reached or not."""

    callback = models.ForeignKey(Callback, on_delete=models.CASCADE, related_name="calls")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=15, choices=Callback.Outcome.choices)
    notes = models.TextField(blank=True)

    class Meta:
        verbose_name = _("callback attempt")
        verbose_name_plural = _("callback attempts")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.callback_id} {self.outcome}"
