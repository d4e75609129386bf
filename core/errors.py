"""Domain errors shared by every app's services (beside Django's ValidationError/PermissionDenied)."""


class ConflictError(Exception):
    """A stale edit: the object changed since the caller read it (HTTP 409 in the API)."""
