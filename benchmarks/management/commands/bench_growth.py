"""Does the time of a page depend on the size of the data? Builds (or reuses) a small and a large benchmark data
set in databases of their own, runs `bench` on each in turns (small, large, small, large: the machine's drift
falls on both), and prints each case's median at both sizes and their ratio (issue 28: 1.2 at most).

`make bench-growth` (DATABASE_URL names the server; the data sets go to <name>_100000 and <name>_3000000). The
schema is migrated once, in <name>_schema, and each data set to build starts as a copy of it (a migration from
scratch takes half a minute: Django renders the models' states anew for each of ~130 migrations)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand

TARGET = 1.2


class Command(BaseCommand):
    help = "Run the benchmark on a small and a large data set and print how each case grows."

    def add_arguments(self, parser):
        parser.add_argument("--small", type=int, default=100_000, help="orders of the small data set")
        parser.add_argument("--large", type=int, default=3_000_000, help="orders of the large data set")
        parser.add_argument("--rounds", type=int, default=2, help="runs of each size, alternating")
        parser.add_argument("--requests", type=int, default=30, help="requests per case and run")
        parser.add_argument("--only", nargs="*", default=[], help="the case numbers to run (default: every case)")

    def handle(self, *args, **opts):
        folder = Path(settings.BASE_DIR) / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        sizes = {"small": opts["small"], "large": opts["large"]}
        self.schema_made = False
        try:
            urls = {label: self._data_set(orders) for label, orders in sizes.items()}
        finally:
            with self._server() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self._name("schema")}"')
        # The best median of the rounds (the machine's noise is one-sided), of the page and of its SQL apart: the
        # SQL is where the size of the data shows; a page's own time swings with the machine's speed.
        medians: dict[str, dict[str, float]] = {"small": {}, "large": {}}
        sql: dict[str, dict[str, float]] = {"small": {}, "large": {}}
        for round_ in range(opts["rounds"]):
            for label in ("small", "large"):
                self.stdout.write(f"round {round_ + 1}: {sizes[label]:,} orders")
                for case in self._bench(urls[label], opts, folder / f"growth-{label}.json"):
                    if "median_ms" in case:
                        name = case["case"]
                        medians[label][name] = min(medians[label].get(name, case["median_ms"]), case["median_ms"])
                        sql[label][name] = min(sql[label].get(name, case["sql_ms"]), case["sql_ms"])
        lines = [
            f"Median ms at {sizes['small']:,} and {sizes['large']:,} orders (best of {opts['rounds']} runs each, "
            f"{opts['requests']} requests), and the ratio (target {TARGET} at most); the same for the page's SQL.",
            "",
            "| case | small | large | ratio | SQL small | SQL large | SQL ratio |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        over = 0
        for name, small in medians["small"].items():
            large = medians["large"].get(name)
            if large is None:
                continue
            ratio = large / small if small else 1.0
            over += ratio > TARGET
            mark = "" if ratio <= TARGET else " ✗"
            sql_small, sql_large = sql["small"][name], sql["large"][name]
            sql_ratio = sql_large / sql_small if sql_small else 1.0
            lines.append(
                f"| {name} | {small} | {large} | {ratio:.2f}{mark} | {sql_small} | {sql_large} | {sql_ratio:.2f} |"
            )
        lines += ["", f"{over} case(s) over {TARGET}."]
        (folder / "growth.md").write_text("\n".join(lines) + "\n")
        self.stdout.write("\n".join(lines))
        self.stdout.write(f"written: {folder / 'growth.md'}")

    def _data_set(self, orders: int) -> str:
        """The URL of a database holding the benchmark data of `orders` orders: made on the first run."""
        name = self._name(orders)
        url = self._url(name)
        if self._has_data(name):
            self.stdout.write(f"{orders:,} orders: reusing {name}")
            return url
        self.stdout.write(f"{orders:,} orders: building {name}")
        schema = self._schema()
        with self._server() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')  # a build that stopped half-way
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{schema}"')
        _manage({**os.environ, "DATABASE_URL": url}, "bench_data", "--orders", str(orders))
        return url

    def _schema(self) -> str:
        """An empty database with every migration applied, made on the first call of a run."""
        name = self._name("schema")
        if not self.schema_made:
            with self._server() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
                admin.execute(f'CREATE DATABASE "{name}"')
            _manage({**os.environ, "DATABASE_URL": self._url(name)}, "migrate", "--no-input", "-v", "0")
            self.schema_made = True
        return name

    @staticmethod
    def _name(suffix: int | str) -> str:
        return f"{settings.DATABASES['default']['NAME']}_{suffix}"

    @staticmethod
    def _url(name: str) -> str:
        default = settings.DATABASES["default"]
        auth = f"{default.get('USER') or ''}{':' + default['PASSWORD'] if default.get('PASSWORD') else ''}@"
        return f"postgres://{auth}{default.get('HOST') or '127.0.0.1'}:{default.get('PORT') or 5432}/{name}"

    @staticmethod
    def _server(dbname: str = "postgres") -> psycopg.Connection:
        default = settings.DATABASES["default"]
        keys = (("host", "HOST"), ("port", "PORT"), ("user", "USER"), ("password", "PASSWORD"))
        server = {k: default[key] for k, key in keys if default.get(key)}
        return psycopg.connect(dbname=dbname, autocommit=True, **server)

    def _has_data(self, name: str) -> bool:
        with self._server() as admin:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                return False
        with self._server(name) as db:
            made = db.execute("SELECT to_regclass('core_servicecentre')").fetchone()[0]
            return bool(made) and bool(
                db.execute("SELECT 1 FROM core_servicecentre WHERE code = 'bench-01'").fetchone()
            )

    def _bench(self, url: str, opts: dict, keep: Path) -> list[dict]:
        command = ["bench", "--requests", str(opts["requests"])]
        if opts["only"]:
            command += ["--only", *opts["only"]]
        _manage({**os.environ, "DATABASE_URL": url}, *command, quiet=True)
        results = Path(settings.BASE_DIR) / "var" / "bench" / "results.json"
        keep.write_text(results.read_text())
        return json.loads(results.read_text())["cases"]


def _manage(env: dict, *arguments: str, quiet: bool = False) -> None:
    """This project's manage.py in a process of its own, on the database `env` names."""
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *arguments]
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL if quiet else None)  # noqa: S603 - our manage.py
