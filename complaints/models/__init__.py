from complaints.models.complaint import Attachment, Complaint, Reply
from complaints.models.documents import Document, Feedback
from complaints.models.organisation import (
    ClosureDay,
    Organisation,
    ReferenceCounter,
    ServiceUnit,
    StaffMembership,
)
from complaints.models.records import (
    AccessLogEntry,
    CaseEvent,
    DeadlineBreach,
    DeadlineReminder,
)

__all__ = [
    "AccessLogEntry",
    "Attachment",
    "CaseEvent",
    "ClosureDay",
    "Complaint",
    "DeadlineBreach",
    "DeadlineReminder",
    "Document",
    "Feedback",
    "Organisation",
    "ReferenceCounter",
    "Reply",
    "ServiceUnit",
    "StaffMembership",
]
