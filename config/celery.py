import logging.config
import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("servicedesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def log_through_the_project_handlers(**kwargs):
    """Worker and beat log through settings.LOGGING, whose handlers redact phones, codes and secrets.

    With a receiver here Celery installs no handlers of its own (those would bypass the redaction) and does
    not redirect stdout; the level is LOG_LEVEL's, as in every other process.
    """
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
