"""Read side of dispatch: the board, suggestions and the engineer's jobs, each in a fixed number of queries."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from core import reference
from core.models import Outlet, ServiceCentre, User, in_reader_language
from core.roles import Role
from core.scoping import scope, visible_outlet_ids, visible_outlets, visible_staff
from dispatch import rules
from dispatch.models import (
    Appointment,
    AppointmentChange,
    EngineerProfile,
    PartStock,
    StockMovement,
    StockPlace,
    StockTransfer,
    VisitReport,
)
from warranty.models import PartPrice
from warranty.services import schedule_in_force
from workorders.lifecycle import Status
from workorders.models import CustomerPhone, WorkOrder
from workorders.selectors import work_order_list

DAY_FROM, DAY_UNTIL = 7, 21  # hours the board shows
# Engineers per page of the board: a screen shows a few dozen rows, and the next page loads as the
# dispatcher scrolls to it (an outlet may have hundreds of engineers and thousands of jobs a day).
BOARD_PAGE, BOARD_PAGE_MAX = 50, 200


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    return start, start + timedelta(days=1)


def engineers(*, user, outlet=None) -> QuerySet[EngineerProfile]:
    """Active engineers the user may dispatch, with their skills and outlets."""
    queryset = (
        EngineerProfile.objects.filter(active=True, user__is_active=True, user__in=visible_staff(user))
        .select_related("user")
        .prefetch_related("skills", "user__outlets")
        .order_by("user__name", "user_id")
    )
    if outlet is not None:
        queryset = queryset.filter(user__in=outlet.staff.values("pk"))
    return queryset


def _field_engineer(user) -> bool:
    """Records visits but does not dispatch (read from the cached permissions, not a query)."""
    return user.has_perm("dispatch.visit_appointment") and not user.has_perm("dispatch.dispatch_appointment")


def engineers_see_their_jobs(queryset: QuerySet[WorkOrder], user) -> QuerySet[WorkOrder]:
    """Field engineers see the on-site orders booked with them (and the bench's walk-ins and orders
    they own), not every on-site job of their outlets. A subquery: no query of its own."""
    if not _field_engineer(user):
        return queryset
    booked_with_them = Appointment.objects.filter(engineer_id=user.pk).values("work_order_id")
    return queryset.filter(Q(channel=WorkOrder.Channel.WALK_IN) | Q(owner_id=user.pk) | Q(pk__in=booked_with_them))


def appointment_list(*, user) -> QuerySet[Appointment]:
    """Appointments of the user's outlets with what a row shows; engineers see only their own."""
    queryset = scope(
        Appointment.objects.select_related(
            "engineer", "work_order", "work_order__customer", "work_order__product", "work_order__product__category"
        ),
        user,
    )
    if _field_engineer(user):
        queryset = queryset.filter(engineer=user)
    return queryset


def order_visits(*, user, order) -> QuerySet[Appointment]:
    """One order's appointments in time order, with their engineers and reports (one query). The order
    itself is the caller's: a list row's joins (the order, its customer, product, category) are not read
    again (a fifth of the order page's time went to compiling them)."""
    return (
        appointment_list(user=user)
        .select_related(None)
        .select_related("engineer", "report")
        .filter(work_order=order)
        .order_by("starts_at", "id")
    )


def appointment_detail(*, user) -> QuerySet[Appointment]:
    return (
        appointment_list(user=user)
        .select_related("loaner")
        .prefetch_related(
            Prefetch("work_order__customer__phones", queryset=CustomerPhone.objects.order_by("-is_primary", "id")),
            Prefetch(
                "changes", queryset=AppointmentChange.objects.select_related("from_engineer", "to_engineer", "actor")
            ),
        )
    )


def dispatch_queue(*, user) -> QuerySet[WorkOrder]:
    """Orders waiting for an engineer, urgent first, then oldest (incomplete ones are marked on the
    page): new jobs, and pulled-back products repaired on the bench whose return is not booked yet."""
    pulled_back = VisitReport.objects.filter(appointment__work_order=OuterRef("pk"), pulled_back=True)
    return_booked = Appointment.objects.filter(
        work_order=OuterRef("pk"),
        purpose=Appointment.Purpose.RETURN,
        status__in=[Appointment.Status.BOOKED, Appointment.Status.ON_SITE],
    )
    return (
        work_order_list(user=user)
        .filter(
            Q(status=Status.AWAITING_DISPATCH)
            | (Q(status=Status.REPAIRED) & Exists(pulled_back) & ~Exists(return_booked))
        )
        .annotate(is_return=Q(status=Status.REPAIRED))
        .order_by("-priority", "created_at", "id")
    )


