"""The self-service booking's phone check: a six-digit code by SMS (the outbox, message `verification_code`),
valid five minutes, five tries; one code a minute and five an hour per phone (the limit per address is
the view's, django-ratelimit). A verified phone is kept in the session for half an hour."""

import datetime as dt
import hashlib
import hmac
import secrets

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import PhoneNumber

from core.notify import notification_enqueue
from portal.models import PhoneVerification

CODE_LIFETIME = dt.timedelta(minutes=5)
MAX_TRIES = 5
PER_PHONE = [(dt.timedelta(minutes=1), 1), (dt.timedelta(hours=1), 5)]  # at most n codes in each period
VERIFIED_FOR = dt.timedelta(minutes=30)
SESSION_KEY = "portal_verified_phone"


def mainland_mobile(raw: str) -> str:
    """The phone typed, as E.164, if it is a mainland mobile number (codes go by SMS)."""
    number = PhoneNumber.from_string(raw.strip(), region="CN") if raw.strip() else None
    text = str(number) if number is not None and number.is_valid() else ""
    if not (text.startswith("+861") and len(text) == 14):
        raise ValidationError({"phone": _("Enter a mainland mobile number of 11 digits.")})
    return text


def _hash(phone: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def code_send(*, phone: str, language: str) -> str:
    """Send a new code to the phone (the earlier ones stop counting); answers the code (shown on the page
    only when messages go to the log, i.e. in development)."""
    now = timezone.now()
    recent = list(
        PhoneVerification.objects.select_for_update()
        .filter(phone=phone, created_at__gte=now - max(period for period, _n in PER_PHONE))
        .values_list("created_at", flat=True)
    )
    (minute, per_minute), (hour, per_hour) = PER_PHONE
    if sum(1 for at in recent if at >= now - minute) >= per_minute:
        raise ValidationError({"phone": _("A code was sent to this number just now: wait a minute, then ask again.")})
    if sum(1 for at in recent if at >= now - hour) >= per_hour:
        raise ValidationError({"phone": _("Too many codes for this number: try again in an hour.")})
    code = f"{secrets.randbelow(10**6):06d}"
    row = PhoneVerification.objects.create(phone=phone, code_hash=_hash(phone, code), expires_at=now + CODE_LIFETIME)
    notification_enqueue(
        kind="verification_code",
        to=phone,
        context={"code": code, "minutes": int(CODE_LIFETIME.total_seconds() // 60)},
        key=f"verification:{row.pk}",
        language=language,
    )
    # Sent now, not at the next beat tick: the person is waiting for it.
    transaction.on_commit(lambda: current_app.send_task("core.tasks.send_notifications"))
    return code


def code_check(*, phone: str, code: str) -> None:
    """The latest code sent to the phone, if right, in time and not tried too often; a wrong one counts
    (kept even though the answer is a refusal)."""
    problem = _code_check(phone=phone, code=code)
    if problem:
        raise ValidationError({"code": problem})


@transaction.atomic
def _code_check(*, phone: str, code: str) -> str:
    row = PhoneVerification.objects.select_for_update().filter(phone=phone).order_by("-created_at").first()
    if row is None or row.verified_at is not None:
        return _("Ask for a code first.")
    if row.expires_at <= timezone.now():
        return _("This code has expired: ask for a new one.")
    if row.tries >= MAX_TRIES:
        return _("Too many wrong codes: ask for a new one.")
    if not hmac.compare_digest(row.code_hash, _hash(phone, code.strip())):
        row.tries += 1
        row.save(update_fields=["tries"])
        if row.tries >= MAX_TRIES:
            return _("Too many wrong codes: ask for a new one.")
        return _("The code is not right: %(left)s tries left.") % {"left": MAX_TRIES - row.tries}
    row.verified_at = timezone.now()
    row.save(update_fields=["verified_at"])
    return ""


def verified_phone(session) -> str:
    """The phone this browser proved in the last half hour, or ""."""
    phone, at = session.get(SESSION_KEY) or ("", "")
    if not phone or dt.datetime.fromisoformat(at) < timezone.now() - VERIFIED_FOR:
        return ""
    return phone


def remember_verified(session, phone: str) -> None:
    session.cycle_key()  # a new session id once the phone is proved (no fixation)
    session[SESSION_KEY] = [phone, timezone.now().isoformat()]


def earlier_products(customer) -> list[tuple]:
    """The verified customer's products still with them (newest first, ten at most), each with what the
    warranty gives for a fault today, in plain words."""
    from workorders.models import Product
    from workorders.services import warranty_preview

    if customer is None:
        return []
    products = Product.objects.filter(customer=customer, taken_back_on__isnull=True).select_related(
        "category__warranty_policy"
    )
    found = []
    for product in products.order_by("-id")[:10]:
        preview = warranty_preview(
            category=product.category,
            purchase_date=product.purchase_date,
            proof=product.proof,
            water_or_drop_damage=False,
            product=product,
        )
        decision = preview["decision"] if preview else None
        if decision is not None and decision.free_options:
            until = decision.warranty_end
            words = (
                _("In warranty until %(day)s: repaired free") % {"day": until}
                if until
                else _("In warranty: repaired free")
            )
        else:
            words = _("Out of warranty: the repair is charged (we quote it first)")
        found.append((product, words))
    return found
