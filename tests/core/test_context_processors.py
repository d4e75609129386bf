"""core.context_processors.navigation: the menu is made once a request, however many parts render."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from core import context_processors
from core.roles import Role
from tests.workorders.factories import walk_in_order


def a_panel(request, order) -> str:
    """An order page's panel as the apps write them: a template rendered with the request."""
    return format_html(
        '{}<div data-testid="a-panel"></div>', render_to_string("includes/outlet_picker.html", {}, request=request)
    )


def test_an_order_page_and_its_panels_make_the_menu_once(network, client_for, monkeypatch, settings):
    settings.ORDER_PANELS = [f"{__name__}.a_panel", f"{__name__}.a_panel"]
    clerk = network.staff[Role.FRONT_DESK]
    order = walk_in_order(clerk, network.a1)
    made = []
    monkeypatch.setattr(context_processors, "nav_for", lambda user: made.append(user) or [])
    response = client_for(clerk).get(reverse("work-order-detail", args=[order.pk]))
    assert response.content.decode().count('data-testid="a-panel"') == 2
    assert len(made) == 1