# What a card of the board's queue shows: its columns only (a page of full orders with their customer,
# outlet and owner had cost more than the rest of the board).
BOARD_QUEUE_FIELDS = (
    "number",
    "status",
    "priority",
    "missing_info",
    "fault_description",
    "address",
    "requested_time",
    "created_at",
    "product__brand",
    "product__model",
    "product__category__name",
    "product__category__name_en",
)


def board_queue(*, user) -> QuerySet[WorkOrder]:
    """The dispatch queue as the board's cards show it."""
    return dispatch_queue(user=user).select_related(None).select_related("product__category").only(*BOARD_QUEUE_FIELDS)


class BoardBlock(NamedTuple):
    """One appointment as the board shows it (a plain tuple: the board may hold thousands)."""

    pk: int
    work_order_id: int
    number: str
    customer: str
    category: str
    starts_at: datetime
    ends_at: datetime
    status: str
    reassign_requested: str


def engineer_codes(profiles: list[EngineerProfile]) -> None:
    """Give each profile `skill_codes` and `outlet_codes` (two queries of plain values: for the board's
    200 engineers the prefetch machinery cost several times the queries)."""
    skills: dict[int, list[str]] = {}
    for profile_id, code in (
        EngineerProfile.skills.through.objects.filter(engineerprofile_id__in=[p.pk for p in profiles])
        .order_by("productcategory__code")
        .values_list("engineerprofile_id", "productcategory__code")
    ):
        skills.setdefault(profile_id, []).append(code)
    outlets: dict[int, list[str]] = {}
    for user_id, code in (
        User.outlets.through.objects.filter(user_id__in=[p.user_id for p in profiles])
        .order_by("outlet__code")
        .values_list("user_id", "outlet__code")
    ):
        outlets.setdefault(user_id, []).append(code)
    for profile in profiles:
        profile.skill_codes = skills.get(profile.pk, [])
        profile.outlet_codes = outlets.get(profile.user_id, [])


class BoardEngineer(NamedTuple):
    """An engineer as the board page shows them (plain values: 200 profile and user objects cost
    more than the query reading them)."""

    user_id: int
    name: str
    daily_capacity: int
    base_area: str


def engineer_page(queryset: QuerySet[EngineerProfile], *, after: int | None, size: int) -> tuple[list, int | None]:
    """A page of engineers past the one whose user id is `after`, in the order of `engineers` (name, then
    id), and the cursor of the next page (its last engineer's user id), if one follows. Rows are
    profiles, or named values that include `user_id`. Keyset, not OFFSET: the cursor's name is a
    subquery of the same query, read among the same engineers (a cursor naming anyone else gives nothing)."""
    if after is not None:
        name = Subquery(queryset.filter(user_id=after).values("user__name")[:1])
        queryset = queryset.filter(Q(user__name__gt=name) | Q(user__name=name, user_id__gt=after))
    rows = list(queryset[: size + 1])  # one more, to tell whether a page follows
    if len(rows) > size:
        return rows[:size], rows[size - 1].user_id
    return rows, None


def board_engineers(*, user, outlet=None, after: int | None = None) -> tuple[list[BoardEngineer], int | None]:
    """A page of the board's engineers and the cursor of the next page."""
    rows, next_after = engineer_page(
        engineers(user=user, outlet=outlet)
        .prefetch_related(None)
        .values_list("user_id", "user__name", "user__username", "daily_capacity", "base_area", named=True),
        after=after,
        size=BOARD_PAGE,
    )
    # Named as EngineerProfile.__str__ names them.
    roster = [BoardEngineer(pk, name or username, capacity, area) for pk, name, username, capacity, area in rows]
    return roster, next_after


@dataclass
class BoardRow:
    engineer: BoardEngineer | EngineerProfile
    blocks: list[BoardBlock]
    jobs: int


