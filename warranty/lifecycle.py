"""The fee schedule's lifecycle (core.lifecycle): a draft is edited, then published; a published schedule is
never edited again (an old order keeps the prices it was quoted)."""

from core.lifecycle import Lifecycle, move
from warranty.models import FeeSchedule

F = FeeSchedule.Status
FEE_SCHEDULE = Lifecycle(F, [move("publish", {F.DRAFT}, F.PUBLISHED)], initial={F.DRAFT})
