from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.models import BilingualName, ChoiceLabels, Outlet, ServiceCentre
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


class Appointment(ChoiceLabels, models.Model):
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

    class Purpose(models.TextChoices):
        SERVICE = "service", _("Service visit")
        RETURN = "return", _("Return of a pulled-back product")

    LIVE = (Status.BOOKED, Status.ON_SITE, Status.DONE)  # these occupy the engineer's time

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="appointments")
    outlet = models.ForeignKey(  # indexed by the composite indexes below, which it leads
        Outlet, on_delete=models.PROTECT, related_name="+", verbose_name=_("outlet"), db_index=False
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("engineer")
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.BOOKED)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.SERVICE)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField(auto_now_add=True)
    # Before the visit
    confirmation = models.CharField(_("confirmation call"), max_length=12, choices=Confirmation.choices, blank=True)
    confirmation_note = models.TextField(_("confirmation note"), blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    travel_minutes = models.PositiveSmallIntegerField(_("travel time (minutes)"), null=True, blank=True)
    planned_departure_at = models.DateTimeField(_("planned departure"), null=True, blank=True)
    reassign_requested = models.TextField(_("reassignment asked for"), blank=True)  # the engineer's emergency
    loaner = models.ForeignKey(
        "LoanerUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("loaner taken along"),
    )
    # The visit
    departed_at = models.DateTimeField(_("departed"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True)
    started_at = models.DateTimeField(_("work started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("work finished"), null=True, blank=True)
    late_minutes = models.PositiveIntegerField(_("minutes late"), default=0)  # after the agreed time (starts_at)
    late_call_at = models.DateTimeField(_("customer told of the delay at"), null=True, blank=True)
    apology_made = models.BooleanField(_("apologised"), default=False)
    gift_given = models.BooleanField(_("small gift given"), default=False)
    outcome_note = models.TextField(_("outcome"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)  # the API's incremental sync
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "id"]
        permissions = [
            ("dispatch_appointment", _("Can book, reschedule and reassign appointments")),
            ("visit_appointment", _("Can record visits to own appointments")),
            ("reconcile_appointment", _("Can reconcile engineers' visits against their records")),
        ]
        indexes = [
            models.Index(fields=["engineer", "starts_at"], name="appt_engineer_start"),
            models.Index(fields=["outlet", "starts_at"], name="appt_outlet_start"),
            models.Index(fields=["work_order", "status"], name="appt_order_status"),
            models.Index(fields=["outlet", "updated_at"], name="appt_outlet_updated"),  # ?updated_since=
            # The API's list, newest first; a centre's read outlet by outlet (core.pagination.merged_keys_by_outlet).
            models.Index(fields=["outlet", "-id"], name="appt_outlet_recent"),
            # The dispatchers' "to act on" panel: the few booked visits someone asked to move.
            models.Index(
                fields=["outlet", "starts_at"],
                condition=Q(status="booked") & ~Q(reassign_requested=""),
                name="appt_flagged",
            ),
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
        indexes = [models.Index(fields=["at"], name="appt_change_at")]  # reschedules per period

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
    # Items not done, each with the engineer's reason (not applicable, ...): every item is answered at sign-off.
    checklist_not_done = models.JSONField(_("checklist items not done, and why"), default=dict, blank=True)
    proof = models.CharField(_("proof of purchase"), max_length=12, choices=Proof.choices, blank=True)
    parts_complete = models.BooleanField(_("parts complete and untampered"), default=True)
    tamper_note = models.TextField(_("missing parts or tampering found"), blank=True)
    tamper_acknowledged = models.BooleanField(_("customer acknowledged the finding"), default=False)
    diagnosis = models.TextField(_("diagnosis"), blank=True)
    human_damage = models.BooleanField(_("human damage found"), default=False)
    human_damage_acknowledged = models.BooleanField(_("customer acknowledged the damage"), default=False)
    fee_consent = models.BooleanField(_("customer consented to the charges before work"), default=False)
    # Damage the engineer caused in the home (floor, furniture, product) and the compensation agreed at its
    # price (照价赔偿): approved like any other compensation (complaints).
    home_damage = models.TextField(_("damage caused in the home"), blank=True)
    home_damage_compensation = models.DecimalField(
        _("compensation agreed (¥)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    card_prices = models.JSONField(_("prices on the warranty card"), default=dict, blank=True)  # code -> "60.00"
    parts_used = models.JSONField(_("parts used"), default=list, blank=True)  # [{"code", "quantity"}]
    actions = models.TextField(_("actions"), blank=True)
    # One way from the outlet: the maker pays travel by distance band (settlement).
    distance_km = models.PositiveSmallIntegerField(_("distance from the outlet (km)"), null=True, blank=True)
    test_run_result = models.TextField(_("test run and full inspection"), blank=True)
    no_test_run = models.BooleanField(_("no time for a test run"), default=False)  # a callback 2 hours later asks
    # Pull-back repair (拉修): the product goes to the bench with a signed receipt; a loaner may stay.
    pulled_back = models.BooleanField(_("pulled back for repair"), default=False)
    pull_back_condition = models.TextField(_("condition of the product taken"), blank=True)
    pull_back_accessories = models.TextField(_("accessories taken"), blank=True)
    pull_back_return_date = models.DateField(_("agreed return date"), null=True, blank=True)
    pull_back_signature = models.TextField(_("customer's signature on the receipt"), blank=True)
    loaner = models.ForeignKey(
        "LoanerUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("loaner left")
    )
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
        indexes = [
            models.Index(fields=["signed_off_at"], name="visit_signed_off"),  # ratings per period
            # Pull-backs are few: the KPI "fixed at the first visit" looks them up per order.
            models.Index(fields=["appointment"], condition=Q(pulled_back=True), name="visit_pulled_back"),
        ]
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


class Part(BilingualName):
    """A spare part in the catalogue; its price is the fee schedule's in force (by code)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    category = models.ForeignKey(
        ProductCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("category")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("spare part")
        verbose_name_plural = _("spare parts")
        ordering = ["code"]


class StockPlace(ChoiceLabels, models.Model):
    """Where parts are kept, in three levels: a centre's warehouse, an outlet, an engineer's van.

    Every place names its centre, and outlets and vans their outlet (a van's is the engineer's outlet
    when the van was first stocked), so one outlet or centre condition scopes every stock row."""

    class Level(models.TextChoices):
        CENTRE = "centre", _("Centre warehouse")
        OUTLET = "outlet", _("Outlet")
        VAN = "van", _("Engineer's van")

    level = models.CharField(_("level"), max_length=6, choices=Level.choices)
    centre = models.ForeignKey(ServiceCentre, on_delete=models.PROTECT, related_name="+", verbose_name=_("centre"))
    outlet = models.ForeignKey(
        Outlet, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("outlet")
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("engineer"),
    )

    class Meta:
        verbose_name = _("stock place")
        verbose_name_plural = _("stock places")
        constraints = [
            models.CheckConstraint(
                condition=Q(level="centre", outlet__isnull=True, engineer__isnull=True)
                | Q(level="outlet", outlet__isnull=False, engineer__isnull=True)
                | Q(level="van", outlet__isnull=False, engineer__isnull=False),
                name="stock_place_level_fields",
            ),
            models.UniqueConstraint(fields=["centre"], condition=Q(level="centre"), name="stock_place_one_warehouse"),
            models.UniqueConstraint(fields=["outlet"], condition=Q(level="outlet"), name="stock_place_one_per_outlet"),
            models.UniqueConstraint(fields=["engineer"], condition=Q(level="van"), name="stock_place_one_van"),
        ]

    def __str__(self) -> str:
        if self.level == self.Level.CENTRE:
            return _("%(centre)s warehouse") % {"centre": self.centre}
        if self.level == self.Level.VAN:
            return _("%(engineer)s's van") % {"engineer": self.engineer}
        return str(self.outlet)


class PartStock(ChoiceLabels, models.Model):
    """How many of a part a place holds in one bin; the database refuses a negative count.

    The good bin holds parts to fit; the defective bin the old parts taken out, on their way back up
    to the centre. An outlet's good bin may carry a reorder point: below it the part is to reorder."""

    class Bin(models.TextChoices):
        GOOD = "good", _("Good")
        DEFECTIVE = "defective", _("Defective")

    place = models.ForeignKey(StockPlace, on_delete=models.PROTECT, related_name="stock", verbose_name=_("place"))
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="stock", verbose_name=_("spare part"))
    bin = models.CharField(_("bin"), max_length=9, choices=Bin.choices, default=Bin.GOOD)
    quantity = models.IntegerField(_("in stock"), default=0)
    reorder_point = models.PositiveIntegerField(
        _("reorder point"), default=0, help_text=_("Reorder when stock and parts on their way fall below this.")
    )

    class Meta:
        verbose_name = _("parts stock")
        verbose_name_plural = _("parts stock")
        constraints = [
            models.UniqueConstraint(fields=["place", "part", "bin"], name="stock_place_part_bin_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="stock_not_negative"),
            models.CheckConstraint(
                condition=Q(reorder_point=0) | Q(bin="good"), name="stock_reorder_point_good_bin_only"
            ),
        ]
        indexes = [models.Index(fields=["part", "bin"], name="stock_part_bin")]

    def __str__(self) -> str:
        return f"{self.part_id}@{self.place_id}/{self.bin}: {self.quantity}"


class StockTransfer(ChoiceLabels, models.Model):
    """Parts moved between two places of one centre (调拨): requested, shipped (taken from the source),
    received (added at the destination); cancelled only before shipping."""

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("stock transfer", "Requested")
        SHIPPED = "shipped", pgettext_lazy("stock transfer", "Shipped")
        RECEIVED = "received", pgettext_lazy("stock transfer", "Received")
        CANCELLED = "cancelled", pgettext_lazy("stock transfer", "Cancelled")

    source = models.ForeignKey(StockPlace, on_delete=models.PROTECT, related_name="+", verbose_name=_("ship from"))
    destination = models.ForeignKey(StockPlace, on_delete=models.PROTECT, related_name="+", verbose_name=_("ship to"))
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+", verbose_name=_("spare part"))
    bin = models.CharField(_("bin"), max_length=9, choices=PartStock.Bin.choices, default=PartStock.Bin.GOOD)
    quantity = models.PositiveIntegerField(_("quantity"))
    status = models.CharField(_("status"), max_length=9, choices=Status.choices, default=Status.REQUESTED)
    tracking = models.CharField(_("tracking number"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stock transfer")
        verbose_name_plural = _("stock transfers")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="transfer_quantity_positive"),
            models.CheckConstraint(condition=~Q(source=F("destination")), name="transfer_between_two_places"),
        ]
        indexes = [
            models.Index(fields=["destination", "status", "part"], name="transfer_to_status"),
            models.Index(fields=["source", "status"], name="transfer_from_status"),
            models.Index(fields=["status", "-id"], name="transfer_status"),
        ]

    def __str__(self) -> str:
        return f"{self.part_id} ×{self.quantity} {self.source_id}→{self.destination_id} ({self.status})"


class StockMovement(ChoiceLabels, models.Model):
    """One change to one stock row, with the balance after it: the stock's history, never edited."""

    class Reason(models.TextChoices):
        RECEIVED = "received", _("Delivered by the maker")
        ISSUED = "issued", _("Issued for a job")
        RETURNED = "returned", _("Returned from a job")
        OLD_PART = "old_part", _("Old part taken out")
        SHIPPED = "shipped", _("Shipped to another place")
        ARRIVED = "arrived", _("Arrived from another place")
        COUNTED = "counted", _("Stock count corrected")

    stock = models.ForeignKey(PartStock, on_delete=models.PROTECT, related_name="movements")
    change = models.IntegerField(_("change"))
    balance = models.IntegerField(_("balance"))
    reason = models.CharField(_("reason"), max_length=9, choices=Reason.choices)
    requisition = models.ForeignKey(
        "PartRequisition", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    transfer = models.ForeignKey(StockTransfer, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        constraints = [
            models.CheckConstraint(condition=~Q(change=0), name="movement_changes_something"),
            models.CheckConstraint(condition=Q(balance__gte=0), name="movement_balance_not_negative"),
        ]
        indexes = [models.Index(fields=["stock", "-id"], name="movement_stock")]

    def __str__(self) -> str:
        return f"{self.stock_id} {self.change:+d} = {self.balance}"


class PartRequisition(models.Model):
    """Parts asked for a job (备件申领): requested, issued from the engineer's van or the outlet, then used
    or returned."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ISSUED = "issued", _("Issued")  # taken from stock, with the engineer
        USED = "used", _("Used")
        RETURNED = "returned", _("Returned to stock")
        CANCELLED = "cancelled", _("Cancelled")

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="part_requisitions")
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+", verbose_name=_("outlet"))
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+", verbose_name=_("spare part"))
    quantity = models.PositiveSmallIntegerField(_("quantity"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Where the parts were taken from at issue (the engineer's van, else the outlet): returns go back there.
    drawn_from = models.ForeignKey(
        StockPlace, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("taken from")
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("parts requisition")
        verbose_name_plural = _("parts requisitions")
        ordering = ["id"]
        permissions = [("issue_partrequisition", _("Can issue parts from stock"))]
        indexes = [
            models.Index(fields=["outlet", "status", "-id"], name="req_outlet_status"),
            models.Index(fields=["work_order", "status"], name="req_order_status"),
        ]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="req_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.part_id} ×{self.quantity} ({self.status})"


class LoanerUnit(models.Model):
    """A loaner unit (周转机) of an outlet, tracked by serial while it is with a customer."""

    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        OUT = "out", _("With a customer")
        IN_REPAIR = "in_repair", _("In repair")

    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+", verbose_name=_("outlet"))
    serial = models.CharField(_("serial / barcode / IMEI"), max_length=64, unique=True)
    description = models.CharField(_("description"), max_length=100)
    category = models.ForeignKey(
        ProductCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("category")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.AVAILABLE)
    work_order = models.ForeignKey(
        WorkOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="loaners", verbose_name=_("lent for")
    )
    lent_at = models.DateTimeField(_("lent at"), null=True, blank=True)
    due_back = models.DateField(_("due back"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("loaner unit")
        verbose_name_plural = _("loaner units")
        ordering = ["outlet", "serial"]
        indexes = [models.Index(fields=["outlet", "status", "due_back"], name="loaner_outlet_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="out", work_order__isnull=False, due_back__isnull=False)
                | (~Q(status="out") & Q(work_order__isnull=True)),
                name="loaner_out_has_order_and_due_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.description} {self.serial}"