def board(*, roster: list[BoardEngineer] | list[EngineerProfile], day: date) -> list[BoardRow]:
    """One row per engineer of the roster (as the caller read them: `board_engineers` for the page, profiles for
    the API) with the day's appointments placed on the timeline, in one query."""
    start, end = day_bounds(day)
    rows = (
        Appointment.objects.filter(engineer_id__in=[e.user_id for e in roster], starts_at__gte=start, starts_at__lt=end)
        .exclude(status=Appointment.Status.CANCELLED)
        .order_by("starts_at")
        .values_list(
            "pk",
            "engineer_id",
            "work_order_id",
            "work_order__number",
            "work_order__customer__name",
            "work_order__product__category__name",
            "work_order__product__category__name_en",
            "starts_at",
            "ends_at",
            "status",
            "reassign_requested",
        )
    )
    by_engineer: dict[int, list[BoardBlock]] = {}
    for pk, engineer_id, order_id, number, customer, category, category_en, *times in rows:
        block = BoardBlock(pk, order_id, number, customer, in_reader_language(category, category_en), *times)
        by_engineer.setdefault(engineer_id, []).append(block)
    return [
        BoardRow(
            engineer=engineer,
            blocks=by_engineer.get(engineer.user_id, []),
            jobs=sum(b.status in Appointment.LIVE for b in by_engineer.get(engineer.user_id, [])),
        )
        for engineer in roster
    ]


def week(*, user, first_day: date, outlet=None) -> tuple[list[date], list[tuple[EngineerProfile, list[int]]]]:
    """Jobs per engineer per day for seven days: the engineers' queries and one for the appointments."""
    days = [first_day + timedelta(days=i) for i in range(7)]
    profiles = list(engineers(user=user, outlet=outlet))
    start, _end = day_bounds(first_day)
    counts: dict[tuple[int, date], int] = {}
    for engineer_id, starts_at in Appointment.objects.filter(
        engineer_id__in=[p.user_id for p in profiles],
        starts_at__gte=start,
        starts_at__lt=start + timedelta(days=7),
        status__in=Appointment.LIVE,
    ).values_list("engineer_id", "starts_at"):
        key = (engineer_id, timezone.localtime(starts_at).date())
        counts[key] = counts.get(key, 0) + 1
    return days, [(p, [counts.get((p.user_id, d), 0) for d in days]) for p in profiles]


def suggestions(*, user, order: WorkOrder, wanted: datetime, length: timedelta) -> list[rules.Suggestion]:
    """Engineers of the order's outlet ranked for it (rules.rank), in four queries."""
    profiles = list(engineers(user=user, outlet=order.outlet))
    local = timezone.localtime(wanted)
    start, end = day_bounds(local.date())
    busy: dict[int, list[tuple[datetime, datetime]]] = {}
    for engineer_id, starts_at, ends_at in Appointment.objects.filter(
        engineer_id__in=[p.user_id for p in profiles],
        starts_at__gte=start,
        starts_at__lt=end,
        status__in=Appointment.LIVE,
    ).values_list("engineer_id", "starts_at", "ends_at"):
        busy.setdefault(engineer_id, []).append((starts_at, ends_at))
    candidates = []
    for profile in profiles:
        if local.weekday() in profile.days_off:
            continue
        windows = busy.get(profile.user_id, [])
        free = rules.nearest_free_start(
            busy=windows,
            day_start=timezone.make_aware(datetime.combine(local.date(), profile.work_start)),
            day_end=timezone.make_aware(datetime.combine(local.date(), profile.work_end)),
            wanted=wanted,
            length=length,
        )
        candidates.append(
            rules.Candidate(
                engineer_id=profile.user_id,
                name=str(profile),
                has_skill=any(s.pk == order.product.category_id for s in profile.skills.all()),
                does_service_type=order.service_type in profile.service_types,
                near_base=bool(profile.base_area) and profile.base_area in order.address,
                free_start=free,
                jobs_that_day=len(windows),
                capacity=profile.daily_capacity,
            )
        )
    return rules.rank(candidates, wanted=wanted)


NEXT_FREE_HORIZON_DAYS = 14


def _busy_windows(profiles, first: datetime, last: datetime) -> dict[tuple[int, date], list[tuple[datetime, datetime]]]:
    """The engineers' live appointments between `first` and `last`, by engineer and local day: one query."""
    busy: dict[tuple[int, date], list[tuple[datetime, datetime]]] = {}
    for engineer_id, starts_at, ends_at in Appointment.objects.filter(
        engineer_id__in=[p.user_id for p in profiles],
        starts_at__gte=first,
        starts_at__lt=last,
        status__in=Appointment.LIVE,
    ).values_list("engineer_id", "starts_at", "ends_at"):
        busy.setdefault((engineer_id, timezone.localtime(starts_at).date()), []).append((starts_at, ends_at))
    return busy


