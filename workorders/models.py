from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from core.models import BilingualName, ChoiceLabels, Outlet
from core.words import read
from warranty.engine import WHOLE_UNIT
from workorders.lifecycle import SWAPPABLE, Status

COMPLAINT_RISK_AFTER = 2  # earlier orders of the unit for the same fault that make a complaint risk


class ProductCategory(BilingualName):
    """A product category (手机, 空调, ...) and the 三包 policy its products follow."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    warranty_policy = models.ForeignKey(
        "warranty.WarrantyPolicy", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("warranty policy")
    )

    class Meta:
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        ordering = ["code"]


class Customer(models.Model):
    """A customer (客户档案). Any outlet serves any customer (全国联保)."""

    name = models.CharField(_("name"), max_length=100)
    notes = models.TextField(_("notes"), blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    outlet = models.ForeignKey(
        Outlet, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered at outlet")
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # History is read by customer (core.audit): its copies of the other indexed columns go unindexed, two index
    # writes fewer an intake of a new customer.
    history = HistoricalRecords(no_db_index=["outlet", "created_by"])

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    def message_phone(self) -> str:
        """The number messages go to: the primary phone, else the first one ("" when there is none)."""
        number = self.phones.order_by("-is_primary", "id").values_list("number", flat=True).first()
        return str(number) if number else ""


class CustomerPhone(models.Model):
    # Indexed by customer_phone_unique (customer, number), which it leads.
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="phones", db_index=False)
    number = PhoneNumberField(_("phone"), db_index=True)
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        verbose_name = _("customer phone")
        verbose_name_plural = _("customer phones")
        ordering = ["-is_primary", "id"]
        constraints = [models.UniqueConstraint(fields=["customer", "number"], name="customer_phone_unique")]

    def __str__(self) -> str:
        return str(self.number)


class CustomerAddress(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    address = models.CharField(_("address"), max_length=255)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("customer address")
        verbose_name_plural = _("customer addresses")
        ordering = ["-is_default", "id"]

    def __str__(self) -> str:
        return self.address


class Product(models.Model):
    """A product a customer owns."""

    class Proof(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        WARRANTY_CARD = "warranty_card", _("Warranty card")
        NONE = "none", _("None")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="products")
    category = models.ForeignKey(ProductCategory, on_delete=models.PROTECT, verbose_name=_("category"))
    brand = models.CharField(_("brand"), max_length=60)
    model = models.CharField(_("model"), max_length=80, blank=True)
    serial = models.CharField(_("serial / barcode / IMEI"), max_length=64, blank=True, db_index=True)
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    proof = models.CharField(_("proof of purchase"), max_length=20, choices=Proof.choices, default=Proof.NONE)
    production_date = models.DateField(_("production date (from the serial)"), null=True, blank=True)
    dealer = models.CharField(_("dealer"), max_length=100, blank=True)
    installation_date = models.DateField(_("installation date"), null=True, blank=True)
    price = models.DecimalField(_("price paid"), max_digits=10, decimal_places=2, null=True, blank=True)
    # A unit given in exchange (三包 换货): its periods start on this day, not on the purchase date.
    replaced_on = models.DateField(_("given in exchange on"), null=True, blank=True)
    # Taken back by an outlet on a return or an exchange (UnitSwap): the customer no longer has it.
    taken_back_on = models.DateField(_("taken back on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(no_db_index=["customer", "category", "serial"])  # read by product (core.audit)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return " ".join(filter(None, [self.brand, self.model])) or str(self.category)


FAULT_TYPES = [
    ("performance", _("Performance fault")),
    ("human_damage", _("Human, water or drop damage")),
    ("no_fault", _("No fault found")),
]

# What intake may lack before an engineer can be sent (WorkOrder.missing_info holds the codes).
MISSING_LABELS = {
    "address": _("address"),
    "phone": _("phone"),
    "model": _("model"),
    "purchase_date": _("purchase date"),
    "fault": _("clear fault description"),
}


class WorkOrder(ChoiceLabels, models.Model):
    """One service request, owned by one person from intake to closure (一票到底)."""

    class Channel(models.TextChoices):
        WALK_IN = "walk_in", _("Walk-in")
        HOTLINE = "hotline", _("Hotline call")
        ONSITE_REQUEST = "onsite_request", _("On-site request")
        DEALER = "dealer", _("Dealer")
        SELF_SERVICE = "self_service", _("Self-service (customer's page)")
        OTHER = "other", _("Other")

    class ServiceType(models.TextChoices):
        REPAIR = "repair", _("Repair")
        INSTALLATION = "installation", _("Installation")
        MAINTENANCE = "maintenance", _("Maintenance")
        SOFTWARE_ADJUSTMENT = "software_adjustment", _("Software adjustment")
        CONSULTATION = "consultation", _("Consultation")

    class Priority(models.TextChoices):
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")

    # Every index is written on each intake and each change of state: none is kept twice. Outlet, owner and
    # product lead the composite indexes in Meta; the unique columns are unique by constraints (unique=True
    # adds a second, LIKE-pattern index that exact lookups never use); the policy version, fee schedule and
    # approver are looked up from the order, never the other way round.
    number = models.CharField(_("number"), max_length=20)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    service_type = models.CharField(_("service type"), max_length=20, choices=ServiceType.choices)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    outlet = models.ForeignKey(
        Outlet, on_delete=models.PROTECT, related_name="+", verbose_name=_("outlet"), db_index=False
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible"),
        db_index=False,
    )
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="work_orders")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="work_orders", db_index=False)
    fault_description = models.TextField(_("fault as described"))
    requested_time = models.DateTimeField(_("time the customer asked for"), null=True, blank=True)
    requirements = models.TextField(_("customer's requirements"), blank=True)
    address = models.CharField(_("service address"), max_length=255, blank=True)
    missing_info = models.JSONField(_("missing information"), default=list, blank=True)
    # Warranty decision, stored with the policy version and dates so later edits never change it.
    warranty_version = models.ForeignKey(
        "warranty.PolicyVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    warranty_options = models.JSONField(_("warranty options"), default=list, blank=True)
    warranty_reasons = models.JSONField(_("warranty reasons"), default=list, blank=True)
    warranty_end = models.DateField(_("warranty ends"), null=True, blank=True)
    in_warranty = models.BooleanField(_("in warranty"), default=False)
    # The facts the decision rests on besides the product's: what kind of fault, of which part (the
    # component's own warranty; repeats count per component), and what the decision counted.
    fault_type = models.CharField(_("fault type"), max_length=20, choices=FAULT_TYPES, default="performance")
    fault_component = models.CharField(_("faulty part"), max_length=40, default=WHOLE_UNIT)
    warranty_counted = models.JSONField(_("earlier repairs counted"), default=list, blank=True)
    # The legal clocks (workorders/clocks.py) as last read, and the first day a running one is past its
    # limit: the supervisor's home lists the orders whose day is near.
    parts_wait_days = models.PositiveIntegerField(_("days waiting for parts"), default=0)
    repairer_days = models.PositiveIntegerField(_("days of repairer delay"), default=0)
    clock_limit_on = models.DateField(_("legal clock runs out on"), null=True, blank=True)
    # Earlier orders of the same unit for the same faulty part (DOMAIN "Complaints": two or more make the
    # customer a complaint risk, flagged at intake before any complaint).
    same_fault_orders = models.PositiveSmallIntegerField(_("earlier orders for the same fault"), default=0)
    repaired_at = models.DateTimeField(_("repaired at"), null=True, blank=True)  # the repair guarantee runs from it
    data_loss_acknowledged = models.BooleanField(_("data-loss warning acknowledged"), default=False)
    damage_waiver_required = models.BooleanField(_("water/drop damage waiver required"), default=False)
    damage_waiver_signed_at = models.DateTimeField(_("waiver signed at"), null=True, blank=True)
    # Quote (out of warranty): lines from the fee schedule in force, approved by the customer first.
    fee_schedule = models.ForeignKey(
        "warranty.FeeSchedule", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    quote_lines = models.JSONField(_("quote lines"), default=list, blank=True)
    quote_total = models.DecimalField(_("quote total"), max_digits=10, decimal_places=2, null=True, blank=True)
    quote_approved_at = models.DateTimeField(_("quote approved at"), null=True, blank=True)
    quote_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )  # None with an approval: the customer approved on the tracking page, signing there
    quote_signature = models.TextField(_("quote signature"), blank=True)  # PNG data URL from the customer's phone
    # Repair record (维修记录): what the technician found and did.
    fault_confirmed = models.TextField(_("fault confirmed"), blank=True)
    cause = models.TextField(_("cause"), blank=True)
    actions_taken = models.TextField(_("repair actions"), blank=True)
    parts_replaced = models.TextField(_("parts replaced"), blank=True)
    estimated_ready_at = models.DateTimeField(_("estimated ready"), null=True, blank=True)
    # Pickup: the customer checks the product and signs; the satisfaction card (服务跟踪卡).
    picked_up_at = models.DateTimeField(_("picked up at"), null=True, blank=True)
    pickup_signature = models.TextField(_("pickup signature"), blank=True)  # PNG data URL from the screen
    pickup_signature_refused = models.BooleanField(_("customer refused to sign"), default=False)
    satisfaction_rating = models.PositiveSmallIntegerField(_("satisfaction (1-5)"), null=True, blank=True)
    satisfaction_comment = models.TextField(_("satisfaction comment"), blank=True)
    notify_by_phone = models.BooleanField(_("phone the customer when ready"), default=True)
    pickup_code = models.CharField(_("pickup code"), max_length=8, blank=True)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)
    version = models.PositiveIntegerField(default=1)  # optimistic lock for edits
    created_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    # Indexed by wo_creator_idempotency_key, which it leads (an index of its own was one more write per intake).
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        indexes = [
            models.Index(fields=["outlet", "-id"], name="wo_outlet_recent"),
            models.Index(fields=["outlet", "status", "-id"], name="wo_outlet_status"),
            # Across outlets (headquarters, a centre's 20): a status's newest orders and its count. The plan
            # PostgreSQL keeps for a prepared statement (status unknown) uses it too, instead of reading the
            # whole table backwards by id.
            models.Index(fields=["status", "-id"], name="wo_status_recent"),
            models.Index(fields=["owner", "-id"], name="wo_owner_recent"),
            models.Index(fields=["channel", "-id"], name="wo_channel_recent"),
            # The "overdue" filter.
            models.Index(fields=["outlet", "estimated_ready_at"], name="wo_outlet_ready"),
            models.Index(fields=["outlet", "requested_time"], name="wo_outlet_requested"),
            # Service KPIs: orders received, and walk-ins picked up, per outlet and period.
            models.Index(fields=["outlet", "created_at"], name="wo_outlet_received"),
            models.Index(fields=["outlet", "picked_up_at"], name="wo_outlet_picked_up"),
            # The API's incremental sync: ?updated_since= and ?ordering=updated_at within the caller's outlets.
            models.Index(fields=["outlet", "updated_at"], name="wo_outlet_updated"),
            # Repeat repairs: the same product's earlier orders, by time.
            models.Index(fields=["product", "created_at"], name="wo_product_received"),
            # The legal clocks running out soon, per outlet (only orders whose clock runs have a day).
            models.Index(
                fields=["outlet", "clock_limit_on"],
                name="wo_outlet_clock_limit",
                condition=models.Q(clock_limit_on__isnull=False),
            ),
            # Complaint risks for the supervisors' home: few, so a partial index of open flagged orders.
            models.Index(
                fields=["outlet", "-id"],
                name="wo_outlet_complaint_risk",
                condition=models.Q(same_fault_orders__gte=COMPLAINT_RISK_AFTER)
                & ~models.Q(status__in=["closed", "cancelled"]),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="wo_number_unique"),
            # A key is its sender's: the same key from another user is another request.
            models.UniqueConstraint(fields=["created_by", "idempotency_key"], name="wo_creator_idempotency_key"),
            models.CheckConstraint(
                condition=models.Q(quote_total__isnull=True) | models.Q(quote_total__gte=0),
                name="wo_quote_total_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(satisfaction_rating__isnull=True)
                | models.Q(satisfaction_rating__gte=1, satisfaction_rating__lte=5),
                name="wo_satisfaction_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def complaint_risk(self) -> bool:
        return self.same_fault_orders >= COMPLAINT_RISK_AFTER

    @property
    def before_service(self) -> bool:
        """Nobody has started on it yet: intake details may still be completed."""
        return self.status in (Status.RECEIVED, Status.AWAITING_APPROVAL, Status.AWAITING_DISPATCH, Status.SCHEDULED)

    @property
    def swap_options(self) -> list[str]:
        """The return/exchange its stored decision offers while it can still end in one (the swap service
        decides again before it acts)."""
        if self.status not in SWAPPABLE:
            return []
        return [o for o in self.warranty_options if o in ("exchange", "return")]

    @property
    def amount_due(self) -> Decimal:
        """What the customer pays at pickup: nothing in warranty, else the approved quote."""
        if self.in_warranty or self.quote_total is None:
            return Decimal("0.00")
        return self.quote_total

    @property
    def missing_info_labels(self) -> list[str]:
        return [str(MISSING_LABELS.get(code, code)) for code in self.missing_info]


# The channels staff log an order through; self-service orders come only from the customer's booking page.
STAFF_CHANNELS = [
    (value, label) for value, label in WorkOrder.Channel.choices if value != WorkOrder.Channel.SELF_SERVICE
]


class WorkOrderEvent(ChoiceLabels, models.Model):
    """The timeline: every transition, hand-over and note, with who and when."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Received")
        TRANSITION = "transition", _("Status change")
        HANDOVER = "handover", _("Hand-over")
        NOTE = "note", _("Note")
        WARRANTY = "warranty", _("Warranty decision re-made")

    # Indexed by (work_order, at) below, which it leads.
    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="events", db_index=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    transition = models.CharField(max_length=40, blank=True)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    # None: the system did it (the daily re-decision of the warranty).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(blank=True)  # as typed by staff; for a service's own words, as the network reads them
    # What a service said, to be read in each reader's language: {"id": the English msgid, "params": {...}}
    # (workorders.events.said). Rows from before it have only `text`.
    message = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("work order event")
        verbose_name_plural = _("work order events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["work_order", "at"])]

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    @property
    def display_text(self) -> str:
        """The event's words in the reader's language."""
        return read(self.message) if self.message else self.text


class Payment(ChoiceLabels, models.Model):
    """Money taken for a work order, with its own receipt number."""

    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        WECHAT = "wechat", _("WeChat Pay")
        ALIPAY = "alipay", _("Alipay")
        CARD = "card", _("Bank card")

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="payments")
    # The order's outlet, kept on the row: revenue per outlet and period reads one index, not the orders.
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+", verbose_name=_("outlet"))
    receipt_number = models.CharField(_("receipt number"), max_length=32, unique=True)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    method = models.CharField(_("payment method"), max_length=10, choices=Method.choices)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["received_at", "id"]
        indexes = [
            models.Index(fields=["outlet", "received_at"], name="payment_outlet_received"),  # revenue, an outlet's day
            models.Index(fields=["received_at"], name="payment_received"),  # headquarters' day, every outlet
        ]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self) -> str:
        return f"{self.receipt_number} ¥{self.amount}"


