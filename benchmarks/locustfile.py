"""Load for `make bench-load` (issue 9, case 7), against gunicorn serving the benchmark data.

- `intake` users create work orders through the API as fast as they can (token auth).
- The other users are the mixed workload: staff of one centre browsing and acting as they do in a day.
Accounts are those of `bench_data` (password Service#2026); each simulated user takes its own outlet.
"""

import itertools
import os
import random
import re
import uuid

from locust import FastHttpUser, HttpUser, between, task

PASSWORD = "Service#2026"  # noqa: S105 (the benchmark accounts of bench_data)
OUTLETS = itertools.count(1)
TOKENS = itertools.cycle(os.environ.get("INTAKE_TOKENS", "").split())
CATEGORIES = ["phone", "tv", "refrigerator", "washing_machine", "air_conditioner"]


def _outlet_code() -> str:
    n = next(OUTLETS)
    return f"bench-{(n - 1) // 20 % 20 + 1:02d}-{(n - 1) % 20 + 1:02d}"


class Staff(HttpUser):
    abstract = True
    role = ""

    def account(self) -> str:
        return f"{_outlet_code()}-{self.role}-0"

    def on_start(self):
        login = self.client.get("/accounts/login/", name="login page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        self.client.post(
            "/accounts/login/",
            {"username": self.account(), "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/accounts/login/"},
            name="login",
        )
        outlets = self.client.get("/api/v1/me/", name="/api/v1/me/").json()["outlet_ids"]
        self.outlet = outlets[0] if outlets else None

    def _search_number(self) -> str | None:
        rows = self.client.get("/api/v1/work-orders/?page_size=20", name="/api/v1/work-orders/").json()["results"]
        return random.choice(rows)["number"] if rows else None  # noqa: S311


def _new_order(outlet: int) -> dict:
    return {
        "outlet": outlet,
        "phone": random.choice(["138", "139", "186"]) + f"{random.randrange(10**8):08d}",  # noqa: S311 (valid mobiles)
        "customer_name": "压测客户",
        "category": random.choice(CATEGORIES),  # noqa: S311
        "brand": "海尔",
        "model": "BX-1",
        "purchase_date": "2026-09-01",
        "proof": "invoice",
        "channel": "hotline",
        "service_type": "repair",
        "fault_description": "不制冷",
        "idempotency_key": uuid.uuid4().hex,
    }


class IntakeClerk(FastHttpUser):
    """Case 7a: work orders created through the API, back to back (the lighter HTTP client: the load
    tool shares the machine's two cores with the server)."""

    wait_time = between(0, 0)

    def on_start(self):
        # An API client holds its token (load.sh makes them beforehand): the throughput is intake's, not
        # that of 24 password checks at once.
        self.token = next(TOKENS)
        self.headers = {"Authorization": f"Token {self.token}"}
        self.outlet = self.client.get("/api/v1/me/", headers=self.headers, name="/api/v1/me/").json()["outlet_ids"][0]

    @task
    def create(self):
        self.client.post(
            "/api/v1/work-orders/", json=_new_order(self.outlet), headers=self.headers, name="create order"
        )


class FrontDesk(Staff):
    role = "front_desk"
    wait_time = between(1, 3)

    @task(4)
    def orders(self):
        self.client.get("/orders/", name="/orders/")

    @task(2)
    def search(self):
        number = self._search_number()
        if number:
            self.client.get(f"/orders/?q={number}", name="/orders/?q=")

    @task(1)
    def home(self):
        self.client.get("/", name="home")


class Hotline(Staff):
    role = "hotline"
    wait_time = between(1, 3)

    @task(3)
    def queue(self):
        self.client.get("/callbacks/", name="/callbacks/")

    @task(2)
    def intake(self):
        token = self.client.cookies.get("csrftoken", "")
        self.client.post(
            "/api/v1/work-orders/",
            json=_new_order(self.outlet),
            headers={"X-CSRFToken": token, "Referer": self.host + "/"},
            name="create order (session)",
        )

    @task(2)
    def search(self):
        number = self._search_number()
        if number:
            self.client.get(f"/orders/?q={number}", name="/orders/?q=")


class Dispatcher(Staff):
    role = "dispatcher"
    wait_time = between(2, 5)

    @task(3)
    def board(self):
        self.client.get(f"/dispatch/?outlet={self.outlet}", name="/dispatch/")
        self.client.get("/dispatch/queue/", name="/dispatch/queue/")  # the browser's htmx loads it after the page

    @task(1)
    def week(self):
        self.client.get(f"/dispatch/week/?outlet={self.outlet}", name="/dispatch/week/")


class Engineer(Staff):
    role = "engineer"
    wait_time = between(2, 5)

    @task
    def jobs(self):
        self.client.get("/jobs/", name="/jobs/")


class Supervisor(Staff):
    """Supervisors log in by centre; they read lists and the month's figures."""

    wait_time = between(3, 8)

    def account(self) -> str:
        return f"bench-sv-{next(OUTLETS) % 20 + 1:02d}"

    @task(3)
    def complaints(self):
        self.client.get("/complaints/", name="/complaints/")

    @task(2)
    def orders(self):
        self.client.get("/orders/?status=awaiting_dispatch", name="/orders/?status=")

    @task(1)
    def dashboard(self):
        self.client.get("/kpis/?period=this_month", name="/kpis/")
