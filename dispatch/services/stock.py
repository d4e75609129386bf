"""Parts stock in three levels (centre warehouse, outlet, engineer's van), in good and defective bins.

`_move` is the only writer of a stock count: it locks the row, refuses to go below zero (the database
refuses too) and writes the movement with the balance after it. Places are named by keys the pages and
the API share: ``centre-<id>``, ``outlet-<id>``, ``van-<engineer's user id>``.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Outlet, ServiceCentre, User
from core.permissions import require_permission
from core.roles import Role
from core.scoping import in_scope, visible_outlet_ids
from dispatch import rules
from dispatch.lifecycle import TRANSFER
from dispatch.models import Part, PartStock, StockMovement, StockPlace, StockTransfer

L = StockPlace.Level


# --- Places -----------------------------------------------------------------------------------------


def place_of_outlet(outlet: Outlet) -> StockPlace:
    return StockPlace.objects.get_or_create(level=L.OUTLET, outlet=outlet, defaults={"centre_id": outlet.centre_id})[0]


def place_of_centre(centre: ServiceCentre) -> StockPlace:
    return StockPlace.objects.get_or_create(level=L.CENTRE, centre=centre)[0]


def place_of_van(engineer: User) -> StockPlace | None:
    """The engineer's van, made on first use at the engineer's first outlet; None without an outlet."""
    found = StockPlace.objects.filter(level=L.VAN, engineer=engineer).first()
    if found:
        return found
    outlet = engineer.outlets.order_by("code").first()
    if outlet is None:
        return None
    return StockPlace.objects.get_or_create(
        level=L.VAN, engineer=engineer, defaults={"outlet": outlet, "centre_id": outlet.centre_id}
    )[0]


def place_key(place: StockPlace) -> str:
    owner = {L.CENTRE: place.centre_id, L.OUTLET: place.outlet_id, L.VAN: place.engineer_id}[place.level]
    return f"{place.level}-{owner}"


def place_for_key(key: str, actor) -> StockPlace:
    """The place a page or API names by its key, if the actor may see it; else a ValidationError."""
    level, _sep, owner = (key or "").partition("-")
    unknown = ValidationError(_("Unknown stock place."))
    if not owner.isdigit():
        raise unknown
    owner_id = int(owner)
    if level == L.OUTLET:
        outlet = Outlet.objects.filter(pk=owner_id).first()
        if outlet is None or not in_scope(actor, outlet.pk):
            raise unknown
        return place_of_outlet(outlet)
    if level == L.CENTRE:
        centre = ServiceCentre.objects.filter(pk=owner_id).first()
        ids = visible_outlet_ids(actor)
        if centre is None or (ids is not None and not Outlet.objects.filter(centre=centre, pk__in=ids).exists()):
            raise unknown
        return place_of_centre(centre)
    if level == L.VAN:
        engineer = User.objects.filter(pk=owner_id, groups__name=Role.ENGINEER).first()
        place = place_of_van(engineer) if engineer else None
        if place is None or not in_scope(actor, place.outlet_id):
            raise unknown
        return place
    raise unknown


def acts_for(actor, place: StockPlace) -> bool:
    """Whether the actor keeps this place's stock: headquarters all; centre staff their warehouse and
    outlets; an outlet's staff the outlet and its vans; an engineer only their own van."""
    if actor.is_superuser or actor.is_headquarters:
        return True
    if place.level == L.CENTRE:
        return actor.centre_id == place.centre_id
    if actor.role == Role.ENGINEER:
        return place.level == L.VAN and place.engineer_id == actor.pk
    return in_scope(actor, place.outlet_id)


def _require_acts_for(actor, place: StockPlace) -> None:
    if not acts_for(actor, place):
        raise PermissionDenied(_("You do not keep the stock at %(place)s.") % {"place": place})


# --- Counts -----------------------------------------------------------------------------------------


def _locked_stock(place: StockPlace, part: Part, bin: str) -> PartStock:
    PartStock.objects.get_or_create(place=place, part=part, bin=bin)
    return PartStock.objects.select_for_update().select_related("part").get(place=place, part=part, bin=bin)


def _move(stock: PartStock, change: int, reason: str, actor, **links) -> StockMovement:
    """Change a locked stock row by `change` and record it; never below zero."""
    if stock.quantity + change < 0:
        raise ValidationError(
            {
                "quantity": _("Only %(left)d of %(part)s at %(place)s.")
                % {"left": stock.quantity, "part": stock.part, "place": stock.place}
            }
        )
    stock.quantity += change
    stock.save(update_fields=["quantity"])
    return StockMovement.objects.create(
        stock=stock, change=change, balance=stock.quantity, reason=reason, actor=actor, **links
    )


def move_parts(
    place: StockPlace, part: Part, change: int, reason: str, actor, *, bin: str = PartStock.Bin.GOOD, **links
) -> StockMovement:
    """Add parts to or take them from one bin of one place (the requisitions use it too)."""
    return _move(_locked_stock(place, part, bin), change, reason, actor, **links)


@transaction.atomic
def stock_receive(*, place: StockPlace, part: Part, quantity: int, note: str = "", actor) -> PartStock:
    """Parts delivered by the maker to a centre warehouse or an outlet."""
    require_permission(actor, "dispatch.change_partstock")
    _require_acts_for(actor, place)
    if place.level == L.VAN:
        raise ValidationError({"place": _("Vans are stocked by their outlet: make a transfer.")})
    if quantity < 1:
        raise ValidationError({"quantity": _("At least 1.")})
    return move_parts(place, part, quantity, StockMovement.Reason.RECEIVED, actor, note=note.strip()).stock


