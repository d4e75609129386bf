"""Run the benchmark cases against the benchmark data (`bench_data`) and write the results.

Each case is requested many times in this process through Django's full request stack (middleware,
view, template or serializer); the figures are the server time of each request (median and p95),
the number of SQL queries per request, and the process's peak memory after the case. The results go
to var/bench/results.json and var/bench/results.md; BENCHMARKS.md keeps the figures of record.
"""

import datetime as dt
import gc
import json
import resource
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.pagination import Cursor

from benchmarks.bulkload import CopyWriter, next_id
from core.drf import KeysetPagination
from core.models import Outlet, ServiceCentre, User
from core.roles import Role
from dispatch import selectors
from dispatch.models import Appointment, EngineerProfile
from followups.models import Callback
from followups.services import callback_sweep
from kpis.models import FiguresRefresh
from kpis.services import figures_refresh_history, figures_refresh_recent
from settlement.models import Deduction, SettlementStatement, WarrantyClaim
from settlement.services import statements_issue
from workorders.models import Customer, CustomerPhone, WorkOrder
from workorders.tracking import tracking_token

PAGE = 50
BACKLOG = "bench: due at once"  # marks the callbacks the sweep case turned back into due ones
BACKEND = "core.permissions.PermissionBackend"  # the one of settings.AUTHENTICATION_BACKENDS that logs in


class PhonesClient(Client):
    """A client whose every request comes from another address."""

    sent = 0

    def get(self, path, data=None, **extra):
        self.sent += 1
        n = self.sent
        return super().get(path, data, REMOTE_ADDR=f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}", **extra)


class QueryTimer:
    """Times each query in the database driver (its round trip and its rows) to the microsecond, as an
    execute wrapper: Django's captured queries round each time to a whole millisecond, and capturing them
    switches on the debug cursor, whose SQL formatting would count as the page's own time."""

    def __init__(self):
        self.queries: list[tuple[str, object, float]] = []  # (sql, params, seconds)

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, params, time.perf_counter() - started))

    def __len__(self) -> int:
        return len(self.queries)

    @property
    def ms(self) -> float:
        return sum(seconds for *_, seconds in self.queries) * 1000


def _full_page_cursor(rows: int) -> int:
    """The index of the row whose id is the cursor of page 200 of PAGE rows, or of the last full page."""
    return max(0, min(200 * PAGE, rows - PAGE) - 1)


