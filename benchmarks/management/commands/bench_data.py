"""Generate the benchmark data set in PostgreSQL: by default 1,000,000 work orders over three years at
400 outlets of 20 centres, with their customers, products, timelines, appointments, visits, callbacks,
complaints, feedback, payments, parts stock in three levels with transfers, and the maker's settlement:
warranty-cost claims with their lines, old-part tags and deductions.

This is the one place that writes the apps' tables directly (COPY, see benchmarks/bulkload.py): the rows
are what the services would have made, in the same tables under the same constraints, at a speed the
services cannot reach. It refuses to run on anything but PostgreSQL and on a database that already
holds benchmark data.
"""

import datetime as dt
import random
import time
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from benchmarks.bulkload import CopyWriter, checks_and_indexes_after, next_id
from complaints.models import ComplaintCase, Feedback
from core.models import Outlet, ServiceCentre, User
from core.roles import Role
from dispatch.models import Appointment, Part, PartStock, StockMovement, StockPlace, StockTransfer, VisitReport
from followups.models import Callback, CallbackPlan
from settlement.models import (
    ClaimLine,
    Deduction,
    DistanceBand,
    PartShipment,
    ReturnTag,
    SettlementLabourRate,
    SettlementPriceList,
    SettlementStatement,
    WarrantyClaim,
)
from workorders.models import Customer, CustomerPhone, Payment, Product, ProductCategory, WorkOrder, WorkOrderEvent

