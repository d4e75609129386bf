"""The work-order lifecycle, declared once: states, transitions, and who may make each.

`services.work_order_transition` is the only code that changes a work order's status; it checks
this table, stores a history row and sends `work_order_transitioned` inside the transaction.
"""

from dataclasses import dataclass

import django.dispatch
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.roles import Role


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")  # logged at the desk or on the hotline
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting customer approval")  # quote given, not yet approved
    AWAITING_DISPATCH = "awaiting_dispatch", _("Awaiting dispatch")  # on-site job waiting for an engineer
    SCHEDULED = "scheduled", _("Scheduled")  # appointment booked with an engineer
    IN_SERVICE = "in_service", _("In service")  # on site or on the bench
    AWAITING_PARTS = "awaiting_parts", _("Awaiting parts")
    REPAIRED = "repaired", _("Repaired, awaiting pickup or sign-off")
    AWAITING_CALLBACK = "awaiting_callback", _("Awaiting callback")  # handed back; the 72-hour callback is due
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = frozenset(Status) - {Status.CLOSED, Status.CANCELLED}
FD, HL, DP, EN, SV, AD = Role.FRONT_DESK, Role.HOTLINE, Role.DISPATCHER, Role.ENGINEER, Role.SUPERVISOR, Role.ADMIN
S = Status
# Where a return or an exchange may end an order: any open state before the product is handed back.
SWAPPABLE = frozenset(OPEN_STATUSES - {Status.AWAITING_CALLBACK})


@dataclass(frozen=True)
class Transition:
    name: str
    label: Promise
    sources: frozenset[Status]
    target: Status
    roles: frozenset[Role]
    needs_reason: bool = False
    # Made only by another app's service (with its own records), never as a bare status change;
    # the text says where the user does it.
    made_by: Promise | None = None


def _t(name, label, sources, target, roles, needs_reason=False, made_by=None) -> Transition:
    return Transition(name, label, frozenset(sources), target, frozenset(roles), needs_reason, made_by)


TRANSITIONS = {
    t.name: t
    for t in [
        _t("quote", _("Give a quote"), {S.RECEIVED}, S.AWAITING_APPROVAL, {FD, HL, EN, SV, AD}),
        _t("approve_quote", _("Customer approved the quote"), {S.AWAITING_APPROVAL}, S.RECEIVED, {FD, HL, EN, SV, AD}),
        _t(
            "decline_quote",
            _("Customer declined the quote"),
            {S.AWAITING_APPROVAL},
            S.CLOSED,
            {FD, HL, EN, SV, AD},
            True,
        ),
        _t("request_dispatch", _("Send for dispatch"), {S.RECEIVED}, S.AWAITING_DISPATCH, {FD, HL, DP, SV, AD}),
        _t(
            "schedule",
            _("Book an engineer"),
            {S.AWAITING_DISPATCH},
            S.SCHEDULED,
            {HL, DP, SV, AD},
            made_by=_("the dispatch board"),
        ),
        _t(
            "unschedule",
            _("Back to the dispatch queue"),
            {S.SCHEDULED},
            S.AWAITING_DISPATCH,
            {DP, SV, AD},
            True,
            made_by=_("the dispatch board"),
        ),
        _t(
            "start_service",
            _("Start the repair"),
            {S.RECEIVED, S.SCHEDULED, S.AWAITING_PARTS},
            S.IN_SERVICE,
            {FD, EN, DP, SV, AD},
        ),
        # No-show, refusal, or a customer not satisfied at sign-off: back to the dispatch queue.
        _t(
            "revisit",
            _("Needs another visit"),
            {S.SCHEDULED, S.IN_SERVICE, S.REPAIRED},
            S.AWAITING_DISPATCH,
            {EN, DP, SV, AD},
            True,
        ),
        _t("wait_for_parts", _("Wait for parts"), {S.IN_SERVICE}, S.AWAITING_PARTS, {FD, EN, SV, AD}, True),
        _t("finish_repair", _("Repair finished"), {S.IN_SERVICE}, S.REPAIRED, {FD, EN, SV, AD}),
        _t("hand_back", _("Handed back / signed off"), {S.REPAIRED}, S.AWAITING_CALLBACK, {FD, EN, SV, AD}),
        _t("close", _("Close"), {S.AWAITING_CALLBACK}, S.CLOSED, {HL, SV, AD}),
        # Phone guidance from the hotline desk or from the engineer on a booked job (its appointment is
        # released): the 2-hour callback asks whether it worked.
        _t(
            "resolve_by_phone",
            _("Resolved by phone guidance"),
            {S.RECEIVED, S.AWAITING_DISPATCH, S.SCHEDULED},
            S.AWAITING_CALLBACK,
            {HL, EN, SV, AD},
            True,
        ),
        # The 2-hour callback found the guidance did not fix it: an engineer goes after all.
        _t(
            "guidance_failed",
            _("Phone guidance did not fix it"),
            {S.AWAITING_CALLBACK},
            S.AWAITING_DISPATCH,
            {HL, SV, AD},
            True,
            made_by=_("the callback"),
        ),
        _t(
            "cancel",
            _("Cancel"),
            {S.RECEIVED, S.AWAITING_APPROVAL, S.AWAITING_DISPATCH, S.SCHEDULED},
            S.CANCELLED,
            {FD, HL, DP, SV, AD},
            True,
        ),
        _t("reopen", _("Reopen"), {S.AWAITING_CALLBACK, S.CLOSED}, S.RECEIVED, {HL, FD, SV, AD}, True),
        # 三包 exchange or return, at the counter or on the spot (the engineer grants it, DOMAIN "On-site"):
        # the unit is taken back and the order closes.
        _t(
            "exchange",
            _("Exchange the unit"),
            SWAPPABLE,
            S.CLOSED,
            {FD, EN, SV, AD},
            made_by=_("the return and exchange page"),
        ),
        _t(
            "return",
            _("Take the unit back and refund"),
            SWAPPABLE,
            S.CLOSED,
            {FD, EN, SV, AD},
            made_by=_("the return and exchange page"),
        ),
    ]
}

# Sent inside the transaction by services.work_order_transition, after the history row is written.
# Subscribers (connected in their AppConfig.ready) are listed in the README.
work_order_transitioned = django.dispatch.Signal()  # kwargs: work_order, transition, event, actor
# Sent inside the transaction by services.product_register: a product (maybe just sold) is on file.
product_registered = django.dispatch.Signal()  # kwargs: product, outlet, actor
# Sent inside the transaction by services.call_log: a hotline call is on the log (phone guidance given
# without an order still gets its 2-hour callback).
call_logged = django.dispatch.Signal()  # kwargs: call, actor


def allowed(status: Status, role: Role | None) -> list[Transition]:
    """The bare transitions a role may make from a status, in table order."""
    return [t for t in TRANSITIONS.values() if status in t.sources and role in t.roles and t.made_by is None]
