"""The customer's pages: the tracking page, opened from the link or the QR code on the job sheet and pickup
slip (confirm or move the appointment, answer the quote, rate, write to the outlet), and the self-service
booking page opened from an outlet's QR code."""

import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit
from wechatpy.exceptions import WeChatException

from complaints.services import feedback_from_customer
from core import wechat
from core.decorators import staff_page
from core.errors import ConflictError
from core.models import Outlet
from core.selectors import outlet_list
from dispatch.rules import BOOKING_LENGTH
from dispatch.selectors import free_windows
from dispatch.services import (
    appointment_confirm_by_customer,
    appointment_move_asked_by_customer,
    visit_rated_by_customer,
)
from portal import booking
from portal.forms import NEW_PRODUCT, BookingForm, CodeForm, PhoneForm
from portal.tracking import mask_name, tracking_for
from workorders.services import (
    customer_of_phone,
    pickup_rated_by_customer,
    quote_answered_by_customer,
    wechat_chosen_by_customer,
    work_order_book_by_customer,
)
from workorders.tracking import order_id_for, tracking_token


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate="60/m", block=True)
def track(request, token: str):
    """An order's progress for its customer: no login, the token is the key; an unknown or forged token is
    a plain 404 (nothing says whether an order exists)."""
    order_id = order_id_for(token)
    tracking = tracking_for(order_id) if order_id else None
    if tracking is None:
        raise Http404
    if request.method == "POST":
        if tracking.expired:
            raise Http404
        return _act(request, tracking)
    order = tracking.order
    context = {
        "t": tracking,
        "token": token,
        "order": order,
        "customer_name": mask_name(order.customer.name),
        "badge": tracking.appointment.engineer.badge if tracking.engineer_shown else "",
        "wish_error": request.session.pop("portal_wish_error", ""),
        "rating_error": request.session.pop("portal_rating_error", ""),
        "rating_values": request.session.pop("portal_rating_values", {}),
        "write_error": request.session.pop("portal_write_error", ""),
        "write_text": request.session.pop("portal_write_text", ""),
        "quote_error": request.session.pop("portal_quote_error", ""),
        "offer_wechat": wechat.enabled()
        and "MicroMessenger" in request.headers.get("User-Agent", "")
        and not tracking.expired,
        "scores": range(1, 6),
    }
    template = "portal/closed.html" if tracking.expired else "portal/track.html"
    return render(request, template, context)


def _act(request, tracking):
    """Confirm the appointment or ask for another time; back to the page with what happened (a page opened
    before the appointment changed applies nothing and says so)."""
    action = request.POST.get("action")
    try:
        if action == "rate":
            return _rate(request, tracking)
        if action == "write":
            return _write(request, tracking)
        if action in ("approve", "decline"):
            return _answer_quote(
                request, tracking, approve=action == "approve", version=int(request.POST.get("version", ""))
            )
        appointment_id, version = int(request.POST.get("appointment", "")), int(request.POST.get("version", ""))
    except ValueError:
        return HttpResponse(status=400)
    arguments = {"order": tracking.order, "appointment_id": appointment_id, "version": version}
    try:
        if action == "confirm":
            appointment_confirm_by_customer(**arguments)
            messages.success(request, _("Thank you: the appointment is confirmed."))
        elif action == "move":
            appointment_move_asked_by_customer(**arguments, wish=request.POST.get("wish", ""))
            messages.success(request, _("We have your request: the outlet will call you to agree a new time."))
        else:
            return HttpResponse(status=400)
    except ConflictError as exc:
        messages.warning(request, str(exc))
    except ValidationError as exc:
        request.session["portal_wish_error"] = " ".join(exc.messages)
    return redirect(request.path)


def _answer_quote(request, tracking, *, approve: bool, version: int):
    """Approve the quote with the signature drawn on the page, or decline it."""
    try:
        quote_answered_by_customer(
            order=tracking.order,
            version=version,
            approve=approve,
            signature=request.POST.get("signature", ""),
            reason=request.POST.get("reason", ""),
        )
    except ConflictError as exc:
        messages.warning(request, str(exc))
    except ValidationError as exc:
        request.session["portal_quote_error"] = " ".join(exc.messages)
    else:
        if approve:
            messages.success(request, _("Thank you: the quote is approved and the repair can go ahead."))
        else:
            messages.success(request, _("The quote is declined: the outlet will tell you how to collect your product."))
    return redirect(request.path)


