from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarrantyConfig(AppConfig):
    name = "warranty"
    verbose_name = _("Warranty and fees")

    def ready(self) -> None:
        from core import reference
        from warranty.models import PolicyVersion, WarrantyPolicy

        reference.kept_until_changed(WarrantyPolicy, PolicyVersion)  # with the categories; services._version_in_force
