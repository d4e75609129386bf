import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# What is loaded by now lives as long as the process: taken out of the garbage collector's sight, so
# the full collections that a request making thousands of objects sets off no longer walk it all
# (the dispatch board API's p95 179 -> 98 ms, BENCHMARKS.md). `manage.py bench` does the same.
gc.freeze()
