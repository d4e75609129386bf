"""The six staff roles (DOMAIN "Who uses it") and the permissions each role's group holds.

Each role is a Django group of the same code, created with its permissions by a migration.
Every app grants its own permissions to the roles in its own data migrations through
`grant_permissions`, with the mapping written out in the migration so history stays fixed.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FRONT_DESK = "front_desk", _("Front desk")  # logs walk-ins, hands back, takes payment
    HOTLINE = "hotline", _("Hotline / information clerk")  # calls, callbacks, reconciliation
    DISPATCHER = "dispatcher", _("Dispatcher")  # assigns and reschedules on-site jobs
    ENGINEER = "engineer", _("Field engineer")  # visits, repairs, sign-off
    SUPERVISOR = "supervisor", _("Supervisor / service manager")  # complaints, approvals
    ADMIN = "admin", _("Administrator")  # fee schedules, policies, users, outlets


def role_of(group_names, *, superuser: bool) -> Role | None:
    """The role a user's groups give (the first role group, in the order above); superusers without one
    act as admins."""
    names = set(group_names)
    return next((role for role in Role if role.value in names), Role.ADMIN if superuser else None)


def grant_permissions(apps, app_label: str, mapping: dict[str, list[str]]) -> None:
    """Give each role's group the named permissions of one app (for data migrations)."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; create them now so we can grant them.
    app_config = apps.get_app_config(app_label)
    is_migration_stub = not getattr(app_config, "models_module", None)  # create_permissions needs it
    if is_migration_stub:
        app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    if is_migration_stub:
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in mapping.items():
        group, _created = Group.objects.get_or_create(name=str(role))
        perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        missing = set(codenames) - set(perms.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Unknown permissions for {app_label}: {sorted(missing)}")
        group.permissions.add(*perms)


# What each role does in the product (shown on its home page).
ROLE_DUTIES = {
    Role.FRONT_DESK: _(
        "Log walk-in repairs, print the repair record and pickup slip, hand repaired products back and take payment."
    ),
    Role.HOTLINE: _(
        "Take calls, log requests and message slips, book on-site appointments, make the callbacks and "
        "reconcile engineers' service cards daily."
    ),
    Role.DISPATCHER: _("Assign engineers to on-site jobs, reschedule and reassign."),
    Role.ENGINEER: _("Receive jobs, confirm with the customer, visit, repair, record the visit and get the sign-off."),
    Role.SUPERVISOR: _(
        "Review complaint escalations, approve compensation and exceptions, visit in person when a customer "
        "refuses an engineer."
    ),
    Role.ADMIN: _("Edit fee schedules, warranty policies, users and outlets."),
}
