"""How a work order reads on any page or print: its status as a badge whose colour means the same on every
page (grey received, amber waiting on someone, blue being worked on, green repaired, teal awaiting the
callback, light when over)."""

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from workorders.lifecycle import Status
from workorders.models import WorkOrder

register = template.Library()

TONES = {
    Status.RECEIVED: "text-bg-secondary",
    Status.AWAITING_APPROVAL: "text-bg-warning",
    Status.AWAITING_DISPATCH: "text-bg-warning",
    Status.AWAITING_PARTS: "text-bg-warning",
    Status.SCHEDULED: "text-bg-primary",
    Status.IN_SERVICE: "text-bg-primary",
    Status.REPAIRED: "text-bg-success",
    Status.AWAITING_CALLBACK: "text-bg-info",
    Status.CLOSED: "text-bg-light border",
    Status.CANCELLED: "text-bg-light border",
}


@register.filter
def status_tone(status: str) -> str:
    """The badge classes of a work order's status."""
    return TONES.get(status, "text-bg-secondary")


@register.simple_tag
def work_order_rows(orders) -> str:
    """The work-order list's rows. Written here rather than as a loop in the template: fifty rows of eight
    cells through the template language were a third of the list page's time; the same markup written here
    took the page from 139 to 98 million instructions (BENCHMARKS.md, 2026-12-06). Every value is escaped
    by format_html."""
    missing, urgent = _("Information missing"), _("Urgent")
    rows = []
    for order in orders:
        flags = ""
        if order.missing_info:
            flags = format_html(' <span class="badge text-bg-warning" title="{}">!</span>', missing)
        if order.priority == WorkOrder.Priority.URGENT:
            flags += format_html(' <span class="badge text-bg-danger">{}</span>', urgent)
        product = order.product
        rows.append(
            format_html(
                '<tr><td><a href="{}">{}</a>{}</td><td><span class="badge {}">{}</span></td><td>{}</td>'
                '<td>{} {}</td><td>{}</td><td>{}</td><td>{}</td><td class="text-nowrap">{}</td></tr>',
                reverse("work-order-detail", args=[order.pk]),
                order.number,
                flags,
                status_tone(order.status),
                order.get_status_display(),
                order.customer.name,
                product.category.label,
                product,
                order.get_channel_display(),
                order.outlet.name,
                order.owner,
                date_format(localtime(order.created_at), "SHORT_DATETIME_FORMAT"),
            )
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - each row is format_html's, escaped
