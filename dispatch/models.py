from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Outlet
from workorders.models import ProductCategory, WorkOrder


class EngineerProfile(models.Model):
    """What a dispatcher needs to know about a field engineer; their outlets are the user's."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="engineer_profile", verbose_name=_("engineer")
    )
    skills = models.ManyToManyField(ProductCategory, blank=True, related_name="+", verbose_name=_("product skills"))
    service_types = models.JSONField(_("service types"), default=list, blank=True)  # WorkOrder.ServiceType values
    work_start = models.TimeField(_("working hours from"), default=time(8, 30))
    work_end = models.TimeField(_("working hours until"), default=time(18, 0))
    days_off = models.JSONField(_("days off"), default=list, blank=True)  # weekday numbers, Monday = 0
    daily_capacity = models.PositiveSmallIntegerField(_("jobs per day"), default=8)
    base_area = models.CharField(_("base area"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("engineer profile")
        verbose_name_plural = _("engineer profiles")
        constraints = [
            models.CheckConstraint(condition=Q(work_end__gt=F("work_start")), name="engineer_hours_in_order"),
            models.CheckConstraint(condition=Q(daily_capacity__gte=1), name="engineer_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.user.name or self.user.username


class Appointment(models.Model):
    """A time window with one engineer for one work order, and the visit made in it.

    On PostgreSQL an exclusion constraint (migration 0002) makes overlapping live appointments of
    one engineer impossible; `services.appointment_book` checks first and explains.
    """

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")  # waiting for the visit
        ON_SITE = "on_site", _("Visit under way")  # departed, not yet finished
        DONE = "done", _("Visit done")  # the engineer finished the visit
        NO_SHOW = "no_show", _("Customer not home")  # not a completed visit; the order goes back to dispatch
        REFUSED = "refused", _("Service refused")  # the customer refused the engineer; escalated
        CANCELLED = "cancelled", _("Cancelled")

    class Confirmation(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed as booked")
        CHANGED = "changed", _("Customer asked for another time")
        NOT_REACHED = "not_reached", _("Customer not reached")

    LIVE = (Status.BOOKED, Status.ON_SITE, Status.DONE)  # these occupy the engineer's time

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="appointments")
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+", verbose_name=_("outlet"))
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("engineer")
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.BOOKED)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField(auto_now_add=True)
    # Before the visit
    confirmation = models.CharField(_("confirmation call"), max_length=12, choices=Confirmation.choices, blank=True)
    confirmation_note = models.TextField(_("confirmation note"), blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    travel_minutes = models.PositiveSmallIntegerField(_("travel time (minutes)"), null=True, blank=True)
    planned_departure_at = models.DateTimeField(_("planned departure"), null=True, blank=True)
    reassign_requested = models.TextField(_("reassignment asked for"), blank=True)  # the engineer's emergency
    # The visit
    departed_at = models.DateTimeField(_("departed"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True)
    started_at = models.DateTimeField(_("work started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("work finished"), null=True, blank=True)
    late_minutes = models.PositiveIntegerField(_("minutes late"), default=0)
    apology_made = models.BooleanField(_("apologised"), default=False)
    gift_given = models.BooleanField(_("small gift given"), default=False)
    outcome_note = models.TextField(_("outcome"), blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "id"]
        permissions = [
            ("dispatch_appointment", _("Can book, reschedule and reassign appointments")),
            ("visit_appointment", _("Can record visits to own appointments")),
        ]
        indexes = [
            models.Index(fields=["engineer", "starts_at"], name="appt_engineer_start"),
            models.Index(fields=["outlet", "starts_at"], name="appt_outlet_start"),
            models.Index(fields=["work_order", "status"], name="appt_order_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="appt_ends_after_start",
                violation_error_message=_("The window must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.starts_at:%Y-%m-%d %H:%M}"


class AppointmentChange(models.Model):
    """A reschedule (改约) or reassignment (改派): who, when, why, and whether the customer agreed."""

    class Kind(models.TextChoices):
        RESCHEDULE = "reschedule", _("Rescheduled")
        REASSIGN = "reassign", _("Reassigned")

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    from_engineer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    to_engineer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_starts_at = models.DateTimeField()
    from_ends_at = models.DateTimeField()
    to_starts_at = models.DateTimeField()
    to_ends_at = models.DateTimeField()
    reason = models.TextField(_("reason"))
    customer_agreed = models.BooleanField(_("customer agreed"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("appointment change")
        verbose_name_plural = _("appointment changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


# The visit checklist of the service rules (服务规范), recorded per visit.
CHECKLIST = {
    "service_id_shown": _("Service ID shown"),
    "fee_schedule_shown": _("Fee schedule shown"),
    "shoe_covers": _("Shoe covers worn"),
    "mat_cloth": _("Mat cloth laid"),
    "cleaning_cloth": _("Cleaning cloth used"),
    "test_run": _("Test run"),
    "usage_explained": _("Usage explained"),
    "site_cleaned": _("Site cleaned"),
    "full_inspection": _("Full inspection done"),
    "no_gifts_accepted": _("No gifts, food or drink accepted"),
}


class VisitReport(models.Model):
    """What the engineer found and did on site, and the customer's sign-off (签字确认)."""

    class Proof(models.TextChoices):
        PROOF_SEEN = "proof_seen", _("Proof of purchase seen")
        BARCODE = "barcode", _("No proof: barcode used")

    appointment = models.OneToOneField(Appointment, on_delete=models.PROTECT, related_name="report")
    checklist = models.JSONField(_("visit checklist"), default=dict, blank=True)  # CHECKLIST code -> bool
    proof = models.CharField(_("proof of purchase"), max_length=12, choices=Proof.choices, blank=True)
    parts_complete = models.BooleanField(_("parts complete and untampered"), default=True)
    tamper_note = models.TextField(_("missing parts or tampering found"), blank=True)
    tamper_acknowledged = models.BooleanField(_("customer acknowledged the finding"), default=False)
    diagnosis = models.TextField(_("diagnosis"), blank=True)
    human_damage = models.BooleanField(_("human damage found"), default=False)
    human_damage_acknowledged = models.BooleanField(_("customer acknowledged the damage"), default=False)
    fee_consent = models.BooleanField(_("customer consented to the charges before work"), default=False)
    parts_used = models.JSONField(_("parts used"), default=list, blank=True)  # [{"code", "quantity"}]
    actions = models.TextField(_("actions"), blank=True)
    test_run_result = models.TextField(_("test run and full inspection"), blank=True)
    # Sign-off
    rating_quality = models.PositiveSmallIntegerField(_("repair quality (1-5)"), null=True, blank=True)
    rating_attitude = models.PositiveSmallIntegerField(_("service attitude (1-5)"), null=True, blank=True)
    comment = models.TextField(_("customer's comment"), blank=True)
    signature = models.TextField(_("signature"), blank=True)  # PNG data URL from the screen
    signature_refused_reason = models.TextField(_("why the customer did not sign"), blank=True)
    satisfied = models.BooleanField(_("customer satisfied"), null=True)
    billed_later = models.BooleanField(_("charges billed later"), default=False)
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("visit report")
        verbose_name_plural = _("visit reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating_quality__isnull=True) | Q(rating_quality__gte=1, rating_quality__lte=5),
                name="visit_quality_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(rating_attitude__isnull=True) | Q(rating_attitude__gte=1, rating_attitude__lte=5),
                name="visit_attitude_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appointment}"
