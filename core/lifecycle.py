"""Declared lifecycles for the models with a status (DESIGN "every model with a status has its lifecycle
declared"): each app's `lifecycle.py` lists its states and moves; `Lifecycle.move` (one row) and
`Lifecycle.update` (a conditional bulk UPDATE, race-safe) are the only writers of the status field.

The work order keeps its richer table (roles, signal, events) in workorders/lifecycle.py.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Move:
    name: str
    sources: frozenset[str]
    target: str
    needs_reason: bool = False


def move(name: str, sources, target, *, needs_reason: bool = False) -> Move:
    return Move(name, frozenset(sources), target, needs_reason)


class Lifecycle:
    """The states (a TextChoices), the states a new row starts in, and the moves of one model's `field`."""

    def __init__(self, states: type[models.TextChoices], moves: list[Move], *, initial, field: str = "status"):
        self.states, self.field, self.initial = states, field, frozenset(initial)  # initial: where a new row starts
        self.moves = {m.name: m for m in moves}
        unknown = ({s for m in moves for s in (*m.sources, m.target)} | self.initial) - set(states.values)
        if unknown:
            raise ValueError(f"states not in {states.__name__}: {sorted(unknown)}")

    def move(self, obj: models.Model, name: str, *, reason: str = "") -> Move:
        """Set `obj`'s status by the move `name` (the caller saves it), or refuse with the reason."""
        step = self.moves[name]
        current = getattr(obj, self.field)
        if current not in step.sources:
            raise ValidationError(
                _("Not possible while it is “%(status)s”.") % {"status": self.states(current).label},
                code="illegal_move",
            )
        if step.needs_reason and not reason.strip():
            raise ValidationError({"reason": _("Give the reason.")}, code="reason_needed")
        setattr(obj, self.field, step.target)
        return step

    def update(self, queryset: models.QuerySet, name: str, **fields) -> int:
        """The move for every row of `queryset` still in one of its sources, in one UPDATE: of two
        processes racing for a row, exactly one changes it. Returns how many rows moved."""
        step = self.moves[name]
        return queryset.filter(**{f"{self.field}__in": step.sources}).update(**{self.field: step.target}, **fields)