def next_free_slot(
    *, user, order: WorkOrder, after: date, length: timedelta
) -> tuple[datetime, EngineerProfile] | None:
    """When nobody is free on the day asked for: the earliest free window of an engineer of the order's
    outlet on the first day after `after` that has one (within two weeks), days off and capacity kept.
    Two queries, whatever the horizon."""
    profiles = list(engineers(user=user, outlet=order.outlet))
    first, _ = day_bounds(after + timedelta(days=1))
    _, last = day_bounds(after + timedelta(days=NEXT_FREE_HORIZON_DAYS))
    busy = _busy_windows(profiles, first, last)
    for offset in range(1, NEXT_FREE_HORIZON_DAYS + 1):
        day = after + timedelta(days=offset)
        found = []
        for profile in profiles:
            windows = busy.get((profile.user_id, day), [])
            if day.weekday() in profile.days_off or len(windows) >= profile.daily_capacity:
                continue
            opens = timezone.make_aware(datetime.combine(day, profile.work_start))
            free = rules.nearest_free_start(
                busy=windows,
                day_start=opens,
                day_end=timezone.make_aware(datetime.combine(day, profile.work_end)),
                wanted=opens,
                length=length,
            )
            if free is not None:
                found.append((free, profile))
        if found:
            return min(found, key=lambda slot: slot[0])
    return None


def engineer_jobs(*, user, day: date) -> QuerySet[Appointment]:
    """The engineer's jobs of a day in time order, with customer phones for tap-to-call."""
    start, end = day_bounds(day)
    return (
        appointment_list(user=user)
        .filter(engineer=user, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=Appointment.Status.CANCELLED)
        .prefetch_related(
            Prefetch("work_order__customer__phones", queryset=CustomerPhone.objects.order_by("-is_primary", "id"))
        )
        .order_by("starts_at", "id")
    )


@dataclass
class ReconciliationRow:
    """One engineer's day: visits against their signed records (对帐)."""

    engineer: object
    visits: list[Appointment]
    signed: int
    not_home_or_refused: int
    missing: list[Appointment]  # window over, no signed record
    unsigned_satisfied: list[Appointment]  # "satisfied" without the customer's signature
    late: list[Appointment]  # record signed off after the visit's day


def reconciliation(*, user, day: date, outlet=None) -> list[ReconciliationRow]:
    """The information clerk's daily check of every engineer's visits, in one query."""
    start, end = day_bounds(day)
    now = timezone.now()
    appointments = (
        appointment_list(user=user)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .exclude(status=Appointment.Status.CANCELLED)
        .select_related("report")
        .defer("report__signature", "report__pull_back_signature")  # images: only whether there is one
        .annotate(has_signature=ExpressionWrapper(~Q(report__signature=""), output_field=BooleanField()))
        .order_by("engineer__name", "engineer_id", "starts_at")
    )
    if outlet is not None:
        appointments = appointments.filter(outlet=outlet)
    rows: dict[int, ReconciliationRow] = {}
    for appointment in appointments:
        row = rows.setdefault(
            appointment.engineer_id,
            ReconciliationRow(appointment.engineer, [], 0, 0, [], [], []),
        )
        row.visits.append(appointment)
        report = getattr(appointment, "report", None)
        signed_off = report is not None and report.signed_off_at is not None
        if appointment.status in (Appointment.Status.NO_SHOW, Appointment.Status.REFUSED):
            row.not_home_or_refused += 1
        elif signed_off:
            row.signed += 1
            if report.satisfied and not appointment.has_signature:
                row.unsigned_satisfied.append(appointment)
            if timezone.localtime(report.signed_off_at).date() > day:
                row.late.append(appointment)
        elif appointment.ends_at < now:
            row.missing.append(appointment)
    return list(rows.values())


def part_prices() -> dict[str, object]:
    """Part code -> price in the fee schedule in force today (one query)."""
    schedule = schedule_in_force(timezone.localdate())
    if schedule is None:
        return {}
    return dict(PartPrice.objects.filter(schedule=schedule).values_list("code", "price"))


