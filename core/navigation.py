"""Each role's home page and navigation, declared once. Only pages that exist are listed."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.roles import Role


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Promise
    icon: str
    group: str  # a key of NAV_GROUPS
    perm: str | None = None  # shown when the user has this permission
    roles: frozenset[Role] | None = None  # ... and the user has one of these roles
    headquarters_only: bool = False

    def visible_to(self, user) -> bool:
        if self.roles is not None and user.role not in self.roles:
            return False
        if self.headquarters_only and not (user.is_superuser or user.is_headquarters):
            return False
        return self.perm is None or user.has_perm(self.perm)


NOT_ENGINEERS = frozenset(Role) - {Role.ENGINEER}

# url name of each role's home page (where login lands)
ROLE_HOME = {
    Role.FRONT_DESK: "home-front-desk",
    Role.HOTLINE: "home-hotline",
    Role.DISPATCHER: "home-dispatcher",
    Role.ENGINEER: "home-engineer",
    Role.SUPERVISOR: "home-supervisor",
    Role.ADMIN: "home-admin",
}

# The top bar's menus, in order: a group with one page for the user is a plain link, else a dropdown.
NAV_GROUPS = {
    "orders": (_("Orders"), "card-list"),
    "field": (_("Field service"), "geo-alt"),
    "care": (_("Follow-up"), "telephone-outbound"),
    "reports": (_("Reports"), "bar-chart-line"),
    "setup": (_("Settings"), "gear"),
}

NAVIGATION = [
    NavItem("my-jobs", _("My jobs"), "geo-alt", "field", perm="dispatch.visit_appointment"),
    NavItem("intake", _("New work order"), "plus-square", "orders", perm="workorders.add_workorder"),
    NavItem("work-order-list", _("Work orders"), "card-list", "orders", perm="workorders.view_workorder"),
    NavItem("payment-list", _("Payments"), "cash-stack", "orders", perm="workorders.view_payment"),
    NavItem("dispatch-board", _("Dispatch board"), "calendar3", "field", perm="dispatch.dispatch_appointment"),
    NavItem(
        "reconciliation",
        _("Visit reconciliation"),
        "clipboard-check",
        "field",
        perm="dispatch.reconcile_appointment",
    ),
    NavItem("call-queue", _("Call queue"), "telephone-outbound", "care", perm="followups.change_callback"),
    NavItem("kpi-dashboard", _("Service KPIs"), "bar-chart-line", "reports", perm="kpis.view_kpis"),
    NavItem("callback-measures", _("Callback rates"), "graph-up", "reports", perm="followups.view_callback_measures"),
    NavItem(
        "outlet-reconciliation",
        _("Reconciliation with outlets"),
        "journal-check",
        "reports",
        perm="dispatch.reconcile_appointment",
    ),
    NavItem("claim-list", _("Warranty-cost claims"), "receipt", "reports", perm="settlement.view_warrantyclaim"),
    NavItem(
        "statement-list",
        _("Settlement statements"),
        "journal-text",
        "reports",
        perm="settlement.view_settlementstatement",
    ),
    NavItem("returns", _("Old-part return"), "box-arrow-up-right", "field", perm="settlement.view_returntag"),
    NavItem("complaint-list", _("Complaints"), "exclamation-octagon", "care", perm="complaints.add_complaintcase"),
    NavItem("feedback-list", _("Feedback"), "chat-square-text", "care", perm="complaints.add_feedback"),
    NavItem("hotline", _("Calls and message slips"), "telephone", "orders", perm="workorders.view_messageslip"),
    NavItem("warranty-check", _("Warranty check"), "shield-check", "orders", perm="warranty.view_warrantypolicy"),
    NavItem("warranty-policies", _("Warranty policies"), "journal-text", "setup", perm="warranty.view_warrantypolicy"),
    NavItem("fee-schedule-list", _("Fee schedules"), "cash-coin", "setup", perm="warranty.view_feeschedule"),
    NavItem(
        "settlement-price-lists",
        _("Settlement prices"),
        "currency-yen",
        "setup",
        perm="settlement.view_settlementpricelist",
    ),
    NavItem("parts", _("Spare parts"), "box-seam", "field", perm="dispatch.issue_partrequisition"),
    # Engineers keep one link on the phone's menu (My jobs); their van stock is linked from that page.
    NavItem("stock", _("Parts stock"), "boxes", "field", perm="dispatch.view_partstock", roles=NOT_ENGINEERS),
    NavItem(
        "stock-transfers",
        _("Stock transfers"),
        "truck",
        "field",
        perm="dispatch.view_stocktransfer",
        roles=NOT_ENGINEERS,
    ),
    NavItem("loaners", _("Loaner units"), "arrow-left-right", "field", perm="dispatch.add_loanerunit"),
    NavItem("engineer-list", _("Engineers"), "person-gear", "field", perm="dispatch.view_engineerprofile"),
    NavItem("callback-plans", _("Callback plans"), "calendar-check", "setup", perm="followups.change_callbackplan"),
    NavItem("outlet-list", _("Outlets"), "shop", "setup", perm="core.view_outlet"),
    NavItem("staff-list", _("Staff"), "people", "setup", perm="core.view_user"),
    NavItem(
        "centre-list",
        _("Service centres"),
        "diagram-3",
        "setup",
        perm="core.change_servicecentre",
        headquarters_only=True,
    ),
    NavItem("system-status", _("System status"), "activity", "setup", roles=frozenset({Role.ADMIN})),
]


def home_url(user) -> str:
    return reverse(ROLE_HOME.get(user.role, "home-none"))


def nav_for(user) -> list[NavItem]:
    return [item for item in NAVIGATION if item.visible_to(user)]


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: Promise
    icon: str
    items: list[NavItem]


def nav_groups(items: list[NavItem]) -> list[NavGroup]:
    """The user's pages under the top bar's menus, in NAV_GROUPS' order, empty menus left out."""
    groups = []
    for key, (label, icon) in NAV_GROUPS.items():
        mine = [item for item in items if item.group == key]
        if mine:
            groups.append(NavGroup(key, label, icon, mine))
    return groups
