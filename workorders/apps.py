from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkordersConfig(AppConfig):
    name = "workorders"
    verbose_name = _("Work orders")

    def ready(self) -> None:
        from core import reference
        from workorders.models import ProductCategory

        reference.kept_until_changed(ProductCategory)  # selectors.category_by_code