def _rate(request, tracking):
    """The customer's rating of a visit (quality and attitude) or of a walk-in repair, once."""
    post, comment = request.POST, request.POST.get("comment", "")

    def score(name: str) -> int:  # a score not picked is 0: refused with "Rate from 1 to 5."
        value = post.get(name, "")
        return int(value) if value.isdigit() else 0

    try:
        if tracking.to_rate == "visit":
            visit_rated_by_customer(
                order=tracking.order,
                appointment_id=tracking.appointment.pk,
                quality=score("quality"),
                attitude=score("attitude"),
                comment=comment,
            )
        elif tracking.to_rate == "repair":
            pickup_rated_by_customer(order=tracking.order, rating=score("rating"), comment=comment)
        else:
            raise ConflictError(_("This repair has been rated already, or it is not handed back yet."))
    except ConflictError as exc:
        messages.warning(request, str(exc))
    except ValidationError as exc:
        request.session["portal_rating_error"] = " ".join(exc.messages)
        # What was picked and typed comes back with the message: nothing to redo but what was missing.
        request.session["portal_rating_values"] = {
            name: post.get(name, "")[:500] for name in ("quality", "attitude", "rating", "comment")
        }
    else:
        messages.success(request, _("Thank you for your rating."))
    return redirect(request.path)


def _write(request, tracking):
    """A complaint or a suggestion from the page: feedback of the outlet, its supervisors told."""
    try:
        feedback_from_customer(
            work_order=tracking.order, type=request.POST.get("type", ""), text=request.POST.get("text", "")
        )
    except ValidationError as exc:
        request.session["portal_write_error"] = " ".join(exc.messages)
        request.session["portal_write_text"] = request.POST.get("text", "")[:2000]  # nothing typed is lost
    else:
        messages.success(request, _("Thank you: the outlet has your message and will answer you."))
    return redirect(request.path)


@require_http_methods(["GET"])
@ratelimit(key="ip", rate="60/m", block=True)
def book_outlets(request):
    """Where to book: the active outlets, found by a word of their name or address."""
    words = request.GET.get("q", "").strip()[:40]
    outlets = Outlet.objects.filter(is_active=True).order_by("code")
    if words:
        outlets = outlets.filter(Q(name__icontains=words) | Q(address__icontains=words))
    return render(request, "portal/book_outlets.html", {"outlets": outlets[:30], "q": words})


