from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The customer's own pages (issue 27): no staff login, an unguessable link per order."""

    name = "portal"
    verbose_name = "customer pages"
