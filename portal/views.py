"""The customer's tracking page, opened from the link or the QR code on the job sheet and pickup slip; from
it the customer confirms the appointment or asks for another time."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from complaints.services import feedback_from_customer
from core.errors import ConflictError
from dispatch.services import (
    appointment_confirm_by_customer,
    appointment_move_asked_by_customer,
    visit_rated_by_customer,
)
from portal.tracking import badge_number, mask_name, tracking_for
from workorders.services import pickup_rated_by_customer, quote_answered_by_customer
from workorders.tracking import order_id_for


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
        "order": order,
        "customer_name": mask_name(order.customer.name),
        "badge": badge_number(tracking.appointment.engineer_id) if tracking.engineer_shown else "",
        "wish_error": request.session.pop("portal_wish_error", ""),
        "rating_error": request.session.pop("portal_rating_error", ""),
        "write_error": request.session.pop("portal_write_error", ""),
        "write_text": request.session.pop("portal_write_text", ""),
        "quote_error": request.session.pop("portal_quote_error", ""),
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


def rate_limited(request, exception):
    """Too many requests from one address (a page guessing tokens, or a stuck reload): 429, try later."""
    return HttpResponse(
        _("Too many requests: try again in a minute."), status=429, content_type="text/plain; charset=utf-8"
    )