def running_late(appointment: Appointment, *, now: datetime | None = None) -> dict | None:
    """On the way (or not yet left) and arriving after the agreed time: when to call the customer, when
    the engineer will arrive and how many minutes late (None when on time or the travel is unknown)."""
    if appointment.arrived_at or appointment.status not in (Appointment.Status.BOOKED, Appointment.Status.ON_SITE):
        return None
    arrives_at = rules.expected_arrival(
        now=now or timezone.now(),
        departed_at=appointment.departed_at,
        planned_departure_at=appointment.planned_departure_at,
        travel_minutes=appointment.travel_minutes,
    )
    call_at = rules.late_call(agreed_at=appointment.starts_at, arrives_at=arrives_at)
    if call_at is None:
        return None
    return {
        "call_at": call_at,
        "arrives_at": arrives_at,
        "minutes": rules.minutes_late(arrived_at=arrives_at, agreed_at=appointment.starts_at),
    }


# --- Parts stock in three levels -------------------------------------------------------------------


def _centres_of(outlet_ids) -> set[int]:
    outlets = reference.remembered("outlets", lambda: {o.pk: o for o in Outlet.objects.all()})
    return {outlets[pk].centre_id for pk in outlet_ids if pk in outlets}


def places_condition(user, *, prefix: str = "") -> Q | None:
    """The stock places `user` sees: their outlets' (outlets and vans) and their centres' warehouses;
    None for headquarters (all). An outlet's staff see the warehouse they order from."""
    ids = visible_outlet_ids(user)
    if ids is None:
        return None
    return Q(**{f"{prefix}outlet_id__in": ids}) | Q(
        **{f"{prefix}level": StockPlace.Level.CENTRE, f"{prefix}centre_id__in": _centres_of(ids)}
    )


def place_choices(user) -> list[tuple[str, list[tuple[str, str]]]]:
    """The places a form offers the user, grouped by level, named by their keys (two queries)."""
    outlets = list(visible_outlets(user).select_related("centre").order_by("code"))
    centres = sorted({o.centre for o in outlets}, key=lambda c: c.code)
    engineers = (
        User.objects.filter(groups__name=Role.ENGINEER, is_active=True, outlets__in=[o.pk for o in outlets])
        .distinct()
        .order_by("name", "pk")
    )
    return [
        (
            StockPlace.Level.CENTRE.label,
            [(f"centre-{c.pk}", str(StockPlace(level="centre", centre=c))) for c in centres],
        ),
        (StockPlace.Level.OUTLET.label, [(f"outlet-{o.pk}", o.name) for o in outlets]),
        (StockPlace.Level.VAN.label, [(f"van-{u.pk}", str(StockPlace(level="van", engineer=u))) for u in engineers]),
    ]


def places_matching(user, words: str, limit: int = 20) -> list[dict]:
    """The user's stock places whose warehouse, outlet or van owner matches the words (three small queries):
    the place picker's search for people who see many places."""
    outlets = visible_outlets(user).select_related("centre").order_by("code")
    engineers = User.objects.filter(groups__name=Role.ENGINEER, is_active=True, outlets__in=outlets.values("pk"))
    centres = ServiceCentre.objects.filter(pk__in=outlets.values("centre_id")).order_by("code")
    if words:
        outlets = outlets.filter(Q(code__icontains=words) | Q(name__icontains=words))
        engineers = engineers.filter(Q(name__icontains=words) | Q(username__icontains=words))
        centres = centres.filter(Q(code__icontains=words) | Q(name__icontains=words))
    found = [(f"centre-{c.pk}", str(StockPlace(level="centre", centre=c))) for c in centres[:limit]]
    found += [(f"outlet-{o.pk}", o.name) for o in outlets[:limit]]
    found += [
        (f"van-{u.pk}", str(StockPlace(level="van", engineer=u))) for u in engineers.distinct().order_by("name")[:limit]
    ]
    return [{"value": key, "text": label} for key, label in found[:limit]]


def _in_places(queryset: QuerySet, user, *, prefix: str) -> QuerySet:
    condition = places_condition(user, prefix=prefix)
    return queryset if condition is None else queryset.filter(condition)


def visible_places(user) -> QuerySet[StockPlace]:
    return _in_places(StockPlace.objects.all(), user, prefix="")