@transaction.atomic
def stock_count(*, stock: PartStock, counted: int, note: str, actor) -> PartStock:
    """A stock count that differs from the books: the row is set to what was counted, with the reason."""
    require_permission(actor, "dispatch.change_partstock")
    _require_acts_for(actor, stock.place)
    if counted < 0:
        raise ValidationError({"counted": _("A count cannot be below zero.")})
    if not note.strip():
        raise ValidationError({"note": _("Say why the count differs.")})
    locked = _locked_stock(stock.place, stock.part, stock.bin)
    if counted == locked.quantity:
        raise ValidationError({"counted": _("The count matches the stock: nothing to correct.")})
    _move(locked, counted - locked.quantity, StockMovement.Reason.COUNTED, actor, note=note.strip())
    return locked


@transaction.atomic
def reorder_point_set(*, outlet: Outlet, part: Part, reorder_point: int, actor) -> PartStock:
    """The level of an outlet's good stock of a part below which it is to reorder (0: never)."""
    require_permission(actor, "dispatch.change_partstock")
    place = place_of_outlet(outlet)
    _require_acts_for(actor, place)
    if reorder_point < 0:
        raise ValidationError({"reorder_point": _("A reorder point cannot be below zero.")})
    stock = _locked_stock(place, part, PartStock.Bin.GOOD)
    stock.reorder_point = reorder_point
    stock.save(update_fields=["reorder_point"])
    return stock


# --- Transfers between places -----------------------------------------------------------------------


@transaction.atomic
def transfer_request(
    *,
    source: StockPlace,
    destination: StockPlace,
    part: Part,
    quantity: int,
    bin: str = PartStock.Bin.GOOD,
    note: str = "",
    actor,
) -> StockTransfer:
    """Ask for parts to go from one place to another, by either side: an outlet orders from its
    warehouse, a van from its outlet; an outlet sends its defective parts back up."""
    require_permission(actor, "dispatch.add_stocktransfer")
    if not (acts_for(actor, source) or acts_for(actor, destination)):
        raise PermissionDenied(_("You keep the stock at neither place."))
    if source.pk == destination.pk:
        raise ValidationError({"destination": _("Choose another place to send the parts to.")})
    refusal = rules.transfer_refusal(
        source_level=source.level,
        destination_level=destination.level,
        same_centre=source.centre_id == destination.centre_id,
    )
    if refusal:
        raise ValidationError({"destination": refusal})
    if not part.active:
        raise ValidationError({"part": _("This part is no longer in the catalogue.")})
    if quantity < 1:
        raise ValidationError({"quantity": _("At least 1.")})
    transfer = StockTransfer(
        source=source,
        destination=destination,
        part=part,
        bin=bin,
        quantity=quantity,
        note=note.strip(),
        requested_by=actor,
    )
    transfer._history_user = actor
    transfer.save()
    return transfer


def _locked_transfer(transfer: StockTransfer) -> StockTransfer:
    return StockTransfer.objects.select_for_update().select_related("part", "source", "destination").get(pk=transfer.pk)


def _save(transfer: StockTransfer, actor) -> StockTransfer:
    transfer._history_user = actor
    transfer.save()
    return transfer


@transaction.atomic
def transfer_ship(*, transfer: StockTransfer, tracking: str = "", actor) -> StockTransfer:
    """The source sends the parts: they leave its bin (never more than it holds)."""
    require_permission(actor, "dispatch.change_stocktransfer")
    found = _locked_transfer(transfer)
    _require_acts_for(actor, found.source)
    TRANSFER.move(found, "ship")
    move_parts(
        found.source, found.part, -found.quantity, StockMovement.Reason.SHIPPED, actor, bin=found.bin, transfer=found
    )
    found.tracking, found.shipped_by, found.shipped_at = tracking.strip(), actor, timezone.now()
    return _save(found, actor)


@transaction.atomic
def transfer_receive(*, transfer: StockTransfer, actor) -> StockTransfer:
    """The destination has the parts: they enter its bin."""
    require_permission(actor, "dispatch.change_stocktransfer")
    found = _locked_transfer(transfer)
    _require_acts_for(actor, found.destination)
    TRANSFER.move(found, "receive")
    move_parts(
        found.destination,
        found.part,
        found.quantity,
        StockMovement.Reason.ARRIVED,
        actor,
        bin=found.bin,
        transfer=found,
    )
    found.closed_by, found.closed_at = actor, timezone.now()
    return _save(found, actor)


@transaction.atomic
def transfer_cancel(*, transfer: StockTransfer, reason: str, actor) -> StockTransfer:
    """A request not sent after all, by either side, with the reason."""
    require_permission(actor, "dispatch.change_stocktransfer")
    found = _locked_transfer(transfer)
    if not (acts_for(actor, found.source) or acts_for(actor, found.destination)):
        raise PermissionDenied(_("You keep the stock at neither place."))
    TRANSFER.move(found, "cancel", reason=reason)
    found.note = f"{found.note} · {reason.strip()}".strip(" ·")[:200]
    found.closed_by, found.closed_at = actor, timezone.now()
    return _save(found, actor)
