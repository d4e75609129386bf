from django.db import models
from django.utils.translation import gettext_lazy as _


class PhoneVerification(models.Model):
    """A one-time code sent by SMS to prove a phone is the booker's (portal.booking): only its hash is kept;
    it expires after five minutes and after five wrong tries."""

    phone = models.CharField(_("phone"), max_length=32)  # E.164
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    tries = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("phone verification")
        verbose_name_plural = _("phone verifications")
        # The latest code of a phone, and how many it was sent lately (the limit per phone).
        indexes = [models.Index(fields=["phone", "-created_at"], name="verification_phone_recent")]
        constraints = [models.CheckConstraint(condition=models.Q(tries__lte=5), name="verification_tries_capped")]

    def __str__(self) -> str:
        return f"{self.phone[:6]}**** {self.created_at:%Y-%m-%d %H:%M}"