class Command(BaseCommand):
    help = "Run the benchmark cases against the benchmark data and write var/bench/results.{json,md}."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=50, help="requests per case (after one warm-up)")
        parser.add_argument("--sweep", type=int, default=100_000, help="callbacks made due at once for the sweep")
        parser.add_argument("--only", nargs="*", default=[], help="the case numbers to run (default: every case)")

    def handle(self, *args, **opts):
        if not ServiceCentre.objects.filter(code="bench-01").exists():
            raise CommandError("No benchmark data here: run `manage.py bench_data` on this database first.")
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the in-process client's host
        gc.freeze()  # as the serving process does once it has loaded (config/wsgi.py)
        self.requests = opts["requests"]
        self.results = []
        self.machine = self._calibrate()
        # A centre supervisor reads the lists: an outlet holds fewer than 200 pages of orders.
        supervisor = User.objects.get(username="bench-sv-01")
        client = Client()
        client.force_login(supervisor, backend=BACKEND)
        only = set(opts["only"])
        if not only or only & {"1", "2", "3"}:
            orders = WorkOrder.objects.filter(outlet__centre_id=supervisor.centre_id).order_by("-id")
            closed = orders.filter(status="closed")
            # The cursor a reader holds on page 200, or on a smaller data set the last full page (the cursor of
            # the last row gave an empty page: a centre holds ~5,000 orders of 100,000).
            page_200_after = orders.values_list("id", flat=True)[_full_page_cursor(orders.count())]
            closed_200_after = closed.values_list("id", flat=True)[_full_page_cursor(closed.count())]
            sample = orders.order_by("id")[orders.count() // 2]
            phone = (
                CustomerPhone.objects.filter(customer_id=sample.customer_id).values_list("number", flat=True).first()
            )
            api = reverse("api-work-order-list")

            list_url = reverse("work-order-list")
            self._case("1 work-order list page, first page", client, list_url)
            self._case("1 work-order list page, page 200", client, list_url, {"after": page_200_after})
            filters = {"status": "closed", "channel": "walk_in"}
            self._case("1 work-order list page, filtered, first page", client, list_url, filters)
            self._case(
                "1 work-order list page, filtered, page 200",
                client,
                list_url,
                {**{"status": "closed"}, "after": closed_200_after},
            )
            self._case("1 work-order API, first page", client, api)
            self._case("1 work-order API, page 200", client, self._api_cursor(api, page_200_after))
            self._case("1 work-order API, filtered, first page", client, api, {"status": "closed"})
            self._case(
                "1 work-order API, filtered, page 200",
                client,
                self._api_cursor(api, closed_200_after),
                {"status": "closed"},
            )
            self._case("2 search by phone", client, list_url, {"q": str(phone)})
            # An order number alone opens the order (what a barcode gun types): the answer is the redirect.
            self._case("2 search by order number", client, list_url, {"q": sample.number}, expect=302)
            self._case("3 work-order detail with its timeline", client, reverse("work-order-detail", args=[sample.pk]))
        if not only or "4" in only:
            dispatcher, board_outlet, day = self._board_outlet()
            self._board_queue(dispatcher, board_outlet)
            client.force_login(dispatcher, backend=BACKEND)
            board = {"day": day.isoformat(), "outlet": board_outlet}
            # The board shows a page of engineers and fetches the next as the dispatcher scrolls to it.
            second_page = {**board, "after": self._board_cursor(dispatcher, board_outlet)}
            self._case("4 dispatch board, 200 engineers, 2,000 appointments", client, reverse("dispatch-board"), board)
            self._case(
                "4 dispatch board, its next page of engineers", client, reverse("dispatch-board-rows"), second_page
            )
            self._case(
                "4 dispatch board, its queue (300 orders waiting)",
                client,
                reverse("dispatch-board-queue"),
                {"day": board["day"]},
            )
            self._case("4 dispatch board API, same day", client, reverse("api-dispatch-board"), board)
            self._case("4 dispatch board API, next page", client, reverse("api-dispatch-board"), second_page)
            self._case(
                "4 dispatch board API, all 200 engineers at once",
                client,
                reverse("api-dispatch-board"),
                {**board, "page_size": selectors.BOARD_PAGE_MAX},
            )
        if not only or only & {"5", "6"}:
            self._sweep(opts["sweep"])
            clerk = User.objects.get(username="bench-01-01-hotline-0")
            client.force_login(clerk, backend=BACKEND)
            self._case("5 call queue of an outlet (after the sweep)", client, reverse("call-queue"))
        if not only or "8" in only:
            client.force_login(supervisor, backend=BACKEND)
            centre = {"period": "last_quarter", "centre": supervisor.centre_id}
            self._kpi_figures()
            self._case("8 KPI dashboard, one centre, last quarter", client, reverse("kpi-dashboard"), centre)
            self._case("8 KPI scorecards, one centre, last quarter", client, reverse("kpi-scorecards"), centre)
        if not only or "9" in only:
            self._statements(client, supervisor)
        if not only or "11" in only:
            self._tracking()
        if not only or "12" in only:
            self._homes_and_status_lists(client, supervisor)
        if not only or "10" in only:
            # The centre's supervisor keeps its warehouse and outlets: 20 outlets, 40 vans, 40 parts each.
            client.force_login(supervisor, backend=BACKEND)
            self._case("10 parts stock of a centre, first page", client, reverse("stock"))
            self._case("10 parts to reorder at a centre's outlets", client, reverse("stock"), {"reorder": "1"})
            self._case("10 stock transfers of a centre", client, reverse("stock-transfers"))
            self._case("10 parts stock API, to reorder", client, reverse("api-part-stock"), {"reorder": "1"})
        self._write()

    def _statements(self, client: Client, supervisor: User) -> None:
        """Case 9: last month's settlement statements of a centre's 20 outlets: issued by headquarters (a
        write, timed once: a month is issued once), then read by the centre's supervisor as the month's list
        and as one outlet's statement with its claims and deductions; the claims lists of the centre and of
        the network (all, pending) with the plan check."""
        headquarters = User.objects.get(username="bench-hq")
        month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        # An earlier run's statements of that month are taken back, so every run issues the same month.
        earlier = SettlementStatement.objects.filter(month=month, outlet__centre_id=supervisor.centre_id)
        WarrantyClaim.objects.filter(statement__in=earlier).update(statement=None)
        Deduction.objects.filter(statement__in=earlier).update(statement=None)
        earlier.delete()
        timer = QueryTimer()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            made = statements_issue(month=month, actor=headquarters, centre_id=supervisor.centre_id)
        self._wall(f"9 settlement statements of a centre's {len(made)} outlets for a month issued", started)
        self.results[-1]["write_queries"] = len(timer)  # constant, however many outlets
        self._settle("settlement_warrantyclaim", "settlement_deduction", "settlement_settlementstatement")
        client.force_login(supervisor, backend=BACKEND)
        listed = {"month": f"{month:%Y-%m}"}
        self._case(
            "9 settlement statements of a centre's outlets for a month", client, reverse("statement-list"), listed
        )
        largest = max(made, key=lambda statement: statement.claim_count)
        self._case(
            f"9 one outlet's statement of a month ({largest.claim_count} claims)",
            client,
            reverse("statement-detail", args=[largest.pk]),
        )
        # The claims themselves, as the centre's supervisor and headquarters decide them: the pending ones.
        claims, pending = reverse("claim-list"), {"status": "pending"}
        self._case("9 warranty-cost claims of a centre's outlets, first page", client, claims)
        self._case("9 warranty-cost claims of a centre's outlets, pending", client, claims, pending)
        self._plan_check("9 plan check: pending claims of a centre's outlets", client, claims, pending)
        client.force_login(headquarters, backend=BACKEND)
        self._case("9 warranty-cost claims of the network, pending", client, claims, pending)
        self._case("9 warranty-cost claims API of the network, pending", client, reverse("api-claim-list"), pending)
        self._plan_check("9 plan check: pending claims of the network", client, claims, pending)
        client.force_login(supervisor, backend=BACKEND)

    def _homes_and_status_lists(self, client: Client, supervisor: User) -> None:
        """Case 12: every role's home page (an outlet's staff, a centre's supervisor, headquarters), and the
        order list filtered by an open status across a centre's 20 outlets and across the network, each
        with the plan check: 20 requests on a fresh connection, the last ones' SQL no slower than 1.5x the
        first ones' (PostgreSQL switching a prepared statement to a generic plan shows there)."""
        people = [
            ("front desk of an outlet", "bench-01-01-front_desk-0"),
            ("hotline of an outlet", "bench-01-01-hotline-0"),
            ("dispatcher of an outlet", "bench-01-01-dispatcher-0"),
            ("engineer of an outlet", "bench-01-01-engineer-0"),
            ("supervisor of a centre (20 outlets)", supervisor.username),
            ("headquarters (400 outlets)", "bench-hq"),
        ]
        for label, username in people:
            client.force_login(User.objects.get(username=username), backend=BACKEND)
            self._case(f"12 home page, {label}", client, reverse("home"), expect=302)
            self._case(f"12 home page, {label}, followed", client, client.get(reverse("home"))["Location"])
        list_url = reverse("work-order-list")
        for label, username in (("a centre's 20 outlets", supervisor.username), ("the network", "bench-hq")):
            client.force_login(User.objects.get(username=username), backend=BACKEND)
            for status in ("awaiting_dispatch", "in_service"):
                self._case(f"12 work-order list of {label}, status {status}", client, list_url, {"status": status})
                self._plan_check(
                    f"12 plan check: list of {label}, status {status}", client, list_url, {"status": status}
                )
        self._new_centre_list(client)

    def _new_centre_list(self, client: Client) -> None:
        """Case 12: the lists of a centre opened this week (20 outlets, none yet: orders, claims, complaint cases,
        feedback, and the callbacks, appointments and return tags API), made in a transaction rolled back after.
        Read as `outlet IN (...) ORDER BY id DESC`, a page had PostgreSQL read the whole table backwards (orders:
        0.3-1.6 s at 1M; appointments 2.5 s at 3M); read outlet by outlet, 20 index lookups."""
        with transaction.atomic():
            centre = ServiceCentre.objects.create(code="bench-new", name="新服务中心", region="华东")
            Outlet.objects.bulk_create(
                Outlet(code=f"bench-new-{o:02d}", name=f"新中心第{o}网点", centre=centre, address="上海市")
                for o in range(1, 21)
            )
            supervisor = User.objects.create(username="bench-sv-new", name="新主管", centre=centre)
            supervisor.groups.add(Group.objects.get(name=str(Role.SUPERVISOR)))
            client.force_login(supervisor, backend=BACKEND)
            self._case(
                "12 work-order list of a new centre's 20 outlets (no orders yet)", client, reverse("work-order-list")
            )
            self._case("12 warranty-cost claims of a new centre's 20 outlets (none yet)", client, reverse("claim-list"))
            self._case("12 complaint cases of a new centre's 20 outlets (none yet)", client, reverse("complaint-list"))
            self._case("12 feedback of a new centre's 20 outlets (none yet)", client, reverse("feedback-list"))
            self._case("12 callbacks API of a new centre's 20 outlets (none yet)", client, reverse("api-callback-list"))
            self._case(
                "12 appointments API of a new centre's 20 outlets (none yet)", client, reverse("api-appointment-list")
            )
            self._case(
                "12 return tags API of a new centre's 20 outlets (none yet)", client, reverse("api-return-tag-list")
            )
            transaction.set_rollback(True)

    def _plan_check(self, name: str, client: Client, url: str, params: dict, runs: int = 20) -> None:
        """The SQL time of one page over `runs` requests on a new connection: the median of the last three
        against the first three after the warm-up (1.5x or more: a plan got worse on the way)."""
        connection.close()
        client.get(url, params)  # warm-up: session, permissions, caches
        sql_ms = []
        for _ in range(runs):
            timer = QueryTimer()
            with connection.execute_wrapper(timer):
                client.get(url, params)
            sql_ms.append(timer.ms)
        first, last = statistics.median(sql_ms[:3]), statistics.median(sql_ms[-3:])
        ratio = last / first if first else 1.0
        self.results.append(
            {"case": name, "first_sql_ms": round(first, 2), "last_sql_ms": round(last, 2), "ratio": round(ratio, 2)}
        )
        verdict = "ok" if ratio <= 1.5 else "WORSE: the plan changed"
        self.stdout.write(f"{first:8.2f} {last:8.2f} ms SQL first/last  x{ratio:.2f} {verdict}  {name}")

    def _tracking(self) -> None:
        """Case 11: the customer's tracking page (no login), of an order in service with its appointment and
        of one closed this month, each request from another address as customers' phones are (the page's
        limit counts per address, and its count is part of the cost)."""
        orders = WorkOrder.objects.order_by("-id")
        month_ago = timezone.now() - dt.timedelta(days=20)
        for label, order in (
            ("an order booked for a visit", orders.filter(status="scheduled").first() or orders.first()),
            (
                "an order closed this month",
                orders.filter(status="closed", created_at__gte=month_ago).first() or orders.first(),
            ),
        ):
            url = reverse("track", args=[tracking_token(order.pk)])
            self._case(f"11 tracking page of {label}", PhonesClient(), url)

    @staticmethod
    def _settle(*tables: str) -> None:
        """After a bulk write, what the database does in its own time before the next case reads: vacuum
        and analyze the tables (autovacuum's work; this machine's PostgreSQL runs with autovacuum off)
        and write the changed pages out (the checkpoint that 100,000 changed rows bring on). Read cases
        measured during that flush ran 40-70 % slower here (BENCHMARKS.md)."""
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
            cursor.execute("CHECKPOINT")

    def _kpi_figures(self) -> None:
        """The dashboard reads outlet-day figures: made for the history once (as the nightly run would),
        then the recent days timed as beat makes them every KPI_REFRESH_SECONDS."""
        if not FiguresRefresh.objects.filter(kind=FiguresRefresh.Kind.HISTORY).exists():
            started = time.perf_counter()
            rows = figures_refresh_history()
            self._wall(
                f"8 KPI figures of the last {settings.KPI_HISTORY_DAYS} days made (nightly, {rows} rows)", started
            )
        started = time.perf_counter()
        rows = figures_refresh_recent()
        self._wall(f"8 KPI figures of the last {settings.KPI_RECENT_DAYS} days made (beat, {rows} rows)", started)
        self._settle("kpis_outletday", "kpis_outletmonth")

    def _wall(self, name: str, started: float) -> None:
        seconds = time.perf_counter() - started
        self.results.append({"case": name, "wall_s": round(seconds, 2)})
        self.stdout.write(f"{seconds:8.2f} s  {name}")

    def _board_outlet(self, engineers: int = 200, per_engineer: int = 10):
        """An outlet with `engineers` field engineers and `per_engineer` appointments each tomorrow
        (made once, on the first run)."""
        day = timezone.localdate() + dt.timedelta(days=1)
        outlet = Outlet.objects.filter(code="bench-board").first()
        if outlet is not None:
            return User.objects.get(username="bench-board-dispatcher"), outlet.pk, day
        centre = ServiceCentre.objects.get(code="bench-01")
        outlet = Outlet.objects.create(code="bench-board", name="调度看板网点", centre=centre, address="上海市")
        password = User.objects.get(username="bench-sv-01").password
        groups = dict(Group.objects.values_list("name", "pk"))
        dispatcher = User.objects.create(username="bench-board-dispatcher", name="调度员", password=password)
        team = User.objects.bulk_create(
            [User(username=f"bench-board-en-{n:03d}", name=f"工程师{n}", password=password) for n in range(engineers)]
        )
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=dispatcher.pk, group_id=groups[Role.DISPATCHER])]
            + [User.groups.through(user_id=u.pk, group_id=groups[Role.ENGINEER]) for u in team]
        )
        User.outlets.through.objects.bulk_create(
            [User.outlets.through(user_id=u.pk, outlet_id=outlet.pk) for u in [dispatcher, *team]]
        )
        EngineerProfile.objects.bulk_create([EngineerProfile(user=u, daily_capacity=per_engineer) for u in team])
        customers = list(Customer.objects.order_by("pk").values_list("pk", "products__pk")[: engineers * per_engineer])
        orders, appointments = CopyWriter(WorkOrder), CopyWriter(Appointment)
        first_order, first_appointment = next_id(WorkOrder), next_id(Appointment)
        now = timezone.now()
        tz = timezone.get_default_timezone()
        for n, (customer_id, product_id) in enumerate(customers):
            engineer, slot = team[n // per_engineer], n % per_engineer
            starts = dt.datetime.combine(day, dt.time(8, 30), tzinfo=tz) + dt.timedelta(minutes=45 * slot)
            orders.add(
                id=first_order + n,
                number=f"BB{first_order + n:010d}",
                status="scheduled",
                channel="onsite_request",
                service_type="repair",
                outlet_id=outlet.pk,
                owner_id=dispatcher.pk,
                customer_id=customer_id,
                product_id=product_id,
                fault_description="不制冷",
                address="上海市徐汇区",
                created_at=now,
                created_by_id=dispatcher.pk,
                updated_at=now,
            )
            appointments.add(
                id=first_appointment + n,
                work_order_id=first_order + n,
                outlet_id=outlet.pk,
                engineer_id=engineer.pk,
                starts_at=starts,
                ends_at=starts + dt.timedelta(minutes=45),
                booked_by_id=dispatcher.pk,
                booked_at=now,
            )
        orders.close()
        appointments.close()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE dispatch_appointment")
        return dispatcher, outlet.pk, day

    @staticmethod
    def _board_queue(dispatcher: User, outlet_id: int, waiting: int = 300) -> None:
        """Orders of the board's outlet waiting for an engineer (its queue panel shows the first 50), made
        once: received over the last two days, one in ten urgent, most with a time asked for."""
        missing = waiting - WorkOrder.objects.filter(outlet_id=outlet_id, status="awaiting_dispatch").count()
        if missing <= 0:
            return
        customers = Customer.objects.order_by("-pk").values_list("pk", "products__pk")[:missing]
        orders, first_order = CopyWriter(WorkOrder), next_id(WorkOrder)
        now = timezone.now()
        for n, (customer_id, product_id) in enumerate(customers):
            received = now - dt.timedelta(minutes=10 * n)
            orders.add(
                id=first_order + n,
                number=f"BQ{first_order + n:010d}",
                status="awaiting_dispatch",
                channel="onsite_request",
                service_type="repair",
                priority="urgent" if n % 10 == 0 else "normal",
                outlet_id=outlet_id,
                owner_id=dispatcher.pk,
                customer_id=customer_id,
                product_id=product_id,
                fault_description="空调不制冷，室外机有异响，需要上门检查",
                requested_time=None if n % 4 == 0 else now + dt.timedelta(days=1, hours=n % 9),
                address="上海市徐汇区漕溪北路88号3号楼1201室",
                created_at=received,
                created_by_id=dispatcher.pk,
                updated_at=received,
            )
        orders.close()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE workorders_workorder")

    @staticmethod
    def _board_cursor(dispatcher: User, outlet_id: int) -> int:
        """Where the board's second page starts: the user id of the first page's last engineer."""
        _roster, after = selectors.board_engineers(user=dispatcher, outlet=Outlet.objects.get(pk=outlet_id))
        return after

    def _calibrate(self) -> dict:
        """How fast this machine is, so figures from different machines can be compared: a pure Python
        loop and a round trip to the database."""
        started = time.perf_counter()
        total = 0
        for n in range(5_000_000):
            total += n
        python_s = time.perf_counter() - started
        with connection.cursor() as cursor:
            started = time.perf_counter()
            for _ in range(1000):
                cursor.execute("SELECT 1")
                cursor.fetchone()
            round_trip_ms = time.perf_counter() - started  # 1000 trips: their seconds are one trip's ms
        machine = {"python_loop_5m_s": round(python_s, 2), "db_round_trip_ms": round(round_trip_ms, 3)}
        self.stdout.write(f"machine: 5M-step Python loop {python_s:.2f} s, database round trip {round_trip_ms:.3f} ms")
        return machine

    def _api_cursor(self, url: str, after: int) -> str:
        paginator = KeysetPagination()
        paginator.base_url = url
        return paginator.encode_cursor(Cursor(offset=0, reverse=False, position=str(after)))

    def _case(self, name: str, client: Client, url: str, params: dict | None = None, expect: int = 200) -> None:
        response = client.get(url, params or {})  # warm-up: caches, session, permissions
        if response.status_code != expect:
            raise CommandError(f"{name}: {url} answered {response.status_code}")
        times, queries, sql = [], [], []
        for _ in range(self.requests):
            timer = QueryTimer()
            with connection.execute_wrapper(timer):
                started = time.perf_counter()
                client.get(url, params or {})
                times.append((time.perf_counter() - started) * 1000)
            queries.append(len(timer))
            sql.append(timer.ms)
        reads = [q for q in timer.queries if q[0].startswith(("SELECT", "DECLARE"))]
        slowest_sql, slowest_params, slowest_seconds = max(reads, key=lambda q: q[2])  # explained below: reads
        own = [total - in_sql for total, in_sql in zip(times, sql, strict=True)]
        times.sort()
        result = {
            "case": name,
            "url": url,
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
            "queries": max(queries),
            # The page's own cost against its database's (page / SQL), and by itself: the time outside the
            # database, which a page's cheap queries do not hide (a page that drops a 0.3 ms query gets a
            # worse ratio while it does less).
            "sql_ms": round(statistics.median(sql), 1),
            "page_per_sql": round(statistics.median(times) / max(statistics.median(sql), 0.01), 1),
            "own_ms": round(statistics.median(own), 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "slowest_query_ms": round(slowest_seconds * 1000, 1),
            "slowest_query_plan": self._plan(slowest_sql, slowest_params),
        }
        self.results.append(result)
        self.stdout.write(
            f"{result['median_ms']:8.1f} {result['p95_ms']:8.1f} ms {result['queries']:3d} q "
            f"{result['sql_ms']:6.1f} ms SQL x{result['page_per_sql']:<5} {result['own_ms']:6.1f} ms own  {name}"
        )

    @staticmethod
    def _plan(sql: str, params) -> str:
        """EXPLAIN (ANALYZE, BUFFERS) of a query as it ran (a server-side cursor's SELECT is explained)."""
        if sql.startswith("DECLARE"):
            sql = sql[sql.index(" FOR ") + len(" FOR ") :]
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())

    def _sweep(self, count: int) -> None:
        """Case 6: `count` scheduled callbacks across the network come due at once; one sweep queues them."""
        now = timezone.now()
        # The data set's callbacks are mostly made already: turn `count` of them back into callbacks
        # that are due now, spread over every outlet, as if a backlog had built up. An earlier run's
        # backlog is made done again first, so every run queues the same number on top of the data set's.
        Callback.objects.filter(notes=BACKLOG).update(
            status=Callback.Status.DONE, outcome=Callback.Outcome.SATISFIED, completed_at=now, queued_at=None
        )
        backlog = (
            Callback.objects.filter(status=Callback.Status.DONE, plan__trigger="purchase")
            .order_by("pk")
            .values("pk")[:count]
        )
        Callback.objects.filter(pk__in=backlog).update(
            status=Callback.Status.SCHEDULED,
            due_at=now,
            outcome="",
            completed_at=None,
            completed_by=None,
            notes=BACKLOG,
        )
        with connection.cursor() as cursor:  # the dead rows of earlier runs gone, as autovacuum keeps them
            cursor.execute("VACUUM (ANALYZE) followups_callback")
        started = time.perf_counter()
        queued = callback_sweep(now=now)
        seconds = time.perf_counter() - started
        self._settle("followups_callback")
        self.results.append(
            {"case": f"6 sweep: {queued} callbacks due at once", "wall_s": round(seconds, 2), "queued": queued}
        )
        self.stdout.write(f"{seconds:8.2f} s  6 sweep of {queued} callbacks")

    def _write(self) -> None:
        folder = Path(settings.BASE_DIR) / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "results.json").write_text(
            json.dumps({"machine": self.machine, "cases": self.results}, indent=2, ensure_ascii=False)
        )
        lines = [
            f"Requests per case: {self.requests} (after a warm-up). Server time in-process, ms. Machine: a "
            f"5M-step Python loop takes {self.machine['python_loop_5m_s']} s, a database round trip "
            f"{self.machine['db_round_trip_ms']} ms.",
            "",
            "| case | median | p95 | queries | SQL (median) | page / SQL | page − SQL (median) | slowest query ms "
            "| peak RSS MB |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in self.results:
            if "wall_s" in r:
                lines.append(f"| {r['case']} | {r['wall_s']} s wall | | | | | | | |")
            elif "ratio" in r:
                lines.append(
                    f"| {r['case']} | SQL {r['first_sql_ms']} → {r['last_sql_ms']} ms (x{r['ratio']}) | | | | | | | |"
                )
            else:
                lines.append(
                    f"| {r['case']} | {r['median_ms']} | {r['p95_ms']} | {r['queries']} | {r['sql_ms']} "
                    f"| {r['page_per_sql']} | {r['own_ms']} | {r['slowest_query_ms']} | {r['peak_rss_mb']} |"
                )
        (folder / "results.md").write_text("\n".join(lines) + "\n")
        plans = [
            f"## {r['case']}\n\n```\n{r['slowest_query_plan']}\n```\n"
            for r in self.results
            if "slowest_query_plan" in r
        ]
        (folder / "plans.md").write_text(
            "# The slowest query of each case, EXPLAIN (ANALYZE, BUFFERS)\n\n" + "\n".join(plans)
        )
        self.stdout.write(f"written: {folder / 'results.md'} and plans.md")
