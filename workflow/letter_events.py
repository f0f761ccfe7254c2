"""Which event each letter writes down: a module of its own, as both the letters
(workflow/documents.py) and the sweep (workflow/sweeps.py) read it."""

from __future__ import annotations

from complaints.choices import EventKind
from complaints.models import Document

# The event each letter writes down (the sweep re-queues the letters still missing an hour
# after theirs, workflow/sweeps.py). Its first version carries that event's day, however
# late the worker makes it: a reply approved at 23.50 and made after midnight, or
# re-queued hours after the broker lost its task, is still dated the day of approval.
DATED_BY_EVENT = {
    Document.Kind.REPLY: EventKind.REPLY_APPROVED,
    Document.Kind.REPORT_BACK: EventKind.REPLY_APPROVED,
    Document.Kind.EXTENSION_NOTICE: EventKind.EXTENDED,
    Document.Kind.TRANSFER_NOTICE: EventKind.TRANSFERRED,
    Document.Kind.INTERNAL_ESCALATION: EventKind.OVERDUE,
    Document.Kind.DELAY_NOTICE: EventKind.OVERDUE,
}
# The letters a new overdue breach has the worker make (workflow/breach_follow_ups.py),
# re-queued by the breach, not by a transition's event (workflow/sweeps.py).
BREACH_LETTERS = frozenset({Document.Kind.INTERNAL_ESCALATION, Document.Kind.DELAY_NOTICE})
