from core.navigation import home_url, nav_for, nav_groups


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = nav_for(user)
    return {"nav_items": items, "nav_groups": nav_groups(items), "nav_home_url": home_url(user), "user_role": user.role}