CODE_PHONE = "portal_code_phone"  # the phone a code was sent to, waiting for the code


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate="60/m", block=True)
def book(request, outlet_code: str):
    """Book a repair at this outlet: prove the phone with an SMS code, then say what and when."""
    outlet = get_object_or_404(Outlet, code=outlet_code, is_active=True)
    phone = booking.verified_phone(request.session)
    action = request.POST.get("action", "")
    if action == "restart":
        request.session.pop(booking.SESSION_KEY, None)
        request.session.pop(CODE_PHONE, None)
        return redirect(request.path)
    if not phone:
        return _prove_phone(request, outlet, action)
    customer = customer_of_phone(phone)
    products = booking.earlier_products(customer)
    windows = free_windows(outlet=outlet, first_day=timezone.localdate(), length=BOOKING_LENGTH)
    initial = {"address": customer.addresses.values_list("address", flat=True).first() if customer else ""}
    form = BookingForm(
        request.POST if action == "book" else None,
        initial=initial,
        products=products,
        windows=windows,
        new_customer=customer is None,
    )
    if action == "book" and form.is_valid():
        data = form.cleaned_data
        picked = data["product"]
        try:
            order = work_order_book_by_customer(
                outlet=outlet,
                phone=phone,
                name=data["name"],
                product_id=int(picked) if picked != NEW_PRODUCT else None,
                category=data["category"],
                brand=data["brand"],
                model=data["model"],
                purchase_date=data["purchase_date"],
                fault_description=data["fault_description"],
                address=data["address"],
                window=form.window_picked(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Thank you: we have your request and will call you to confirm the visit."))
            return redirect("track", token=tracking_token(order.pk))  # where the customer follows it
    days: dict = {}
    for start, end in windows:
        days.setdefault(timezone.localtime(start).date(), []).append((start.isoformat(), start, end))
    context = {
        "outlet": outlet,
        "form": form,
        "products": products,
        "window_days": list(days.items()),
        "phone": f"{phone[3:6]} {phone[6:10]} {phone[10:]}",  # the customer's own number, as they write it
        "customer": customer,
    }
    return render(request, "portal/book.html", context)


def _prove_phone(request, outlet, action):
    """Step one: the phone number, a code sent to it, the code typed back."""
    waiting = request.session.get(CODE_PHONE, "")
    phone_form = PhoneForm(request.POST if action == "send_code" else None, initial={"phone": waiting[3:]})
    code_form = CodeForm(request.POST if action == "verify" else None)
    if action == "send_code" and phone_form.is_valid():
        if is_ratelimited(
            request, group="portal-codes", key="ip", rate=settings.PORTAL_CODES_PER_ADDRESS, increment=True
        ):
            phone_form.add_error("phone", _("Too many codes asked from this network: try again in an hour."))
        else:
            try:
                number = booking.mainland_mobile(phone_form.cleaned_data["phone"])
                code = booking.code_send(phone=number, language=translation.get_language())
            except ValidationError as exc:
                phone_form.add_error("phone", exc.message_dict["phone"])
            else:
                request.session[CODE_PHONE] = number
                if settings.DEBUG and settings.NOTIFIER_BACKEND == "core.notify.LogNotifier":
                    messages.info(
                        request, _("Development: messages go to the log; the code is %(code)s.") % {"code": code}
                    )
                return redirect(request.path)
    if action == "verify" and waiting and code_form.is_valid():
        try:
            booking.code_check(phone=waiting, code=code_form.cleaned_data["code"])
        except ValidationError as exc:
            code_form.add_error("code", exc.message_dict["code"])
        else:
            request.session.pop(CODE_PHONE, None)
            booking.remember_verified(request.session, waiting)
            return redirect(request.path)
    context = {
        "outlet": outlet,
        "phone_form": phone_form,
        "code_form": code_form,
        "waiting": waiting,
        "waiting_masked": f"{waiting[3:6]}****{waiting[-4:]}" if waiting else "",
    }
    return render(request, "portal/book_phone.html", context)


@staff_page(perm="core.view_outlet")
def book_poster(request, outlet_code: str):
    """The outlet's booking QR code to print and put on the counter or the door (staff of the outlet)."""
    outlet = get_object_or_404(outlet_list(user=request.user), code=outlet_code)
    url = request.build_absolute_uri(reverse("book", args=[outlet.code]))
    return render(request, "portal/book_poster.html", {"outlet": outlet, "url": url})


@require_http_methods(["GET"])
@ratelimit(key="ip", rate="20/m", block=True)
def track_wechat(request, token: str):
    """Updates in WeChat, from the tracking page opened in WeChat's browser: to the official account's OAuth
    and back here with a code (and the state this browser was given), which gives the customer's openid;
    the order's phone is bound to it (core/wechat.py)."""
    order_id = order_id_for(token)
    tracking = tracking_for(order_id) if order_id and wechat.enabled() else None
    if tracking is None or tracking.expired:
        raise Http404
    here = request.build_absolute_uri(request.path)
    code, state = request.GET.get("code", ""), request.GET.get("state", "")
    if not code:
        request.session["portal_wechat_state"] = state = secrets.token_urlsafe(12)
        return redirect(wechat.oauth(here, state).authorize_url)
    if not state or state != request.session.pop("portal_wechat_state", None):
        return HttpResponse(status=400)  # not the OAuth this browser started
    try:
        openid = wechat.oauth(here, state).fetch_access_token(code)["openid"]
    except WeChatException:
        messages.warning(request, _("WeChat did not answer: try again in a moment."))
        return redirect("track", token=token)
    wechat_chosen_by_customer(order=tracking.order, openid=openid)
    messages.success(request, _("Done: you will get the updates of this repair in WeChat."))
    return redirect("track", token=token)


def rate_limited(request, exception):
    """Too many requests from one address (a page guessing tokens, or a stuck reload): 429, try later."""
    return HttpResponse(
        _("Too many requests: try again in a minute."), status=429, content_type="text/plain; charset=utf-8"
    )
