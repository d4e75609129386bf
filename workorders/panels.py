"""Home-page panels this app adds (settings.HOME_PANELS)."""

from django.template.loader import render_to_string

from workorders.selectors import open_slips_for


def message_slips(request) -> str | None:
    """Open message slips for the user (or their role), on every role's home page."""
    if not request.user.has_perm("workorders.view_messageslip"):
        return None
    slips = list(open_slips_for(user=request.user)[:10])
    return render_to_string("workorders/includes/home_slips.html", {"slips": slips, "next": "home"}, request=request)
