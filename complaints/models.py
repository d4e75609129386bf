from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import ChoiceLabels, Outlet
from core.roles import Role
from core.words import read
from followups.models import Callback
from workorders.models import Customer, Product, WorkOrder


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")  # goes to a supervisor at once


class DeadlinePolicy(models.Model):
    """Hours a case of a severity has for first contact, an agreed remedy and closure (admins edit)."""

    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, unique=True)
    first_contact_hours = models.PositiveIntegerField(_("first contact within (hours)"))
    remedy_hours = models.PositiveIntegerField(_("remedy agreed within (hours)"))
    close_hours = models.PositiveIntegerField(_("closed within (hours)"))

    class Meta:
        verbose_name = _("complaint deadline")
        verbose_name_plural = _("complaint deadlines")
        constraints = [
            models.CheckConstraint(
                condition=Q(first_contact_hours__lte=models.F("remedy_hours"))
                & Q(remedy_hours__lte=models.F("close_hours")),
                name="deadlines_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.get_severity_display()


class AuthorityLimit(models.Model):
    """The remedy value a handler of a role may grant alone; above it a supervisor (or higher) approves."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, unique=True)
    max_amount = models.DecimalField(_("up to (¥)"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("authority limit")
        verbose_name_plural = _("authority limits")
        constraints = [models.CheckConstraint(condition=Q(max_amount__gte=0), name="authority_not_negative")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: ¥{self.max_amount}"


class Rank(models.TextChoices):
    """Who may grant a remedy, lowest first (complaints.rules.RANKS keeps the order)."""

    HANDLER = "handler", _("The case's handler (within their limit)")
    SUPERVISOR = "supervisor", _("A supervisor")
    HEADQUARTERS = "headquarters", _("Headquarters")


class Feedback(ChoiceLabels, models.Model):
    """Anything a customer tells us, from any channel: consultation, suggestion, praise, complaint."""

    class Type(models.TextChoices):
        CONSULTATION = "consultation", _("Consultation")
        SUGGESTION = "suggestion", _("Suggestion")
        PRAISE = "praise", _("Praise")
        COMPLAINT = "complaint", _("Complaint")

    class Channel(models.TextChoices):
        HOTLINE = "hotline", _("Hotline")
        FRONT_DESK = "front_desk", _("Front desk")
        ON_SITE = "on_site", _("On site")
        CALLBACK = "callback", _("Callback")
        WRITTEN = "written", _("E-mail or web form")
        CUSTOMER_PAGE = "customer_page", _("The customer's tracking page")

    class Department(models.TextChoices):
        RD = "rd", _("R&D")
        QUALITY = "quality", _("Quality")
        SPARE_PARTS = "spare_parts", _("Spare parts")
        SERVICE = "service", _("Service")

    outlet = models.ForeignKey(  # indexed by the composite indexes below, which it leads
        Outlet, on_delete=models.PROTECT, related_name="+", verbose_name=_("outlet"), db_index=False
    )
    type = models.CharField(_("type"), max_length=15, choices=Type.choices)
    channel = models.CharField(_("channel"), max_length=15, choices=Channel.choices)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="feedback")
    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="feedback")
    text = models.TextField(_("what the customer said"))
    praised_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="praise",
        verbose_name=_("praised staff member"),
    )
    department = models.CharField(_("routed to"), max_length=15, choices=Department.choices, blank=True)
    product_model = models.CharField(_("product model"), max_length=80, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    # Empty when the customer wrote it on their tracking page.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [
            models.Index(fields=["outlet", "type", "-id"], name="feedback_outlet_type"),
            # A centre's list, read outlet by outlet (core.pagination.merged_keys_by_outlet).
            models.Index(fields=["outlet", "-id"], name="feedback_outlet_recent"),
            models.Index(fields=["outlet", "created_at"], name="feedback_outlet_received"),  # KPIs
            models.Index(
                fields=["department", "-id"], condition=Q(acknowledged_at__isnull=True), name="feedback_open_by_dept"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(type="praise") | Q(praised_staff__isnull=False), name="praise_names_someone"
            ),
            models.CheckConstraint(condition=~Q(type="suggestion") | ~Q(department=""), name="suggestion_is_routed"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.text[:30]}"


class ComplaintCase(ChoiceLabels, models.Model):
    """A complaint handled to the end: closed only when the customer confirms satisfaction."""

    class Category(models.TextChoices):
        ATTITUDE = "attitude", _("Service attitude")
        REPAIR_QUALITY = "repair_quality", _("Repair quality")
        DELAY = "delay", _("Delay")
        CHARGES = "charges", _("Charges")
        PRODUCT_QUALITY = "product_quality", _("Product quality")
        HOME_DAMAGE = "home_damage", _("Damage in the home")
        OTHER = "other", _("Other")

    class Responsibility(models.TextChoices):
        OUTLET = "outlet", _("The outlet (its service was at fault)")
        PRODUCT = "product", _("The product or the maker")
        CUSTOMER = "customer", _("The customer")
        UNFOUNDED = "unfounded", _("Not founded")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")  # being handled
        AWAITING_CONFIRMATION = "awaiting_confirmation", _("Waiting for the customer's confirmation")
        CLOSED = "closed", _("Closed")

    outlet = models.ForeignKey(  # indexed by the composite indexes below, which it leads
        Outlet, on_delete=models.PROTECT, related_name="+", verbose_name=_("outlet"), db_index=False
    )
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="complaints")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    work_order = models.ForeignKey(
        WorkOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    description = models.TextField(_("the complaint"))
    request = models.TextField(_("what the customer asks for"), blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaint_cases", verbose_name=_("handler")
    )
    status = models.CharField(_("status"), max_length=25, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    first_contact_due = models.DateTimeField(_("first contact due"))
    remedy_due = models.DateTimeField(_("remedy due"))
    close_due = models.DateTimeField(_("closure due"))
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    remedy_agreed_at = models.DateTimeField(_("remedy agreed"), null=True, blank=True)
    repeat_repairs = models.PositiveSmallIntegerField(_("repairs of the same fault within warranty"), default=0)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    escalation_reason = models.TextField(_("why escalated"), blank=True)  # typed, or the rules' as the network reads
    # The rules' reasons, to be read in each reader's language (core.words); empty when a person typed it.
    escalation_words = models.JSONField(default=list, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)
    # Who was at fault, found when the remedy is carried out; "the outlet" is deducted on its settlement.
    responsibility = models.CharField(
        _("responsibility"), max_length=10, choices=Responsibility.choices, blank=True, db_index=True
    )
    # The call in which the customer says whether they are satisfied (the latest one asked for).
    confirmation_callback = models.OneToOneField(
        Callback,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint_case",
        verbose_name=_("confirmation callback"),
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)  # the API's incremental sync

    class Meta:
        verbose_name = _("complaint case")
        verbose_name_plural = _("complaint cases")
        permissions = [
            ("escalate_complaintcase", _("Can take escalated complaint cases")),
            ("flag_bad_faith", _("Can flag a customer as acting in bad faith")),
        ]
        indexes = [
            models.Index(fields=["outlet", "status", "opened_at"], name="case_outlet_status"),
            # A centre's list, read outlet by outlet (core.pagination.merged_keys_by_outlet).
            models.Index(fields=["outlet", "-id"], name="case_outlet_recent"),
            # The supervisors' queue: escalated and not closed, oldest first.
            models.Index(fields=["escalated_at"], condition=~Q(status="closed"), name="case_escalated_open"),
            models.Index(fields=["customer", "status"], name="case_customer_status"),
            models.Index(fields=["outlet", "opened_at"], name="case_outlet_opened"),  # KPIs per period
            models.Index(fields=["outlet", "updated_at"], name="case_outlet_updated"),  # ?updated_since=
        ]
        constraints = [
            # Waiting for the customer means a confirmation call was asked for; closed means it said satisfied.
            models.CheckConstraint(
                condition=Q(status="open") | Q(confirmation_callback__isnull=False), name="case_confirmed_by_callback"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False) & ~Q(lessons=""),
                name="case_closed_with_lessons",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_category_display()}"

    @property
    def escalation_text(self) -> str:
        """Why it was escalated, in the reader's language."""
        return "; ".join(read(words) for words in self.escalation_words) or self.escalation_reason

    @property
    def may_ask_confirmation(self) -> bool:
        """Open, or waiting on a confirmation call that never reached the customer."""
        if self.status == self.Status.OPEN:
            return True
        return self.status == self.Status.AWAITING_CONFIRMATION and self.confirmation_callback.status in (
            Callback.Status.FAILED,
            Callback.Status.CANCELLED,
        )


class CaseStep(models.Model):
    """The handling steps of DOMAIN "Complaints", each with who, when and notes: the case's timeline."""

    class Step(models.TextChoices):
        APOLOGY = "apology", _("Apology made")
        HEARD = "heard", _("Customer heard out")
        FACTS = "facts", _("Facts confirmed")
        CAUSE = "cause", _("Cause analysed")
        REQUEST = "request", _("Request studied")
        REMEDY = "remedy", _("Remedy agreed")
        UNDERSTANDING = "understanding", _("Customer's understanding")
        ACTION = "action", _("Action taken")
        PREVENTION = "prevention", _("Prevention")
        SATISFACTION = "satisfaction", _("Satisfaction confirmed")
        NOTE = "note", _("Note")
        ESCALATION = "escalation", _("Escalated")

    case = models.ForeignKey(ComplaintCase, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=15, choices=Step.choices)
    notes = models.TextField(_("notes"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.step}"


class Remedy(models.Model):
    """A remedy offered to the customer; above the handler's authority it waits for an approval."""

    class Kind(models.TextChoices):
        RE_REPAIR = "re_repair", _("Repair again")
        FREE_REPAIR = "free_repair", _("Free repair outside warranty")
        EXCHANGE = "exchange", _("Exchange")
        RETURN = "return", _("Return")
        REFUND = "refund", _("Refund of charges paid")
        FEE_WAIVER = "fee_waiver", _("Fee waiver")
        GIFT = "gift", _("Gift")
        MONEY = "money", _("Money")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Within the handler's authority")
        AWAITING_APPROVAL = "awaiting_approval", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    case = models.ForeignKey(ComplaintCase, on_delete=models.CASCADE, related_name="remedies")
    kind = models.CharField(_("remedy"), max_length=15, choices=Kind.choices)
    amount = models.DecimalField(_("value (¥)"), max_digits=10, decimal_places=2, default=0)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("remedy")
        verbose_name_plural = _("remedies")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="remedy_value_not_negative")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ¥{self.amount}"


class RemedyRank(models.Model):
    """The lowest rank that may grant a kind of remedy, whatever its value (DOMAIN "Complaints": a
    return, exchange or refund outside what 三包 grants needs approval by rank even at zero cost)."""

    kind = models.CharField(_("remedy"), max_length=15, choices=Remedy.Kind.choices, unique=True)
    rank = models.CharField(_("granted by"), max_length=15, choices=Rank.choices)

    class Meta:
        verbose_name = _("remedy rank")
        verbose_name_plural = _("remedy ranks")
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_rank_display()}"


class BadFaithFlag(models.Model):
    """The bottom line: a supervisor's flag on a customer acting in bad faith, with the reason."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="bad_faith_flags")
    reason = models.TextField(_("reason"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("bad-faith flag")
        verbose_name_plural = _("bad-faith flags")
        constraints = [
            models.UniqueConstraint(fields=["customer"], condition=Q(active=True), name="one_active_flag_per_customer")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.reason[:30]}"
