from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def staff_page(*, perm: str | None = None, headquarters: bool = False):
    """Anonymous users go to the login page; signed-in users without `perm` get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if perm and not user.has_perm(perm):
                raise PermissionDenied
            if headquarters and not (user.is_superuser or user.is_headquarters):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator
