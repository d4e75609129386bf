"""Every write to staff, outlets, centres and API tokens goes through these functions."""

import logging
import secrets
from datetime import timedelta
from pathlib import Path

from celery import current_app
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, QueryDict
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.exports import FORMATS, csv_lines, export_storage, write_xlsx
from core.lifecycle import Lifecycle, move
from core.models import ApiToken, ExportJob, Outlet, SchedulerHeartbeat, ServiceCentre, User
from core.permissions import require_permission
from core.roles import Role
from core.scoping import in_scope, visible_staff

logger = logging.getLogger(__name__)
security_log = logging.getLogger("security")


def _check_scope(*, actor, outlets, centre, is_headquarters) -> None:
    """An actor may only hand out outlets, centres and HQ scope they have themselves."""
    if actor is None or actor.is_superuser or actor.is_headquarters:
        return
    if any(not in_scope(actor, outlet.pk) for outlet in outlets):
        raise ValidationError({"outlets": _("You can only assign outlets you manage.")})
    if centre is not None and centre.pk != actor.centre_id:
        raise ValidationError({"centre": _("You can only assign your own centre.")})
    if is_headquarters:
        raise ValidationError({"is_headquarters": _("Only headquarters staff can grant headquarters scope.")})


def _set_role(user: User, role: Role) -> None:
    role_groups = Group.objects.filter(name__in=[r.value for r in Role])
    user.groups.remove(*role_groups)
    user.groups.add(Group.objects.get(name=role.value))
    user.__dict__.pop("role", None)  # drop the cached property


