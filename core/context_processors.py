from core.navigation import home_url, nav_for, nav_groups


def navigation(request):
    """The menu of the user's pages, made once per request: a page's panels (render_to_string with the
    request) run the context processors again."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not hasattr(request, "navigation"):
        items = nav_for(user)
        request.navigation = {
            "nav_items": items,
            "nav_groups": nav_groups(items),
            "nav_home_url": home_url(user),
            "user_role": user.role,
        }
    return request.navigation
