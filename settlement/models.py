"""What the maker pays its outlets for in-warranty work (服务费结算): the settlement price list, a versioned
schedule like the fee schedules, and one warranty-cost claim per completed in-warranty order."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BilingualName, ChoiceLabels, Outlet
from core.words import read
from workorders.models import Product, WorkOrder

MONEY = {"max_digits": 10, "decimal_places": 2}


class SettlementPriceList(BilingualName):
    """A version of the maker's settlement price list (结算价目表). Drafts are edited; a published version is
    used from its effective date and never changes once a claim has used it: publish a new one."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    name = models.CharField(_("name"), max_length=100)
    effective_from = models.DateField(_("effective from"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    exchange_handling = models.DecimalField(_("exchange handling fee"), default=Decimal("0.00"), **MONEY)
    return_handling = models.DecimalField(_("return handling fee"), default=Decimal("0.00"), **MONEY)
    repeat_days = models.PositiveSmallIntegerField(
        _("repeat repair window (days)"),
        default=30,
        help_text=_("A second claim for the same product within this many days is held."),
    )
    part_return_days = models.PositiveSmallIntegerField(
        _("old parts shipped back within (days)"),
        default=15,
        help_text=_("A part replaced in warranty not shipped to the centre within this many days holds its claim."),
    )
    # Deductions per rule (扣款), taken from the outlet's monthly statement.
    deduct_callback_finding = models.DecimalField(
        _("deduction: a callback contradicts the engineer"), default=Decimal("0.00"), **MONEY
    )
    deduct_late_visit = models.DecimalField(_("deduction: a visit late"), default=Decimal("0.00"), **MONEY)
    deduct_complaint_upheld = models.DecimalField(
        _("deduction: a complaint upheld against the outlet"), default=Decimal("0.00"), **MONEY
    )
    in_use = models.BooleanField(_("used by claims"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("settlement price list")
        verbose_name_plural = _("settlement price lists")
        ordering = ["-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["effective_from"],
                condition=Q(status="published"),
                name="settlement_price_list_one_published_per_day",
                violation_error_message=_("Another published price list starts on that day."),
            ),
            models.CheckConstraint(
                condition=Q(
                    exchange_handling__gte=0,
                    return_handling__gte=0,
                    deduct_callback_finding__gte=0,
                    deduct_late_visit__gte=0,
                    deduct_complaint_upheld__gte=0,
                ),
                name="settlement_price_list_fees_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.effective_from})"

    @classmethod
    def in_force_on(cls, day) -> models.QuerySet:
        """The published versions from `day` back, the one in force first."""
        return cls.objects.filter(status=cls.Status.PUBLISHED, effective_from__lte=day).order_by("-effective_from")


class SettlementLabourRate(models.Model):
    """What the maker pays for the labour of one service type on one category, at the bench or on site."""

    class Place(models.TextChoices):
        BENCH = "bench", _("At the outlet")
        ONSITE = "onsite", _("On site")

    price_list = models.ForeignKey(SettlementPriceList, on_delete=models.CASCADE, related_name="labour_rates")
    category = models.SlugField(_("product category"), max_length=40)
    service_type = models.CharField(_("service type"), max_length=20, choices=WorkOrder.ServiceType.choices)
    place = models.CharField(_("where"), max_length=6, choices=Place.choices)
    amount = models.DecimalField(_("labour paid"), **MONEY)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("settlement labour rate")
        verbose_name_plural = _("settlement labour rates")
        ordering = ["category", "service_type", "place"]
        constraints = [
            models.UniqueConstraint(
                fields=["price_list", "category", "service_type", "place"], name="settlement_labour_rate_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="settlement_labour_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.category}/{self.service_type}/{self.place}: {self.amount}"


class DistanceBand(models.Model):
    """The travel paid for an on-site visit up to a distance (one way, from the outlet); the band without
    a limit covers every longer trip."""

    price_list = models.ForeignKey(SettlementPriceList, on_delete=models.CASCADE, related_name="distance_bands")
    up_to_km = models.PositiveSmallIntegerField(
        _("up to (km)"), null=True, blank=True, help_text=_("Blank: any farther.")
    )
    travel = models.DecimalField(_("travel paid"), **MONEY)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("distance band")
        verbose_name_plural = _("distance bands")
        ordering = [models.F("up_to_km").asc(nulls_last=True)]
        constraints = [
            models.UniqueConstraint(fields=["price_list", "up_to_km"], name="distance_band_unique"),
            models.UniqueConstraint(
                fields=["price_list"], condition=Q(up_to_km__isnull=True), name="distance_band_one_open_ended"
            ),
            models.CheckConstraint(condition=Q(travel__gte=0), name="distance_band_travel_not_negative"),
        ]

    def __str__(self) -> str:
        return f"≤{self.up_to_km or '∞'} km: {self.travel}"


class SettlementPartPrice(models.Model):
    """What the maker pays for a part used in warranty (the part codes of the fee schedules)."""

    price_list = models.ForeignKey(SettlementPriceList, on_delete=models.CASCADE, related_name="part_prices")
    code = models.SlugField(_("part code"), max_length=40)
    price = models.DecimalField(_("price paid"), **MONEY)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("settlement part price")
        verbose_name_plural = _("settlement part prices")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["price_list", "code"], name="settlement_part_price_unique"),
            models.CheckConstraint(condition=Q(price__gte=0), name="settlement_part_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.price}"


class WarrantyClaim(ChoiceLabels, models.Model):
    """What one completed in-warranty order costs the maker, made at the order's close, with the facts it
    relies on and the findings of the checks (settlement.rules) that hold it until they are cleared."""

    class Status(models.TextChoices):
        HELD = "held", _("Held")  # a check found something: the claim says what clears it
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    work_order = models.OneToOneField(
        WorkOrder, on_delete=models.PROTECT, related_name="claim", verbose_name=_("work order")
    )
    outlet = models.ForeignKey(  # indexed by the composite indexes below, which it leads
        Outlet, on_delete=models.PROTECT, related_name="+", verbose_name=_("outlet"), db_index=False
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", db_index=False, verbose_name=_("product")
    )
    price_list = models.ForeignKey(  # None until a price list is in force on the day of service
        SettlementPriceList,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("price list"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    claimed = models.DecimalField(_("claimed"), **MONEY)
    approved = models.DecimalField(_("approved"), null=True, blank=True, **MONEY)
    # What the claim relies on: the visit and its sign-off, the callback, the warranty decision.
    visit = models.ForeignKey(
        "dispatch.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("on-site visit"),
    )
    callback = models.ForeignKey(
        "followups.Callback",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("callback"),
    )
    distance_km = models.PositiveSmallIntegerField(_("distance (km)"), null=True, blank=True)
    in_warranty = models.BooleanField(_("in warranty by the decision"))
    warranty_end = models.DateField(_("warranty ends"), null=True, blank=True)
    service_day = models.DateField(_("day of service"))
    closed_at = models.DateTimeField(_("order closed at"))
    findings = models.JSONField(_("findings"), default=list, blank=True)  # [{"rule", "words", "clears"}]
    checked_at = models.DateTimeField(_("checked at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    statement = models.ForeignKey(  # the monthly statement that paid it: set when the statement is issued
        "SettlementStatement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("statement"),
    )
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)
    # The trail keeps what people decide and what the claim is worth; the findings are on the page as words.
    history = HistoricalRecords(excluded_fields=["findings", "checked_at"])

    class Meta:
        verbose_name = _("warranty-cost claim")
        verbose_name_plural = _("warranty-cost claims")
        permissions = [("decide_warrantyclaim", "Can approve, adjust or reject warranty-cost claims")]
        indexes = [
            # The list: an outlet's (or all) claims newest first, by status.
            models.Index(fields=["outlet", "status", "id"], name="claim_outlet_status"),
            models.Index(fields=["status", "id"], name="claim_status"),
            # A centre's list, read outlet by outlet (core.pagination.merged_keys_by_outlet).
            models.Index(fields=["outlet", "-id"], name="claim_outlet_recent"),
            # The repeat-repair check: the same product's claims by the time its order closed.
            models.Index(fields=["product", "closed_at"], name="claim_product_closed"),
            # What the next statement of an outlet takes: approved claims not yet on a statement.
            models.Index(
                fields=["outlet", "decided_at"],
                condition=Q(status="approved", statement__isnull=True),
                name="claim_to_settle",
            ),
            models.Index(fields=["statement"], name="claim_statement"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(claimed__gte=0), name="claim_claimed_not_negative"),
            models.CheckConstraint(
                condition=Q(status="approved", approved__gte=0, decided_at__isnull=False)
                | (~Q(status="approved") & Q(approved__isnull=True)),
                name="claim_approved_amount_with_approval",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_note=""), name="claim_rejection_has_a_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_order.number}"

    @property
    def adjusted(self) -> bool:
        return self.approved is not None and self.approved != self.claimed

    @property
    def finding_texts(self) -> list[tuple[str, str, str]]:
        """(rule, what was found, what clears it) in the reader's language."""
        return [(f["rule"], read(f["words"]), read(f["clears"])) for f in self.findings]


class ClaimLine(models.Model):
    """One priced line of a claim: labour, travel, a part, exchange or return handling."""

    class Kind(models.TextChoices):
        LABOUR = "labour", _("Labour")
        TRAVEL = "travel", _("Travel")
        PART = "part", _("Part")
        HANDLING = "handling", _("Exchange or return handling")

    claim = models.ForeignKey(WarrantyClaim, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=40, blank=True)
    words = models.JSONField(_("description"))  # core.words, read in each reader's language
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("claim line")
        verbose_name_plural = _("claim lines")
        ordering = ["claim", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(unit_price__gte=0, amount__gte=0), name="claim_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.text}: {self.amount}"

    @property
    def text(self) -> str:
        return read(self.words)


class PartShipment(ChoiceLabels, models.Model):
    """Old parts an outlet packs and sends to its centre (旧件返还), with the carrier's tracking number."""

    class Status(models.TextChoices):
        SHIPPED = "shipped", _("On the way")
        RECEIVED = "received", _("Received and inspected")

    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+", verbose_name=_("outlet"))
    centre = models.ForeignKey(
        "core.ServiceCentre", on_delete=models.PROTECT, related_name="+", verbose_name=_("centre")
    )
    carrier = models.CharField(_("carrier"), max_length=40)
    tracking_number = models.CharField(_("tracking number"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SHIPPED)
    shipped_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shipped_at = models.DateTimeField(_("shipped at"), auto_now_add=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("old-part shipment")
        verbose_name_plural = _("old-part shipments")
        permissions = [("receive_partshipment", "Can receive and inspect old-part shipments at the centre")]
        indexes = [
            models.Index(fields=["outlet", "status", "id"], name="shipment_outlet_status"),
            models.Index(fields=["centre", "status", "id"], name="shipment_centre_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"],
                name="shipment_tracking_unique",
                violation_error_message=_("This carrier's tracking number is on another shipment."),
            ),
            models.CheckConstraint(
                condition=Q(status="shipped", received_at__isnull=True)
                | Q(status="received", received_at__isnull=False),
                name="shipment_received_when_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}"


class ReturnTag(ChoiceLabels, models.Model):
    """The tag on one part replaced in warranty: made at the visit (or the bench repair), shipped to the centre,
    received and inspected there."""

    class Status(models.TextChoices):
        TAGGED = "tagged", _("To ship")
        SHIPPED = "shipped", _("Shipped")
        RECEIVED = "received", _("Received: as claimed")
        MISSING = "missing", _("Missing from the shipment")
        WRONG_PART = "wrong_part", _("Not the part claimed")
        NOT_FAULTY = "not_faulty", _("Not faulty")

    INSPECTED = (Status.RECEIVED, Status.MISSING, Status.WRONG_PART, Status.NOT_FAULTY)

    code = models.CharField(_("tag"), max_length=32)
    work_order = models.ForeignKey(  # indexed by return_tag_order
        WorkOrder, on_delete=models.PROTECT, related_name="return_tags", verbose_name=_("work order"), db_index=False
    )
    outlet = models.ForeignKey(  # indexed by the composite indexes below, which it leads
        Outlet, on_delete=models.PROTECT, related_name="+", verbose_name=_("outlet"), db_index=False
    )
    appointment = models.ForeignKey(
        "dispatch.Appointment", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("replaced by"),
        db_index=False,
    )
    part_code = models.CharField(_("part code"), max_length=40)
    due_on = models.DateField(_("to ship by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.TAGGED)
    shipment = models.ForeignKey(
        PartShipment, on_delete=models.PROTECT, null=True, blank=True, related_name="tags", verbose_name=_("shipment")
    )
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    inspection_note = models.TextField(_("inspection note"), blank=True)
    created_at = models.DateTimeField(_("tagged at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("old-part tag")
        verbose_name_plural = _("old-part tags")
        ordering = ["id"]
        indexes = [
            # The outlet's parts to ship (oldest due first) and the daily sweep of those overdue.
            models.Index(fields=["outlet", "status", "due_on"], name="return_tag_outlet_due"),
            models.Index(fields=["status", "due_on"], name="return_tag_due"),
            models.Index(fields=["work_order"], name="return_tag_order"),
            models.Index(fields=["engineer", "status"], name="return_tag_engineer"),
            # The API's list, newest first; a centre's read outlet by outlet (core.pagination.merged_keys_by_outlet).
            models.Index(fields=["outlet", "-id"], name="return_tag_outlet_recent"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="return_tag_code_unique"),
            models.CheckConstraint(
                condition=Q(status="tagged", shipment__isnull=True) | (~Q(status="tagged") & Q(shipment__isnull=False)),
                name="return_tag_shipped_in_a_shipment",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["tagged", "shipped"], inspected_at__isnull=True)
                | (~Q(status__in=["tagged", "shipped"]) & Q(inspected_at__isnull=False)),
                name="return_tag_inspected_when_inspected",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class SettlementStatement(ChoiceLabels, models.Model):
    """An outlet's monthly settlement (月结对账单): the claims approved and the deductions made up to the month's
    end not on an earlier statement. Issued by headquarters, then agreed or disputed by the outlet. Issued, it
    is frozen: what comes later goes on the next month's statement. A dispute gets headquarters' reply (the
    adjustments it agrees to go on the next month's statement) and the outlet answers again."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("Waiting for the outlet")
        AGREED = "agreed", _("Agreed by the outlet")
        DISPUTED = "disputed", _("Disputed by the outlet")

    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+", verbose_name=_("outlet"))
    month = models.DateField(_("month"))  # its first day
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ISSUED)
    claim_count = models.PositiveIntegerField(_("claims"))
    claims_total = models.DecimalField(_("claims approved"), **MONEY)
    deductions_total = models.DecimalField(_("deductions"), **MONEY)
    payable = models.DecimalField(_("payable"), max_digits=12, decimal_places=2)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    dispute_reason = models.TextField(_("why disputed"), blank=True)
    # Headquarters' answer to a dispute; the statement goes back to the outlet, whose next answer closes it.
    reply = models.TextField(_("headquarters' reply"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("settlement statement")
        verbose_name_plural = _("settlement statements")
        permissions = [
            ("issue_settlementstatement", "Can issue the monthly settlement statements"),
            ("answer_settlementstatement", "Can agree to or dispute the outlet's statement"),
        ]
        indexes = [models.Index(fields=["month", "outlet"], name="statement_month_outlet")]
        constraints = [
            models.UniqueConstraint(
                fields=["outlet", "month"],
                name="statement_one_per_outlet_month",
                violation_error_message=_("This outlet's statement for the month is issued already."),
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="statement_month_first_day"),
            models.CheckConstraint(
                condition=Q(payable=models.F("claims_total") - models.F("deductions_total")),
                name="statement_payable_is_claims_less_deductions",
            ),
            models.CheckConstraint(
                condition=~Q(status="disputed") | ~Q(dispute_reason=""), name="statement_dispute_has_a_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outlet} {self.month:%Y-%m}"


class Deduction(ChoiceLabels, models.Model):
    """An amount taken from an outlet's settlement by a rule of the price list, for one event."""

    class Rule(models.TextChoices):
        CALLBACK_FINDING = "callback_finding", _("A callback contradicted the engineer's record")
        LATE_VISIT = "late_visit", _("A visit was late")
        COMPLAINT_UPHELD = "complaint_upheld", _("A complaint upheld against the outlet")

    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+", verbose_name=_("outlet"))
    rule = models.CharField(_("rule"), max_length=20, choices=Rule.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    work_order = models.ForeignKey(
        WorkOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("work order")
    )
    source = models.CharField(max_length=60)  # the event, once: "callback:12", "visit:7", "complaint:3"
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)
    statement = models.ForeignKey(
        SettlementStatement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deductions",
        verbose_name=_("statement"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deduction")
        verbose_name_plural = _("deductions")
        indexes = [
            models.Index(
                fields=["outlet", "created_at"], condition=Q(statement__isnull=True), name="deduction_to_settle"
            ),
            models.Index(fields=["statement"], name="deduction_statement"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source"], name="deduction_once_per_event"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="deduction_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} {self.amount}"
