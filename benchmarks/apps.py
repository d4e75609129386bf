from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """The top floor: the benchmark's data generator and request cases read every app (BENCHMARKS.md);
    nothing imports them."""

    name = "benchmarks"
    verbose_name = "Benchmarks"
