from django.db import models
from django.utils.translation import gettext_lazy as _


class Dashboard(models.Model):
    """No table: the figures are computed from the other apps' rows. This only holds the permission."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_kpis", _("Can see the service KPIs of their outlets"))]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
