from core.navigation import home_url, nav_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_items": nav_for(user), "nav_home_url": home_url(user), "user_role": user.role}
