"""The audit trail: who changed what and when, read from django-simple-history tables.

Any model with `history = HistoricalRecords(...)` gets a trail; `audit_trail(obj)` turns its
history rows into readable entries in a fixed number of queries, however long the trail.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import Group
from django.db import models
from django.db.models import prefetch_related_objects
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.manager import HistoryDescriptor

from core.roles import Role

ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class AuditEntry:
    when: datetime
    who: object
    action: str
    reason: str
    changes: list[Change] = field(default_factory=list)


def _tracked_fields(record) -> list[models.Field]:
    return [f for f in record.instance_type._meta.concrete_fields if not f.primary_key and hasattr(record, f.attname)]


def _m2m_accessors(record, m2m_fields) -> dict[str, tuple[str, str]]:
    """m2m field name -> (accessor of its history rows on the record, target id column)."""
    by_model_suffix = {rel.related_model.__name__.rsplit("_", 1)[-1]: rel for rel in record._meta.related_objects}
    return {
        f.name: (by_model_suffix[f.name].get_accessor_name(), f"{f.m2m_reverse_field_name()}_id") for f in m2m_fields
    }


def _m2m_ids(record, name: str) -> frozenset:
    accessor, column = record._audit_m2m[name]
    return frozenset(getattr(row, column) for row in getattr(record, accessor).all())


def audit_trail(obj, *, limit: int = 50) -> list[AuditEntry]:
    """The newest `limit` changes of `obj`, each with the fields that changed (old -> new)."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    if not records:
        return []
    m2m_fields = list(getattr(records[0], "_history_m2m_fields", []))
    accessors = _m2m_accessors(records[0], m2m_fields)
    for record in records:
        record._audit_m2m = accessors
    if m2m_fields:
        prefetch_related_objects(records, *[accessor for accessor, _column in accessors.values()])
    fields = _tracked_fields(records[0])
    labels = _related_labels(records, fields, m2m_fields)

    entries = []
    for newer, older in zip(records, records[1:] + [None], strict=True):
        if len(entries) == limit:
            break
        entry = AuditEntry(
            when=newer.history_date,
            who=newer.history_user,
            action=ACTIONS.get(newer.history_type, newer.history_type),
            reason=newer.history_change_reason or "",
            changes=_changes(newer, older, fields, m2m_fields, labels),
        )
        if entry.changes or newer.history_type != "~":
            entries.append(entry)
    return entries


def _changes(newer, older, fields, m2m_fields, labels) -> list[Change]:
    """What changed from the older history record to the newer one (from nothing, for the first record)."""
    changes = []
    for f in fields:
        new_value = getattr(newer, f.attname)
        old_value = getattr(older, f.attname) if older is not None else None
        if older is None and new_value in (None, "", False):
            continue
        if new_value != old_value:
            changes.append(Change(str(f.verbose_name), _show(f, old_value, labels), _show(f, new_value, labels)))
    for f in m2m_fields:
        new_ids = _m2m_ids(newer, f.name)
        old_ids = _m2m_ids(older, f.name) if older is not None else frozenset()
        if new_ids != old_ids:
            changes.append(Change(str(f.verbose_name), _show_many(f, old_ids, labels), _show_many(f, new_ids, labels)))
    return changes


def audit_trail_for(user, obj) -> list[AuditEntry] | None:
    """The trail for roles that may see audit trails (supervisors, admins); None hides it."""
    return audit_trail(obj) if user.has_perm("core.view_audit_trail") else None


def _related_labels(records, fields, m2m_fields) -> dict:
    """One query per related model to turn ids in the trail into names."""
    wanted: dict[type, set] = {}
    for f in fields:
        if f.is_relation:
            wanted.setdefault(f.related_model, set()).update(
                getattr(r, f.attname) for r in records if getattr(r, f.attname) is not None
            )
    for f in m2m_fields:
        ids = wanted.setdefault(f.related_model, set())
        for r in records:
            ids.update(_m2m_ids(r, f.name))
    return {
        model: {o.pk: _label(o) for o in model._default_manager.filter(pk__in=ids)}
        for model, ids in wanted.items()
        if ids
    }


def _label(obj) -> str:
    if isinstance(obj, Group) and obj.name in Role.values:
        return str(Role(obj.name).label)
    return str(obj)


def _show(f: models.Field, value, labels: dict) -> str:
    if value is None or value == "":
        return "—"
    if f.is_relation:
        return labels.get(f.related_model, {}).get(value, f"#{value}")
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, datetime):
        return formats.localize(timezone.localtime(value))
    return str(value)


def _show_many(f, ids, labels) -> str:
    names = sorted(labels.get(f.related_model, {}).get(i, f"#{i}") for i in ids)
    return "、".join(names) if names else "—"


def keep_history_manager_classes() -> None:
    """Make django-simple-history's history manager class once per model, not on every access.

    `instance.history` (which every recorded save reads) builds the class anew with
    Manager.from_queryset, whose inspect.getmembers over QuerySet was a tenth of an intake's
    instructions (callgrind, BENCHMARKS.md). The class is the same each time: it is kept.
    Checked against the pinned django-simple-history (tests/core/test_audit.py).
    """
    made = {}

    def manager(descriptor, instance, owner):
        key = (descriptor.manager_class, descriptor.queryset_class)
        if key not in made:
            made[key] = descriptor.manager_class.from_queryset(descriptor.queryset_class)
        return made[key](descriptor.model, instance)

    HistoryDescriptor.__get__ = manager