class Call(models.Model):
    """A call taken on the hotline (来电), classified by type, with what came of it."""

    class Type(models.TextChoices):
        CONSULTATION = "consultation", _("Consultation")
        SERVICE_REQUEST = "service_request", _("Service request")
        SUGGESTION = "suggestion", _("Suggestion")
        PRAISE = "praise", _("Praise")
        COMPLAINT = "complaint", _("Complaint")

    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+", verbose_name=_("outlet"))
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    caller_phone = PhoneNumberField(_("caller's phone"), db_index=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="calls")
    call_type = models.CharField(_("call type"), max_length=20, choices=Type.choices)
    summary = models.TextField(_("summary"))
    outcome = models.TextField(_("outcome"), blank=True)
    phone_guidance = models.BooleanField(_("resolved by phone guidance"), default=False)
    guidance_advice = models.TextField(_("guidance given"), blank=True)
    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="calls")

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        indexes = [models.Index(fields=["outlet", "-id"], name="call_outlet_recent")]

    def __str__(self) -> str:
        return f"{self.get_call_type_display()} {self.at:%Y-%m-%d %H:%M}"


class MessageSlip(models.Model):
    """A message slip (留言条) for someone not available, tracked until answered."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")

    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+", verbose_name=_("outlet"))
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    caller_name = models.CharField(_("caller"), max_length=100)
    caller_phone = PhoneNumberField(_("caller's phone"))
    address = models.CharField(_("address"), max_length=255, blank=True)
    message = models.TextField(_("message"))
    best_time = models.CharField(_("best time to call back"), max_length=100, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="message_slips",
        verbose_name=_("for"),
    )
    recipient_role = models.CharField(_("for role"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("message slip")
        verbose_name_plural = _("message slips")
        indexes = [
            models.Index(fields=["recipient", "status"], name="slip_recipient_status"),
            models.Index(fields=["outlet", "recipient_role", "status"], name="slip_role_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False) | ~models.Q(recipient_role=""),
                name="slip_has_a_recipient",
                violation_error_message=_("Route the slip to a person or a role."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.caller_name}: {self.message[:30]}"


class DailySequence(models.Model):
    """Today's last work-order number; locked row per day keeps numbers unique and gap-free."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class ChargeWaiver(models.Model):
    """Waiving or reducing a charge: asked for by the person at the counter or on site, decided by
    a supervisor, recorded either way (DOMAIN "Charges")."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a supervisor")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="waivers")
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+", verbose_name=_("outlet"))
    original_total = models.DecimalField(_("charge before"), max_digits=10, decimal_places=2)
    new_total = models.DecimalField(_("charge asked for"), max_digits=10, decimal_places=2)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("charge waiver")
        verbose_name_plural = _("charge waivers")
        ordering = ["id"]
        permissions = [("decide_chargewaiver", _("Can approve or reject charge waivers"))]
        indexes = [models.Index(fields=["outlet", "status", "id"], name="waiver_outlet_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(new_total__gte=0) & models.Q(new_total__lt=models.F("original_total")),
                name="waiver_lowers_the_charge",
            ),
            # One open request per order: a second one waits for the decision on the first.
            models.UniqueConstraint(
                fields=["work_order"], condition=models.Q(status="pending"), name="waiver_one_pending_per_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_order_id}: ¥{self.original_total} → ¥{self.new_total} ({self.status})"


class UnitSwap(ChoiceLabels, models.Model):
    """A return (退货) or an exchange (换货) that closed an order: the unit taken back and kept for the maker,
    the new unit's serial or the money paid back with its receipt, and the customer's signature. Granted by
    三包 at the counter or on site, or, outside it, as a complaint remedy approved by rank."""

    class Kind(models.TextChoices):
        EXCHANGE = "exchange", _("Exchange")
        RETURN = "return", _("Return")

    work_order = models.OneToOneField(WorkOrder, on_delete=models.PROTECT, related_name="swap")
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+", verbose_name=_("outlet"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    number = models.CharField(_("slip number"), max_length=24)
    old_product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit taken back")
    )
    new_product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("new unit")
    )
    # A return: what was paid for the unit, the depreciation fee the policy allows, what was paid back.
    price_paid = models.DecimalField(_("price paid"), max_digits=10, decimal_places=2, null=True, blank=True)
    depreciation_fee = models.DecimalField(
        _("depreciation fee"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    refund_amount = models.DecimalField(_("refunded"), max_digits=10, decimal_places=2, null=True, blank=True)
    refund_method = models.CharField(_("paid back by"), max_length=10, choices=Payment.Method.choices, blank=True)
    # Granted by 三包 (the rules on the order), or as an approved complaint remedy (what approved it).
    remedy = models.CharField(_("approved remedy"), max_length=200, blank=True)
    rules = models.JSONField(_("rules applied"), default=list, blank=True)
    signature = models.TextField(_("customer's signature"), blank=True)  # PNG data URL from the screen
    signature_refused = models.BooleanField(_("customer refused to sign"), default=False)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("return or exchange")
        verbose_name_plural = _("returns and exchanges")
        indexes = [models.Index(fields=["outlet", "granted_at"], name="swap_outlet_granted")]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="swap_number_unique"),
            models.CheckConstraint(
                condition=(models.Q(kind="exchange") & models.Q(new_product__isnull=False, refund_amount__isnull=True))
                | (
                    models.Q(kind="return")
                    & models.Q(new_product__isnull=True, refund_amount__gte=0, price_paid__isnull=False)
                    & models.Q(refund_amount__lte=models.F("price_paid"))
                ),
                name="swap_exchange_has_a_new_unit_return_a_refund",
            ),
            models.CheckConstraint(
                condition=models.Q(signature_refused=True) | ~models.Q(signature=""), name="swap_signed_or_refused"
            ),
        ]

    def __str__(self) -> str:
        return self.number
