from functools import cache

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.hashable import make_hashable
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from core.logging import mask_codes
from core.roles import Role, role_of


@cache
def _choice_labels(field, language: str | None) -> dict:
    return {make_hashable(value): str(label) for value, label in field.flatchoices}


class ChoiceLabels:
    """Models shown in lists: get_FOO_display() from the field's labels translated once per language.
    Django's own builds and hashes the list of every choice on each call, translating each label: a
    page of 50 orders spent about 3 ms on it. (Every choice list here is fixed, never a callable.)"""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return _choice_labels(field, get_language()).get(make_hashable(value), value)


def in_reader_language(chinese: str, english: str) -> str:
    """Reference data's name for whoever reads the page: the English name for an English reader when
    there is one, else the Chinese the network writes."""
    return english if english and (get_language() or "").startswith("en") else chinese


class BilingualName(models.Model):
    """Reference data people read in both languages (categories, policies, plans, parts, fee
    schedules): `name` as the network writes it (Chinese) and `name_en` for English readers, who see
    the Chinese where it is empty. `label` (and str()) is the reader's."""

    name_en = models.CharField(
        _("name in English"), max_length=100, blank=True, help_text=_("Shown to English readers.")
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return in_reader_language(self.name, self.name_en)


class ServiceCentre(models.Model):
    """A service centre (中心): the level above outlets; monthly records roll up to it."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.CharField(_("region"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    decides_claims = models.BooleanField(
        _("decides its outlets' warranty-cost claims"),
        default=False,
        help_text=_("Delegated by headquarters: the centre's staff with the permission approve or reject claims."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Outlet(models.Model):
    """A service outlet (服务网点): staff see and change their own outlets' work only."""

    class SlipPaper(models.TextChoices):
        """What the counter prints pickup slips, receipts and exchange/return slips on."""

        A4 = "a4", _("A4 sheet (customer part and shop stub)")
        THERMAL_80 = "80mm", _("80 mm receipt roll")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    centre = models.ForeignKey(
        ServiceCentre, on_delete=models.PROTECT, related_name="outlets", verbose_name=_("service centre")
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    slip_paper = models.CharField(_("slip paper"), max_length=8, choices=SlipPaper.choices, default=SlipPaper.A4)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service outlet")
        verbose_name_plural = _("service outlets")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A staff member. The role is the user's one role group; the scope is outlets/centre/HQ."""

    first_name = None
    last_name = None
    name = models.CharField(_("full name"), max_length=100)
    phone = PhoneNumberField(_("phone"), blank=True)
    staff_number = models.CharField(
        _("staff number"), max_length=20, blank=True, help_text=_("The number on the badge customers see (工号).")
    )
    outlets = models.ManyToManyField(Outlet, blank=True, related_name="staff", verbose_name=_("outlets"))
    centre = models.ForeignKey(
        ServiceCentre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("service centre"),
        help_text=_("Centre staff see every outlet of their centre."),
    )
    is_headquarters = models.BooleanField(
        _("headquarters"), default=False, help_text=_("Headquarters staff see every outlet.")
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=["outlets", "groups"])

    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["username"]
        permissions = [("view_audit_trail", _("Can view the audit trail"))]
        indexes = [models.Index(fields=["name"], name="user_name")]  # the lists' "responsible" filter
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(is_headquarters=True) & models.Q(centre__isnull=False)),
                name="user_headquarters_or_centre",
                violation_error_message=_("A staff member belongs to headquarters or to a centre, not both."),
            ),
            models.UniqueConstraint(
                fields=["staff_number"],
                condition=~models.Q(staff_number=""),
                name="user_staff_number_unique",
                violation_error_message=_("Another staff member has this staff number."),
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.username

    @property
    def badge(self) -> str:
        """The number customers see on the badge and on their page: the staff number, else one made from the id
        (never a phone or a photo)."""
        return self.staff_number or f"E{self.pk:06d}"

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    @cached_property
    def role(self) -> Role | None:
        """The user's role group; superusers without one act as admins. Read with the permissions kept in
        the cache (every page asks a request's user), unless a list of staff prefetched their groups."""
        if "groups" in getattr(self, "_prefetched_objects_cache", {}):
            names = [group.name for group in self.groups.all()]
        else:
            from core.permissions import access  # it imports this module

            names = access(self).group_names
        return role_of(names, superuser=self.is_superuser)


class ExportJob(models.Model):
    """An export too large to stream from a request (core.exports): a Celery task writes the file while
    the page shows its progress; the file is kept for a day, for the one who asked only."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    export = models.SlugField(_("export"), max_length=40)  # a key of settings.EXPORTS
    format = models.CharField(_("format"), max_length=4)
    query = models.JSONField(_("filters"), default=list)  # the list page's query, as [name, value] pairs
    language = models.CharField(_("language"), max_length=10)
    title = models.CharField(_("title"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    path = models.CharField(max_length=255, blank=True)  # under settings.EXPORT_DIR
    filename = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"))

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="export_owner_recent"),
            models.Index(fields=["expires_at"], name="export_expires"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(format__in=["csv", "xlsx"]), name="export_format_known"),
        ]

    def __str__(self) -> str:
        return f"{self.export}.{self.format} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, int(self.rows_done * 100 / self.rows_total)) if self.rows_total else 0


class SchedulerHeartbeat(models.Model):
    """Written by the beat-driven task on every tick, so admins can see scheduled work runs."""

    name = models.CharField(max_length=50, unique=True)
    last_beat_at = models.DateTimeField()
    beats = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("scheduler heartbeat")
        verbose_name_plural = _("scheduler heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_beat_at:%Y-%m-%d %H:%M:%S}"


class MessageTemplate(models.Model):
    """The text of one kind of message in one language, with {placeholders}; admins edit it.
    Without a row the built-in (translated) text of core.notify.MESSAGES is used."""

    kind = models.SlugField(_("kind"), max_length=40)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    text = models.TextField(_("text"))
    # An SMS goes out as a template the provider approved, not as free text (core/sms.py).
    sms_template_id = models.CharField(
        _("SMS template ID"),
        max_length=20,
        blank=True,
        help_text=_("The ID the SMS provider gave the approved template."),
    )
    sms_params = models.CharField(
        _("SMS template parameters"),
        max_length=200,
        blank=True,
        help_text=_("The placeholders filling the provider template's {1}, {2}, … in order, e.g. product,number,link"),
    )
    sms_sign_name = models.CharField(
        _("SMS signature"),
        max_length=20,
        blank=True,
        help_text=_("The approved signature (签名); empty: SMS_SIGN_NAME."),
    )
    # To customers who bound WeChat on their tracking page: the official account's template (core/wechat.py).
    wechat_template_id = models.CharField(_("WeChat template ID"), max_length=64, blank=True)
    wechat_fields = models.CharField(
        _("WeChat template fields"),
        max_length=300,
        blank=True,
        help_text=_(
            "The template's fields and the placeholders filling them, e.g. thing1=product,character_string2=number"
        ),
    )

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [models.UniqueConstraint(fields=["kind", "language"], name="message_template_unique")]

    def __str__(self) -> str:
        return f"{self.kind} ({self.language})"


class Notification(models.Model):
    """The outbox: a message written in the transaction of its event, sent by the beat task, once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        WITHHELD = "withheld", _("Not sent: the recipient opted out")

    kind = models.SlugField(_("kind"), max_length=40)
    to = models.CharField(_("to"), max_length=100)
    message = models.TextField(_("message"))
    language = models.CharField(_("language"), max_length=10, blank=True)
    context = models.JSONField(default=dict, blank=True)  # the placeholders' values: an SMS template's parameters
    marketing = models.BooleanField(_("marketing-like"), default=False)  # held in quiet hours (core.notify)
    idempotency_key = models.CharField(max_length=120, unique=True)  # one message per event
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)  # a retry's backoff, quiet hours, the cap
    provider_ref = models.CharField(_("provider reference"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["id"], condition=models.Q(status="pending"), name="notification_pending"),
            # The daily cap counts what one phone was sent today.
            models.Index(fields=["to", "sent_at"], condition=models.Q(status="sent"), name="notification_sent_to"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {mask_codes(self.to)} ({self.status})"  # shown in logs and pages: masked


class MessageOptOut(models.Model):
    """A phone that asked for no more messages ("回复TD退订" answered, or said so to staff): nothing is sent
    to it but the one-time codes the person asks for. Deleting the row opts the phone back in."""

    class Source(models.TextChoices):
        SMS_REPLY = "sms_reply", _("Replied to an SMS")
        STAFF = "staff", _("Told the staff")

    phone = models.CharField(_("phone"), max_length=32, unique=True)  # as the outbox writes it: E.164
    source = models.CharField(_("how"), max_length=10, choices=Source.choices)
    reply = models.CharField(_("reply"), max_length=70, blank=True)
    created_at = models.DateTimeField(_("opted out at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message opt-out")
        verbose_name_plural = _("message opt-outs")

    def __str__(self) -> str:
        return mask_codes(self.phone)


class WeChatBinding(models.Model):
    """A customer's phone bound to their openid at the official account, from the tracking page in WeChat:
    messages to that phone go to WeChat (core/wechat.py). Deleting it sends them by SMS again."""

    phone = models.CharField(_("phone"), max_length=32, unique=True)  # E.164, as the outbox writes it
    openid = models.CharField(_("WeChat openid"), max_length=64)
    bound_at = models.DateTimeField(_("bound at"), auto_now=True)

    class Meta:
        verbose_name = _("WeChat binding")
        verbose_name_plural = _("WeChat bindings")

    def __str__(self) -> str:
        return mask_codes(self.phone)


class ApiToken(AbstractAuthToken):
    """An API token for an integrator (django-rest-knox): only its hash is stored, it expires, and it is
    revoked by deleting it. The name says what it is for ("ERP sync")."""

    name = models.CharField(_("name"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]
