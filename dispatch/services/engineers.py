"""Engineers."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.permissions import require_permission
from core.roles import Role
from core.scoping import visible_staff
from dispatch.models import EngineerProfile
from workorders.models import ProductCategory, WorkOrder


@transaction.atomic
def engineer_profile_save(
    *,
    engineer,
    skills: list[ProductCategory],
    service_types: list[str],
    work_start,
    work_end,
    days_off: list[int],
    daily_capacity: int,
    base_area: str = "",
    active: bool = True,
    actor,
) -> EngineerProfile:
    """Create or update an engineer's profile (skills, hours, days off, capacity)."""
    require_permission(actor, "dispatch.change_engineerprofile")
    if not visible_staff(actor).filter(pk=engineer.pk).exists():
        raise PermissionDenied(_("This engineer is not one of your staff."))
    if engineer.role != Role.ENGINEER:
        raise ValidationError({"engineer": _("Only field engineers have an engineer profile.")})
    errors = {}
    if work_start >= work_end:
        errors["work_end"] = _("The working day must end after it starts.")
    if any(day not in range(7) for day in days_off):
        errors["days_off"] = _("Days off are weekdays, Monday to Sunday.")
    if daily_capacity < 1:
        errors["daily_capacity"] = _("At least one job a day.")
    bad_types = set(service_types) - set(WorkOrder.ServiceType.values)
    if bad_types:
        errors["service_types"] = _("Unknown service type.")
    if errors:
        raise ValidationError(errors)
    profile, _created = EngineerProfile.objects.select_for_update().get_or_create(
        user=engineer, defaults={"work_start": work_start, "work_end": work_end}
    )
    profile.service_types = sorted(set(service_types))
    profile.work_start, profile.work_end = work_start, work_end
    profile.days_off = sorted(set(days_off))
    profile.daily_capacity, profile.base_area, profile.active = daily_capacity, base_area.strip(), active
    profile._history_user = actor
    profile.save()
    profile.skills.set(skills)
    return profile
