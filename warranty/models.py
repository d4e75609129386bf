from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BilingualName
from warranty.engine import NoProofRule, PolicyTerms, component_label

NO_PROOF_CHOICES = [
    (NoProofRule.PAID_ONLY.value, _("No free service")),
    (NoProofRule.SERIAL_DATE.value, _("Count from the serial's production date plus N days, repair only")),
    (NoProofRule.OTHER_EVIDENCE.value, _("Accept other evidence of the purchase date")),
]


class WarrantyPolicy(BilingualName):
    """A 三包 policy per product category, optionally narrowed to a brand. Terms live in versions."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    category = models.SlugField(_("product category"), max_length=40)
    brand = models.CharField(_("brand"), max_length=60, blank=True, help_text=_("Blank: the whole category."))
    national = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="brand_policies",
        verbose_name=_("national policy"),
        help_text=_("A brand policy never gives less than this one: the customer gets the better of the two."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("warranty policy")
        verbose_name_plural = _("warranty policies")
        ordering = ["code"]


class PolicyVersion(models.Model):
    """The terms of a policy from a date on. Versions are never edited: publish a new one."""

    policy = models.ForeignKey(WarrantyPolicy, on_delete=models.PROTECT, related_name="versions")
    effective_from = models.DateField(_("effective from"))
    return_days = models.PositiveSmallIntegerField(_("return period (days)"))
    exchange_days = models.PositiveSmallIntegerField(_("exchange period (days)"))
    warranty_months = models.PositiveSmallIntegerField(_("whole-unit warranty (months)"))
    component_months = models.JSONField(
        _("main part and accessory periods (months)"), default=dict, blank=True, help_text='{"battery": 6}'
    )
    repairs_before_exchange = models.PositiveSmallIntegerField(_("repairs before exchange or return"), default=2)
    parts_wait_limit_days = models.PositiveSmallIntegerField(_("parts waiting limit (days)"))
    repairer_delay_limit_days = models.PositiveSmallIntegerField(_("repairer delay limit (days)"), default=30)
    repair_guarantee_days = models.PositiveSmallIntegerField(_("repair guarantee (days)"), default=30)
    depreciation_rate_per_day = models.DecimalField(
        _("depreciation per day (fraction of price)"), max_digits=7, decimal_places=5
    )
    no_proof_rule = models.CharField(_("without proof of purchase"), max_length=20, choices=NO_PROOF_CHOICES)
    no_proof_grace_days = models.PositiveSmallIntegerField(_("days added to the production date"), default=90)
    holiday_roll_over = models.BooleanField(_("period ending on a holiday runs to the next working day"), default=False)
    exchange_restarts_period = models.BooleanField(_("an exchange restarts the period"), default=True)
    created_at = models.DateTimeField(_("published at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["policy", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "effective_from"], name="policy_version_one_per_day"),
            models.CheckConstraint(
                condition=models.Q(depreciation_rate_per_day__gte=0, depreciation_rate_per_day__lte=1),
                name="policy_version_depreciation_fraction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy.code} @ {self.effective_from}"

    def component_periods(self) -> list[tuple[str, int]]:
        """(translated component name, months), for display."""
        return [(component_label(code), months) for code, months in self.component_months.items()]

    def terms(self) -> PolicyTerms:
        return PolicyTerms(
            code=self.policy.code,
            return_days=self.return_days,
            exchange_days=self.exchange_days,
            warranty_months=self.warranty_months,
            component_months=dict(self.component_months),
            repairs_before_exchange=self.repairs_before_exchange,
            parts_wait_limit_days=self.parts_wait_limit_days,
            repairer_delay_limit_days=self.repairer_delay_limit_days,
            repair_guarantee_days=self.repair_guarantee_days,
            depreciation_rate_per_day=Decimal(self.depreciation_rate_per_day),
            no_proof_rule=NoProofRule(self.no_proof_rule),
            no_proof_grace_days=self.no_proof_grace_days,
            holiday_roll_over=self.holiday_roll_over,
            exchange_restarts_period=self.exchange_restarts_period,
        )


class PublicHoliday(models.Model):
    """The admin-edited holiday calendar used when a policy rolls periods past holidays."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


SERVICE_TYPE_CHOICES = [
    ("repair", _("Repair")),
    ("installation", _("Installation")),
    ("software_adjustment", _("Software adjustment")),
    ("onsite_visit", _("On-site visit")),
    ("bench_inspection", _("Bench inspection")),
]


class FeeSchedule(BilingualName):
    """A version of the published fee schedule (收费标准). Drafts are edited, then published with an
    effective date; once a work order has used a version it never changes: publish a new one."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")  # being prepared, not used for quotes
        PUBLISHED = "published", _("Published")  # in force from effective_from

    name = models.CharField(_("name"), max_length=100)
    effective_from = models.DateField(_("effective from"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    visit_fee = models.DecimalField(_("on-site visit fee"), max_digits=10, decimal_places=2, default=Decimal("0.00"))
    # DOMAIN "Charges": a software adjustment is free within 1 month of installation and charged after 3;
    # between the two the manual is silent and is read in the customer's favour (free).
    software_free_months = models.PositiveSmallIntegerField(_("software adjustment free for (months)"), default=1)
    software_charged_after_months = models.PositiveSmallIntegerField(
        _("software adjustment charged after (months)"), default=3
    )
    in_use = models.BooleanField(_("used by work orders"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedules")
        ordering = ["-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["effective_from"],
                condition=models.Q(status="published"),
                name="fee_schedule_one_published_per_day",
                violation_error_message=_("Another published schedule starts on that day."),
            ),
            models.CheckConstraint(condition=models.Q(visit_fee__gte=0), name="fee_schedule_visit_fee_not_negative"),
            models.CheckConstraint(
                condition=models.Q(software_charged_after_months__gte=models.F("software_free_months")),
                name="fee_schedule_software_limits_in_order",
                violation_error_message=_("Charged after must not come before the free period ends."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.effective_from})"

    @property
    def is_editable(self) -> bool:
        return not self.in_use


class LabourRate(models.Model):
    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="labour_rates")
    category = models.SlugField(_("product category"), max_length=40)
    service_type = models.CharField(_("service type"), max_length=30, choices=SERVICE_TYPE_CHOICES)
    amount = models.DecimalField(_("labour charge"), max_digits=10, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("labour rate")
        verbose_name_plural = _("labour rates")
        ordering = ["category", "service_type"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "category", "service_type"], name="labour_rate_unique"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="labour_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.category}/{self.service_type}: {self.amount}"


class PartPrice(BilingualName):
    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="part_prices")
    code = models.SlugField(_("part code"), max_length=40)
    name = models.CharField(_("part name"), max_length=100)
    category = models.SlugField(_("product category"), max_length=40, blank=True)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("part price")
        verbose_name_plural = _("part prices")
        ordering = ["category", "code"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "code"], name="part_price_unique"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="part_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.price}"