PASSWORD = "Service#2026"  # noqa: S105 (every benchmark account has it; the load test logs in with it)
FAULTS = ["不制冷", "屏幕不亮", "无法开机", "噪音大", "漏水", "充电无反应", "不加热", "显示异常"]
BRANDS = ["海尔", "美的", "格力", "华为", "小米", "海信", "TCL", "格兰仕"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
# The tables loaded by COPY (their foreign keys and plain indexes come back after the load).
LOADED = [
    Customer,
    CustomerPhone,
    Product,
    WorkOrder,
    WorkOrderEvent,
    Appointment,
    VisitReport,
    Callback,
    ComplaintCase,
    Feedback,
    Payment,
    WarrantyClaim,
    ClaimLine,
    ReturnTag,
    Deduction,
    SettlementStatement,
]
SLOTS = [9, 11, 14, 16]  # appointment windows start at these hours and last two hours


class Command(BaseCommand):
    help = "Generate the benchmark data set (PostgreSQL only). See BENCHMARKS.md."

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=1_000_000)
        parser.add_argument("--centres", type=int, default=20)
        parser.add_argument("--outlets-per-centre", type=int, default=20)
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **opts):
        if connection.vendor != "postgresql":
            raise CommandError("bench_data loads with COPY: point DATABASE_URL at PostgreSQL.")
        if ServiceCentre.objects.filter(code__startswith="bench-").exists():
            raise CommandError("This database already holds benchmark data: use a fresh database.")
        self.random = random.Random(opts["seed"])  # noqa: S311 (repeatable data, not secrets)
        self.now = timezone.now()
        self.start = self.now - dt.timedelta(days=365 * opts["years"])
        started = time.monotonic()
        with transaction.atomic():
            self._network(opts["centres"], opts["outlets_per_centre"])
            self._say("network", started)
            self._stock()
            self._say("parts stock in three levels", started)
            customers = int(opts["orders"] * 0.4)
            with checks_and_indexes_after(LOADED):
                self._customers(customers)
                self._say(f"{customers} customers, phones and products", started)
                self._orders(opts["orders"], customers)
                self._say(f"{opts['orders']} work orders with their timelines, visits and callbacks", started)
            self._say("indexes built and foreign keys checked", started)
        with connection.cursor() as cursor:
            # What autovacuum does to a table written once: statistics, and the visibility map that lets
            # counts read an index alone (the headquarters home counting 90,000 claims: 33 -> 12 ms).
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")  # a test's transaction
        self._say("done (VACUUM, ANALYZE)", started)

    def _say(self, what: str, started: float) -> None:
        self.stdout.write(f"{time.monotonic() - started:8.1f} s  {what}")

    # --- The network and its staff ------------------------------------------------------------

    def _network(self, centres: int, per_centre: int) -> None:
        password = make_password(PASSWORD)
        groups = {role: Group.objects.get(name=str(role)).pk for role in Role}
        self.outlets = []  # (outlet id, {role: [user ids]})
        memberships, outlet_links = [], []
        centre_of = {}
        self.centre_of = centre_of
        for c in range(1, centres + 1):
            centre = ServiceCentre.objects.create(code=f"bench-{c:02d}", name=f"第{c}服务中心", region="华东")
            supervisor = User.objects.create(
                username=f"bench-sv-{c:02d}", name=f"主管{c}", password=password, centre=centre
            )
            memberships.append(User.groups.through(user_id=supervisor.pk, group_id=groups[Role.SUPERVISOR]))
            outlets = Outlet.objects.bulk_create(
                [
                    Outlet(code=f"bench-{c:02d}-{o:02d}", name=f"第{c}中心第{o}网点", centre=centre, address="上海市")
                    for o in range(1, per_centre + 1)
                ]
            )
            for outlet in outlets:
                centre_of[outlet.pk] = centre.pk
                staff = {}
                for role, count in ((Role.FRONT_DESK, 1), (Role.HOTLINE, 1), (Role.DISPATCHER, 1), (Role.ENGINEER, 2)):
                    made = User.objects.bulk_create(
                        [
                            User(username=f"{outlet.code}-{role.value}-{n}", name=f"{role.label}{n}", password=password)
                            for n in range(count)
                        ]
                    )
                    staff[role] = [u.pk for u in made]
                    memberships += [User.groups.through(user_id=u.pk, group_id=groups[role]) for u in made]
                    outlet_links += [User.outlets.through(user_id=u.pk, outlet_id=outlet.pk) for u in made]
                self.outlets.append((outlet.pk, staff))
        User.groups.through.objects.bulk_create(memberships)
        User.outlets.through.objects.bulk_create(outlet_links)
        headquarters = User.objects.create(
            username="bench-hq", name="总部结算", password=password, is_headquarters=True
        )
        headquarters.groups.add(groups[Role.ADMIN])
        self.headquarters = headquarters.pk
        # One old-part shipment per outlet holds the parts its centre received before the last weeks.
        self.front_desk = {outlet_id: staff[Role.FRONT_DESK][0] for outlet_id, staff in self.outlets}
        self.statements = {}  # (outlet id, month) -> its statement's id and totals
        self.last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        self.shipments = {
            shipment.outlet_id: shipment.pk
            for shipment in PartShipment.objects.bulk_create(
                PartShipment(
                    outlet_id=outlet_id,
                    centre_id=centre_of[outlet_id],
                    carrier="顺丰速运",
                    tracking_number=f"SF-bench-{outlet_id}",
                    status=PartShipment.Status.RECEIVED,
                    shipped_by_id=staff[Role.FRONT_DESK][0],
                    received_at=self.now,
                )
                for outlet_id, staff in self.outlets
            )
        }
        self.price_list = SettlementPriceList.objects.create(
            name="结算价",
            effective_from=self.start.date(),
            status=SettlementPriceList.Status.PUBLISHED,
            deduct_late_visit=Decimal("20.00"),
            in_use=True,
        )
        SettlementLabourRate.objects.create(
            price_list=self.price_list, category="air_conditioner", service_type="repair", place="bench", amount=60
        )
        DistanceBand.objects.create(price_list=self.price_list, up_to_km=None, travel=Decimal("20.00"))

    # --- Customers, their phones and products ---------------------------------------------------

    def _customers(self, count: int) -> None:
        rnd = self.random
        categories = list(ProductCategory.objects.values_list("pk", flat=True))
        self.first_customer = next_id(Customer)
        self.first_product = next_id(Product)
        customers, phones, products = CopyWriter(Customer), CopyWriter(CustomerPhone), CopyWriter(Product)
        self.customer_outlet = []  # index -> (outlet id, front desk id)
        phone_id = next_id(CustomerPhone)
        span = (self.now - self.start).total_seconds()
        for n in range(count):
            outlet_id, staff = self.outlets[rnd.randrange(len(self.outlets))]
            created = self.start + dt.timedelta(seconds=rnd.random() * span * 0.9)
            customer_id, product_id = self.first_customer + n, self.first_product + n
            clerk = staff[Role.FRONT_DESK][0]
            customers.add(
                id=customer_id,
                name=rnd.choice(SURNAMES) + rnd.choice("伟芳娜敏静丽强磊军洋"),
                outlet_id=outlet_id,
                created_at=created,
                created_by_id=clerk,
            )
            phones.add(id=phone_id + n, customer_id=customer_id, number=f"+86139{n:08d}", is_primary=True)
            products.add(
                id=product_id,
                customer_id=customer_id,
                category_id=rnd.choice(categories),
                brand=rnd.choice(BRANDS),
                model=f"M{rnd.randrange(100, 999)}",
                serial=f"SN{n:010d}",
                purchase_date=(created - dt.timedelta(days=rnd.randrange(0, 300))).date(),
                proof="invoice",
                created_at=created,
            )
            self.customer_outlet.append((outlet_id, created))
        for writer in (customers, phones, products):
            writer.close()

    # --- Parts stock in three levels ---------------------------------------------------------------

    def _stock(self, parts: int = 40, per_van: int = 8) -> None:
        """Every centre's warehouse and every outlet with a good and a defective bin of each part, every
        engineer's van with a few parts; each row with the movement that filled it; reorder points at the
        outlets (some below them); per outlet one transfer requested, one shipped and one received."""
        rnd, G, D = self.random, PartStock.Bin.GOOD, PartStock.Bin.DEFECTIVE
        catalogue = [
            p.pk for p in Part.objects.bulk_create(Part(code=f"bench-{n:03d}", name=f"备件{n}") for n in range(parts))
        ]
        centres = sorted(set(self.centre_of.values()))
        warehouses = StockPlace.objects.bulk_create(StockPlace(level="centre", centre_id=c) for c in centres)
        outlets = StockPlace.objects.bulk_create(
            StockPlace(level="outlet", centre_id=self.centre_of[o], outlet_id=o) for o, _staff in self.outlets
        )
        vans = StockPlace.objects.bulk_create(
            StockPlace(level="van", centre_id=self.centre_of[o], outlet_id=o, engineer_id=e)
            for o, staff in self.outlets
            for e in staff[Role.ENGINEER]
        )
        rows = []
        for place in warehouses:
            rows += [PartStock(place=place, part_id=p, bin=G, quantity=rnd.randrange(20, 200)) for p in catalogue]
            rows += [PartStock(place=place, part_id=p, bin=D, quantity=rnd.randrange(0, 30)) for p in catalogue]
        for place in outlets:
            rows += [
                PartStock(
                    place=place, part_id=p, bin=G, quantity=rnd.randrange(0, 12), reorder_point=rnd.choice([0, 3, 5])
                )
                for p in catalogue
            ]
            rows += [PartStock(place=place, part_id=p, bin=D, quantity=rnd.randrange(0, 4)) for p in catalogue]
        for place in vans:
            rows += [
                PartStock(place=place, part_id=p, bin=G, quantity=rnd.randrange(1, 4))
                for p in rnd.sample(catalogue, per_van)
            ]
        rows = PartStock.objects.bulk_create(rows, batch_size=5000)
        StockMovement.objects.bulk_create(
            (
                StockMovement(
                    stock=row, change=row.quantity, balance=row.quantity, reason="received", actor_id=self.headquarters
                )
                for row in rows
                if row.quantity
            ),
            batch_size=5000,
        )
        warehouse_of = {w.centre_id: w for w in warehouses}
        transfers = []
        for place, (_outlet, staff) in zip(outlets, self.outlets, strict=True):
            for status in ("requested", "shipped", "received"):
                transfers.append(
                    StockTransfer(
                        source=warehouse_of[place.centre_id],
                        destination=place,
                        part_id=rnd.choice(catalogue),
                        quantity=rnd.randrange(1, 6),
                        status=status,
                        tracking="" if status == "requested" else f"SF-bench-{place.pk}",
                        requested_by_id=staff[Role.FRONT_DESK][0],
                        shipped_at=None if status == "requested" else self.now,
                    )
                )
        StockTransfer.objects.bulk_create(transfers, batch_size=5000)

    # --- Work orders with everything that hangs off them -----------------------------------------

    def _orders(self, count: int, customers: int) -> None:
        rnd = self.random
        plans = dict(CallbackPlan.objects.values_list("code", "pk"))
        staff_of = dict(self.outlets)
        writers = {
            model: CopyWriter(model)
            for model in (
                WorkOrder,
                WorkOrderEvent,
                Appointment,
                VisitReport,
                Callback,
                ComplaintCase,
                Feedback,
                Payment,
                WarrantyClaim,
                ClaimLine,
                ReturnTag,
                Deduction,
                SettlementStatement,
            )
        }
        ids = {model: next_id(model) for model in writers}

        def new_id(model):
            ids[model] += 1
            return ids[model] - 1

        busy = set()  # (engineer, day, slot): an engineer's windows never overlap (exclusion constraint)
        span = (self.now - self.start).total_seconds()
        for n in range(count):
            index = rnd.randrange(customers)
            outlet_id, registered = self.customer_outlet[index]
            staff = staff_of[outlet_id]
            created = registered + dt.timedelta(
                seconds=rnd.random() * max(1.0, span - (registered - self.start).total_seconds())
            )
            created = min(created, self.now - dt.timedelta(minutes=5))
            age = self.now - created
            channel = rnd.choices(["walk_in", "onsite_request", "hotline"], weights=[55, 35, 10])[0]
            clerk = staff[Role.FRONT_DESK][0] if channel == "walk_in" else staff[Role.HOTLINE][0]
            in_warranty = rnd.random() < 0.6
            done = age > dt.timedelta(days=10)
            status = (
                rnd.choices(["closed", "cancelled"], weights=[95, 5])[0]
                if done
                else rnd.choice(
                    ["received", "awaiting_dispatch", "scheduled", "in_service", "repaired", "awaiting_callback"]
                )
            )
            order_id = new_id(WorkOrder)
            customer_id, product_id = self.first_customer + index, self.first_product + index
            ready = created + dt.timedelta(hours=rnd.randrange(4, 72))
            picked = (
                ready + dt.timedelta(hours=rnd.randrange(1, 72))
                if channel == "walk_in" and status == "closed"
                else None
            )
            quote = None if in_warranty else rnd.choice([80, 120, 260, 480])
            writers[WorkOrder].add(
                id=order_id,
                number=f"B{created:%y%m%d}{n:08d}",
                status=status,
                channel=channel,
                service_type="repair",
                outlet_id=outlet_id,
                owner_id=clerk,
                customer_id=customer_id,
                product_id=product_id,
                fault_description=rnd.choice(FAULTS),
                in_warranty=in_warranty,
                quote_total=quote,
                picked_up_at=picked,
                satisfaction_rating=rnd.choice([3, 4, 5, 5, 5]) if picked and rnd.random() < 0.3 else None,
                created_at=created,
                created_by_id=clerk,
                updated_at=picked or created,
            )
            writers[WorkOrderEvent].add(
                id=new_id(WorkOrderEvent),
                work_order_id=order_id,
                kind="created",
                to_status="received",
                actor_id=clerk,
                at=created,
            )
            if status == "closed":
                writers[WorkOrderEvent].add(
                    id=new_id(WorkOrderEvent),
                    work_order_id=order_id,
                    kind="transition",
                    transition="finish_repair",
                    from_status="in_service",
                    to_status="repaired",
                    actor_id=clerk,
                    at=ready,
                )
                writers[WorkOrderEvent].add(
                    id=new_id(WorkOrderEvent),
                    work_order_id=order_id,
                    kind="transition",
                    transition="close",
                    from_status="awaiting_callback",
                    to_status="closed",
                    actor_id=clerk,
                    at=ready + dt.timedelta(days=4),
                )
                if picked and quote:
                    writers[Payment].add(
                        id=new_id(Payment),
                        work_order_id=order_id,
                        outlet_id=outlet_id,
                        receipt_number=f"BR{order_id}",
                        amount=quote,
                        method="wechat",
                        received_by_id=clerk,
                        received_at=picked,
                    )
            if channel != "walk_in" and status not in ("received", "awaiting_dispatch", "cancelled"):
                for visit in range(2 if rnd.random() < 0.15 else 1):
                    self._visit(writers, new_id, busy, staff, order_id, outlet_id, created, visit, status)
            if status in ("closed", "awaiting_callback"):
                due = ready + dt.timedelta(hours=72)
                finished = due < self.now
                outcome = (
                    rnd.choices(["satisfied", "dissatisfied", "not_reached"], weights=[90, 5, 5])[0] if finished else ""
                )
                writers[Callback].add(
                    id=new_id(Callback),
                    plan_id=plans["service-72h"],
                    outlet_id=outlet_id,
                    customer_id=customer_id,
                    product_id=product_id,
                    work_order_id=order_id,
                    due_at=due,
                    first_due_at=due,
                    status=("failed" if outcome == "not_reached" else "done") if finished else "scheduled",
                    idempotency_key=f"service-72h:bench:{order_id}",
                    attempts=1 if finished else 0,
                    outcome=outcome,
                    completed_by_id=staff[Role.HOTLINE][0] if finished else None,
                    completed_at=due + dt.timedelta(minutes=rnd.randrange(5, 240)) if finished else None,
                    created_at=ready,
                )
            if status == "closed" and in_warranty:
                self._claim(writers, new_id, staff, order_id, outlet_id, product_id, ready)
            if rnd.random() < 0.01:
                self._complaint(writers, new_id, plans, staff, order_id, outlet_id, customer_id, product_id, created)
            if rnd.random() < 0.02:
                self._feedback(writers, new_id, staff, order_id, outlet_id, customer_id, created)
        self._purchase_callbacks(writers[Callback], new_id, plans, customers)
        self._statements(writers[SettlementStatement])
        for writer in writers.values():
            writer.close()

    def _statement_of(self, new_id, outlet_id: int, at: dt.datetime, amount: Decimal, *, deduction=False):
        """The statement an approved claim or a deduction went on: its outlet's of its month, when that month's
        statements were issued (every month before the last; the last is the bench's to issue)."""
        month = timezone.localtime(at).date().replace(day=1)
        if month >= self.last_month:
            return None
        key = (outlet_id, month)
        if key not in self.statements:
            self.statements[key] = {"id": new_id(SettlementStatement), "n": 0, "claims": Decimal(0), "deductions": 0}
        row = self.statements[key]
        if deduction:
            row["deductions"] += amount
        else:
            row["n"] += 1
            row["claims"] += amount
        return row["id"]

    def _statements(self, writer) -> None:
        for (outlet_id, month), row in self.statements.items():
            following = (month + dt.timedelta(days=32)).replace(day=1)
            issued = timezone.make_aware(dt.datetime.combine(following, dt.time(10)))
            writer.add(
                id=row["id"],
                outlet_id=outlet_id,
                month=month,
                status="agreed",
                claim_count=row["n"],
                claims_total=row["claims"],
                deductions_total=row["deductions"],
                payable=row["claims"] - row["deductions"],
                issued_by_id=self.headquarters,
                issued_at=issued,
                answered_by_id=self.front_desk[outlet_id],
                answered_at=issued + dt.timedelta(days=1),
            )

    def _claim(self, writers, new_id, staff, order_id, outlet_id, product_id, ready):
        """The claim of a closed in-warranty order: mostly approved some days after the close, some waiting or
        held; a third with a part (and its old-part tag, received at the centre); a few late-visit
        deductions."""
        rnd = self.random
        closed = ready + dt.timedelta(days=4)
        decided = closed + dt.timedelta(days=rnd.randrange(1, 20), hours=rnd.randrange(0, 24))
        status = (
            rnd.choices(["approved", "pending", "held"], weights=[85, 10, 5])[0] if decided < self.now else "pending"
        )
        part = rnd.random() < 0.3
        labour, part_price = Decimal("60.00"), Decimal(rnd.choice(["45.00", "180.00", "420.00"]))
        claimed = labour + (part_price if part else 0)
        claim_id = new_id(WarrantyClaim)
        writers[WarrantyClaim].add(
            id=claim_id,
            work_order_id=order_id,
            outlet_id=outlet_id,
            product_id=product_id,
            price_list_id=self.price_list.pk,
            status=status,
            claimed=claimed,
            approved=claimed if status == "approved" else None,
            in_warranty=True,
            service_day=timezone.localdate(ready),
            closed_at=closed,
            findings=[]
            if status != "held"
            else [
                {
                    "rule": "signature",
                    "words": {"id": "No customer signature on the sign-off."},
                    "clears": {
                        "id": "Headquarters approves with a note once a satisfied callback confirms the service."
                    },
                    "blocking": False,
                }
            ],
            checked_at=closed,
            decided_by_id=self.headquarters if status == "approved" else None,
            decided_at=decided if status == "approved" else None,
            statement_id=self._statement_of(new_id, outlet_id, decided, claimed) if status == "approved" else None,
            created_at=closed,
        )
        lines = [("labour", "bench", {"id": "Labour"}, labour)]
        if part:
            lines.append(
                ("part", "ac-capacitor", {"id": "Part %(code)s", "params": {"code": "ac-capacitor"}}, part_price)
            )
        for kind, code, words, amount in lines:
            writers[ClaimLine].add(
                id=new_id(ClaimLine),
                claim_id=claim_id,
                kind=kind,
                code=code,
                words=words,
                quantity=1,
                unit_price=amount,
                amount=amount,
            )
        if part:
            received = closed + dt.timedelta(days=20) < self.now
            writers[ReturnTag].add(
                id=new_id(ReturnTag),
                code=f"JH{order_id}-1",
                work_order_id=order_id,
                outlet_id=outlet_id,
                engineer_id=staff[Role.ENGINEER][0],
                part_code="ac-capacitor",
                due_on=timezone.localdate(ready) + dt.timedelta(days=15),
                status="received" if received else "tagged",
                shipment_id=self.shipments[outlet_id] if received else None,
                inspected_at=closed + dt.timedelta(days=20) if received else None,
                created_at=ready,
            )
        if rnd.random() < 0.03:
            writers[Deduction].add(
                id=new_id(Deduction),
                outlet_id=outlet_id,
                rule="late_visit",
                amount=Decimal("20.00"),
                work_order_id=order_id,
                source=f"bench-visit:{order_id}",
                note="迟到 40 分钟",
                created_at=ready,
                statement_id=self._statement_of(new_id, outlet_id, ready, Decimal("20.00"), deduction=True),
            )

    def _visit(self, writers, new_id, busy, staff, order_id, outlet_id, created, visit, status):
        rnd = self.random
        engineer = rnd.choice(staff[Role.ENGINEER])
        day = (created + dt.timedelta(days=1 + visit * 2)).date()
        slot = rnd.randrange(len(SLOTS))
        while (engineer, day, slot) in busy:
            slot += 1
            if slot == len(SLOTS):
                slot, day = 0, day + dt.timedelta(days=1)
        busy.add((engineer, day, slot))
        tz = timezone.get_default_timezone()
        starts = dt.datetime.combine(day, dt.time(SLOTS[slot]), tzinfo=tz)
        past = starts + dt.timedelta(hours=2) < self.now and status != "scheduled"
        late = rnd.choices([0, 10, 25, 45, 90], weights=[80, 8, 6, 4, 2])[0] if past else 0
        arrived = starts + dt.timedelta(minutes=rnd.randrange(0, 90) if not late else 120 + late) if past else None
        appointment_id = new_id(Appointment)
        writers[Appointment].add(
            id=appointment_id,
            work_order_id=order_id,
            outlet_id=outlet_id,
            engineer_id=engineer,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            status="done" if past else "booked",
            booked_by_id=staff[Role.DISPATCHER][0],
            booked_at=created + dt.timedelta(minutes=rnd.randrange(20, 600)),
            confirmation="confirmed" if past else "",
            arrived_at=arrived,
            finished_at=arrived + dt.timedelta(minutes=50) if arrived else None,
            late_minutes=late,
        )
        if past:
            signed = rnd.random() > 0.02
            writers[VisitReport].add(
                id=new_id(VisitReport),
                appointment_id=appointment_id,
                rating_quality=rnd.choice([3, 4, 5, 5, 5]),
                rating_attitude=rnd.choice([4, 5, 5, 5]),
                signature="data:image/png;base64,iVBORw0KGgo=" if signed else "",
                signature_refused_reason="" if signed else "客户不在场，家属不愿签字",
                satisfied=True,
                signed_off_at=arrived + dt.timedelta(minutes=55),
                updated_by_id=engineer,
                updated_at=arrived + dt.timedelta(minutes=55),
            )

    def _complaint(self, writers, new_id, plans, staff, order_id, outlet_id, customer_id, product_id, created):
        rnd = self.random
        handler = staff[Role.HOTLINE][0]
        opened = created + dt.timedelta(days=rnd.randrange(1, 8))
        if opened > self.now:
            return
        closed = opened + dt.timedelta(days=rnd.randrange(1, 6)) < self.now
        callback_id = None
        if closed:
            callback_id = new_id(Callback)
            writers[Callback].add(
                id=callback_id,
                plan_id=plans["complaint-confirmation"],
                outlet_id=outlet_id,
                customer_id=customer_id,
                product_id=product_id,
                work_order_id=order_id,
                due_at=opened + dt.timedelta(days=2),
                first_due_at=opened + dt.timedelta(days=2),
                status="done",
                idempotency_key=f"complaint-confirmation:bench:{order_id}",
                attempts=1,
                outcome="satisfied",
                completed_by_id=handler,
                completed_at=opened + dt.timedelta(days=2, hours=1),
                created_at=opened,
            )
        writers[ComplaintCase].add(
            id=new_id(ComplaintCase),
            outlet_id=outlet_id,
            customer_id=customer_id,
            product_id=product_id,
            work_order_id=order_id,
            category=rnd.choice([c for c, _label in ComplaintCase.Category.choices]),
            severity=rnd.choices(["low", "medium", "high"], weights=[50, 40, 10])[0],
            description="修了以后又坏了",
            handler_id=handler,
            status="closed" if closed else "open",
            opened_by_id=handler,
            opened_at=opened,
            first_contact_due=opened + dt.timedelta(hours=8),
            remedy_due=opened + dt.timedelta(hours=48),
            close_due=opened + dt.timedelta(hours=120),
            first_contact_at=opened + dt.timedelta(hours=1),
            remedy_agreed_at=opened + dt.timedelta(hours=20) if closed else None,
            closed_at=opened + dt.timedelta(days=2, hours=1) if closed else None,
            lessons="维修后试机" if closed else "",
            confirmation_callback_id=callback_id,
        )

    def _feedback(self, writers, new_id, staff, order_id, outlet_id, customer_id, created):
        rnd = self.random
        kind = rnd.choice(["praise", "suggestion", "consultation"])
        writers[Feedback].add(
            id=new_id(Feedback),
            outlet_id=outlet_id,
            type=kind,
            channel="callback",
            customer_id=customer_id,
            work_order_id=order_id,
            text="师傅很专业" if kind == "praise" else "希望说明书写得更清楚",
            praised_staff_id=rnd.choice(staff[Role.ENGINEER]) if kind == "praise" else None,
            department=rnd.choice(["rd", "quality", "spare_parts"]) if kind == "suggestion" else "",
            product_model=f"M{rnd.randrange(100, 999)}" if kind == "suggestion" else "",
            created_by_id=staff[Role.HOTLINE][0],
            created_at=created + dt.timedelta(days=4),
        )

    def _purchase_callbacks(self, callbacks: CopyWriter, new_id, plans, customers: int) -> None:
        """The 3/7/15/21-day callbacks after each registered purchase."""
        rnd = self.random
        outlets = dict(self.outlets)
        for index in range(customers):
            outlet_id, registered = self.customer_outlet[index]
            hotline = outlets[outlet_id][Role.HOTLINE][0]
            for days in (3, 7, 15, 21):
                due = registered + dt.timedelta(days=days)
                finished = due < self.now - dt.timedelta(hours=2)
                outcome = rnd.choices(["satisfied", "not_reached"], weights=[92, 8])[0] if finished else ""
                callbacks.add(
                    id=new_id(Callback),
                    plan_id=plans[f"purchase-{days}d"],
                    outlet_id=outlet_id,
                    customer_id=self.first_customer + index,
                    product_id=self.first_product + index,
                    due_at=due,
                    first_due_at=due,
                    status=("failed" if outcome == "not_reached" else "done") if finished else "scheduled",
                    idempotency_key=f"purchase-{days}d:bench:{index}",
                    attempts=1 if finished else 0,
                    outcome=outcome,
                    completed_by_id=hotline if finished else None,
                    completed_at=due + dt.timedelta(minutes=rnd.randrange(5, 180)) if finished else None,
                    created_at=registered,
                )