@transaction.atomic
def user_create(
    *,
    username: str,
    name: str,
    password: str,
    role: Role,
    outlets=(),
    centre: ServiceCentre | None = None,
    is_headquarters: bool = False,
    phone: str = "",
    staff_number: str = "",
    actor: User | None,
) -> User:
    """Create a staff member with one role and a scope; `actor` None means a system command."""
    require_permission(actor, "core.add_user", system_may=True)
    outlets = list(outlets)
    _check_scope(actor=actor, outlets=outlets, centre=centre, is_headquarters=is_headquarters)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    user = User(
        username=username,
        name=name,
        phone=phone,
        staff_number=staff_number.strip(),
        centre=centre,
        is_headquarters=is_headquarters,
        is_staff=role == Role.ADMIN,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user._history_user = actor
    user.save()
    user.outlets.set(outlets)
    _set_role(user, role)
    security_log.info("user_created user=%s role=%s by=%s", username, role.value, _who(actor))
    return user


@transaction.atomic
def user_update(
    *,
    user: User,
    name: str,
    role: Role,
    outlets,
    centre: ServiceCentre | None,
    is_headquarters: bool,
    is_active: bool,
    phone: str = "",
    staff_number: str = "",
    actor: User | None,
) -> User:
    """Change a staff member's details, role and scope; role changes go to the security log."""
    require_permission(actor, "core.change_user", system_may=True)
    if actor is not None and not visible_staff(actor).filter(pk=user.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    outlets = list(outlets)
    _check_scope(actor=actor, outlets=outlets, centre=centre, is_headquarters=is_headquarters)
    if actor is not None and actor.pk == user.pk and (not is_active or role != actor.role):
        raise ValidationError({"role": _("You cannot change your own role or deactivate yourself.")})
    user = User.objects.select_for_update().get(pk=user.pk)
    old_role = user.role
    user.name, user.phone, user.centre, user.is_headquarters = name, phone, centre, is_headquarters
    user.staff_number = staff_number.strip()
    user.is_active = is_active
    user.is_staff = role == Role.ADMIN
    user.full_clean(exclude=["password"])
    user._history_user = actor
    user.save()
    user.outlets.set(outlets)
    if old_role != role:
        _set_role(user, role)
        security_log.info(
            "role_changed user=%s from=%s to=%s by=%s",
            user.username,
            old_role.value if old_role else "-",
            role.value,
            _who(actor),
        )
    return user


@transaction.atomic
def user_set_password(*, user: User, password: str, actor: User | None) -> User:
    """Set a new password (admin reset or the management command)."""
    if actor is not None and actor.pk != user.pk:
        require_permission(actor, "core.change_user", system_may=True)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    security_log.info("password_set user=%s by=%s", user.username, _who(actor))
    return user


def user_set_language(*, user: User, language: str) -> None:
    """Remember the user's interface language so it follows them to any device."""
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


@transaction.atomic
def outlet_save(
    *,
    outlet: Outlet | None = None,
    code: str,
    name: str,
    centre: ServiceCentre,
    address: str = "",
    phone: str = "",
    slip_paper: str = Outlet.SlipPaper.A4,
    is_active: bool = True,
    actor: User | None,
) -> Outlet:
    """Create (outlet None) or change a service outlet inside the actor's scope."""
    require_permission(actor, "core.change_outlet" if outlet else "core.add_outlet", system_may=True)
    if actor is not None and not (actor.is_superuser or actor.is_headquarters):
        if centre.pk != actor.centre_id:
            raise ValidationError({"centre": _("You can only manage outlets of your own centre.")})
        if outlet is not None and not in_scope(actor, outlet.pk):
            raise PermissionDenied(_("You do not have permission to do this."))
    if outlet is None:
        outlet = Outlet()
    else:
        outlet = Outlet.objects.select_for_update().get(pk=outlet.pk)
    outlet.code, outlet.name, outlet.centre = code, name, centre
    outlet.address, outlet.phone, outlet.is_active = address, phone, is_active
    outlet.slip_paper = slip_paper
    outlet.full_clean()
    outlet._history_user = actor
    outlet.save()
    return outlet


@transaction.atomic
def centre_save(
    *,
    centre: ServiceCentre | None = None,
    code: str,
    name: str,
    region: str = "",
    is_active: bool = True,
    actor: User | None,
) -> ServiceCentre:
    """Create or change a service centre; only headquarters administers centres."""
    require_permission(actor, "core.change_servicecentre" if centre else "core.add_servicecentre", system_may=True)
    if actor is not None and not (actor.is_superuser or actor.is_headquarters):
        raise PermissionDenied(_("Only headquarters can manage service centres."))
    centre = ServiceCentre() if centre is None else ServiceCentre.objects.select_for_update().get(pk=centre.pk)
    centre.code, centre.name, centre.region, centre.is_active = code, name, region, is_active
    centre.full_clean()
    centre._history_user = actor
    centre.save()
    return centre


def scheduler_heartbeat_record(*, name: str = "beat") -> SchedulerHeartbeat:
    """Record one tick of the scheduler (called by the beat task)."""
    with transaction.atomic():
        beat, _created = SchedulerHeartbeat.objects.select_for_update().get_or_create(
            name=name, defaults={"last_beat_at": timezone.now()}
        )
        beat.last_beat_at = timezone.now()
        beat.beats += 1
        beat.save(update_fields=["last_beat_at", "beats"])
    return beat


def _who(actor) -> str:
    return actor.username if actor is not None else "system"


# --- API tokens (django-rest-knox) -------------------------------------------------------------------


def api_token_create(*, user: User, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
    """A new API token for `user`, valid `days` (API_TOKEN_DAYS by default); returns the token row and the
    token itself, which is shown once and never stored. The user's expired tokens are removed."""
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= 366:
        raise ValidationError({"days": _("A token is valid for 1 to 366 days.")})
    with transaction.atomic():
        ApiToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
        token, text = ApiToken.objects.create(user=user, expiry=timedelta(days=days), name=name.strip()[:80])
    security_log.info("api_token_created user=%s key=%s days=%s", user.username, token.token_key, days)
    return token, text


def api_token_revoke(*, user: User, token_key: str | None = None) -> int:
    """Revoke one of the user's own tokens (by its key, the first characters shown on the page), or all of
    them when no key is given; returns how many."""
    tokens = ApiToken.objects.filter(user=user)
    if token_key is not None:
        tokens = tokens.filter(token_key=token_key)
    count, _by_model = tokens.delete()
    security_log.info("api_token_revoked user=%s key=%s count=%s", user.username, token_key or "all", count)
    return count


# --- Exports ------------------------------------------------------------------------------------------

_Export = ExportJob.Status
EXPORT_JOB = Lifecycle(
    _Export,
    [
        move("start", {_Export.QUEUED, _Export.RUNNING}, _Export.RUNNING),  # again if a lost worker's task returns
        move("finish", {_Export.RUNNING}, _Export.DONE),
        move("fail", {_Export.QUEUED, _Export.RUNNING}, _Export.FAILED),
    ],
    initial={_Export.QUEUED},
)


def export_sheet(*, name: str, query, user):
    """The export `name` (settings.EXPORTS) of the list as `user` sees it, under the list's own query
    parameters. Unknown: Http404; not the user's to read: PermissionDenied; bad filters: ValidationError."""
    entry = settings.EXPORTS.get(name)
    if entry is None:
        raise Http404(name)
    require_permission(user, entry["perm"])
    return import_string(entry["builder"])(query, user)


@transaction.atomic
def export_job_start(*, name: str, fmt: str, query, user) -> ExportJob:
    """Queue a large export for the worker (core.tasks.export_run), once this transaction commits."""
    if fmt not in FORMATS:
        raise ValidationError({"format": _("Export as CSV or Excel.")})
    export_sheet(name=name, query=query, user=user)  # the same checks as a streamed export, now
    job = ExportJob.objects.create(
        owner=user,
        export=name,
        format=fmt,
        query=[[key, value] for key, values in query.lists() for value in values],
        language=translation.get_language() or settings.LANGUAGE_CODE,
        expires_at=timezone.now() + settings.EXPORT_KEPT,
    )
    transaction.on_commit(lambda: current_app.send_task("core.tasks.export_run", args=[job.pk]))
    return job


def export_job_run(*, job_id: int) -> ExportJob:
    """Write a queued export's file, counting its rows as it goes (the page shows the progress). Runs in
    the worker, as the one who asked and in their language; a failure is kept on the job."""
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    if job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
        return job
    this = ExportJob.objects.filter(pk=job.pk)
    EXPORT_JOB.update(this, "start")
    query = QueryDict(mutable=True)
    for key, value in job.query:
        query.appendlist(key, value)
    storage = export_storage()
    Path(storage.location).mkdir(parents=True, exist_ok=True)
    name = f"{job.pk}-{secrets.token_hex(8)}.{job.format}"
    try:
        with translation.override(job.language):
            sheet = export_sheet(name=job.export, query=query, user=job.owner)
            total = sheet.count(None)
            this.update(rows_total=total, title=str(sheet.name))

            def progress(rows: int) -> None:
                this.update(rows_done=rows)

            with open(storage.path(name), "wb") as out:
                if job.format == "csv":
                    lines = csv_lines(sheet)
                    out.write((next(lines) + next(lines)).encode())  # the byte-order mark and the header
                    written = 0
                    for written, line in enumerate(lines, start=1):
                        out.write(line.encode())
                        if written % 1000 == 0:
                            progress(written)
                else:
                    written = write_xlsx(sheet, out, exported_by=job.owner.name, progress=progress)
    except Exception as exc:
        logger.exception("export %s failed", job.pk)
        storage.delete(name)
        EXPORT_JOB.update(this, "fail", error=str(exc)[:2000], finished_at=timezone.now())
    else:
        EXPORT_JOB.update(
            this,
            "finish",
            rows_done=written,
            path=name,
            filename=f"{sheet.filename}.{job.format}",
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job


def exports_expire(*, now=None) -> int:
    """Beat, hourly: exports past their day are deleted, files and all. Returns how many."""
    now = now or timezone.now()
    storage = export_storage()
    expired = list(ExportJob.objects.filter(expires_at__lte=now).values_list("pk", "path"))
    for _pk, path in expired:
        if path:
            storage.delete(path)
    ExportJob.objects.filter(pk__in=[pk for pk, _path in expired]).delete()
    return len(expired)
