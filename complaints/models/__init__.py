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
from complaints.models.statements import AuthorityRequest, ReplyTemplate, StatementRequest

__all__ = [
    "AccessLogEntry",
    "Attachment",
    "AuthorityRequest",
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
    "ReplyTemplate",
    "ServiceUnit",
    "StaffMembership",
    "StatementRequest",
]
