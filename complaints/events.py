"""A complaint case's handling record (CaseStep), written by these helpers only, as workorders/events.py
does for an order's timeline."""

from complaints.models import CaseStep, ComplaintCase

Step = CaseStep.Step


def case_stepped(case: ComplaintCase, *, step: str, actor, notes: str = "") -> CaseStep:
    """A handling step: typed by the handler, or one the service took (escalation, satisfaction)."""
    return CaseStep.objects.create(case=case, step=step, notes=notes, by=actor)


def case_noted(case: ComplaintCase, *, actor, notes: str) -> CaseStep:
    return case_stepped(case, step=Step.NOTE, actor=actor, notes=notes)