def _on_the_way() -> Subquery:
    """Parts requested or shipped to a stock row's place, of its part and bin."""
    incoming = (
        StockTransfer.objects.filter(
            destination_id=OuterRef("place_id"),
            part_id=OuterRef("part_id"),
            bin=OuterRef("bin"),
            status__in=[StockTransfer.Status.REQUESTED, StockTransfer.Status.SHIPPED],
        )
        .order_by()
        .values("destination_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Coalesce(Subquery(incoming, output_field=IntegerField()), Value(0))


PLACE_OWNER = {"centre": "centre_id", "outlet": "outlet_id", "van": "engineer_id"}  # a place key's id names


def stock_list(
    *, user, level: str = "", bin: str = "", to_reorder: bool = False, place: str = ""
) -> QuerySet[PartStock]:
    """Stock rows the user sees with the parts on their way; `place`: one place's, by its key (``van-12``);
    `to_reorder`: the outlets' rows whose stock and parts on their way are below the reorder point (the
    list of what to reorder)."""
    rows = _in_places(
        PartStock.objects.select_related("part", "place__centre", "place__outlet", "place__engineer"),
        user,
        prefix="place__",
    ).annotate(on_the_way=_on_the_way())
    if level:
        rows = rows.filter(place__level=level)
    kind, _sep, owner = place.partition("-")
    if kind in PLACE_OWNER and owner.isdigit():
        rows = rows.filter(place__level=kind, **{f"place__{PLACE_OWNER[kind]}": int(owner)})
    if bin:
        rows = rows.filter(bin=bin)
    if to_reorder:
        rows = rows.filter(reorder_point__gt=0).filter(reorder_point__gt=F("quantity") + F("on_the_way"))
    return rows


def stock_detail(*, user) -> QuerySet[PartStock]:
    return _in_places(
        PartStock.objects.select_related("part", "place__centre", "place__outlet", "place__engineer"),
        user,
        prefix="place__",
    )


def stock_movements(stock: PartStock) -> QuerySet[StockMovement]:
    return StockMovement.objects.filter(stock=stock).select_related("actor", "requisition__work_order", "transfer")


def transfer_list(*, user) -> QuerySet[StockTransfer]:
    """Transfers from or to a place the user sees."""
    rows = StockTransfer.objects.select_related(
        "part",
        "requested_by",
        *(f"{end}__{field}" for end in ("source", "destination") for field in ("centre", "outlet", "engineer")),
    )
    source, destination = places_condition(user, prefix="source__"), places_condition(user, prefix="destination__")
    return rows if source is None else rows.filter(source | destination)


# The two-hour windows a customer picks from on the self-service booking page (portal), local time.
CUSTOMER_WINDOWS = [(9, 11), (11, 13), (14, 16), (16, 18)]
CUSTOMER_WINDOW_DAYS = 7


def free_windows(*, outlet: Outlet, first_day: date, length: timedelta) -> list[tuple[datetime, datetime]]:
    """The customer's choice of visit times: each two-hour window of the coming days in which an active
    engineer of the outlet can still start a visit of `length` (working hours, days off, daily capacity and
    booked visits kept). Two queries, whatever the number of engineers and days. A window offered is a wish
    the dispatcher books, not a booking: it may be gone by then."""
    profiles = list(
        EngineerProfile.objects.filter(active=True, user__is_active=True, user__outlets=outlet).only(
            "user_id", "work_start", "work_end", "days_off", "daily_capacity"
        )
    )
    start, _ = day_bounds(first_day)
    _, end = day_bounds(first_day + timedelta(days=CUSTOMER_WINDOW_DAYS - 1))
    busy = _busy_windows(profiles, start, end)
    now, found = timezone.now(), []
    for offset in range(CUSTOMER_WINDOW_DAYS):
        day = first_day + timedelta(days=offset)
        for opens, closes in CUSTOMER_WINDOWS:
            window = (
                timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=opens))),
                timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=closes))),
            )
            if window[0] > now and any(_can_start(p, busy.get((p.user_id, day), []), window, length) for p in profiles):
                found.append(window)
    return found


def _can_start(profile: EngineerProfile, busy, window: tuple[datetime, datetime], length: timedelta) -> bool:
    day = timezone.localtime(window[0]).date()
    if day.weekday() in profile.days_off or len(busy) >= profile.daily_capacity:
        return False
    works_from = timezone.make_aware(datetime.combine(day, profile.work_start))
    works_until = timezone.make_aware(datetime.combine(day, profile.work_end))
    day_start, day_end = max(window[0], works_from), min(window[1] + length - rules.SLOT_STEP, works_until)
    # A visit may start anywhere in the window (up to its last half-hour) and run past its end.
    return (
        rules.nearest_free_start(busy=busy, day_start=day_start, day_end=day_end, wanted=day_start, length=length)
        is not None
    )
