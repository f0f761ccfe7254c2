"""Named values of the case record. States and their groups live here and only here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_HANDLING = "in_handling", _("In handling")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    TRANSFERRED = "transferred", _("Transferred")
    MERGED = "merged", _("Merged")


OPEN_STATES = (Status.RECEIVED, Status.IN_HANDLING, Status.AWAITING_APPROVAL)
TERMINAL_STATES = (Status.CLOSED, Status.WITHDRAWN, Status.TRANSFERRED, Status.MERGED)


class Language(models.TextChoices):
    FI = "fi", _("Finnish")
    SV = "sv", _("Swedish")
    EN = "en", _("English")


class FilerRole(models.TextChoices):
    CLIENT = "client", _("The client")
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    RELATIVE = "relative", _("Relative")
    CLOSE_PERSON = "close_person", _("Other close person")


class OnBehalfBasis(models.TextChoices):
    CLIENT_UNABLE = "client_unable", _("The client cannot file it themselves")
    CLIENT_DECEASED = "client_deceased", _("The client has died")
    POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney")
    GUARDIAN = "guardian", _("Guardian of a child under 18")


def reply_goes_to_filer(*, filer_role: str, on_behalf_basis: str, consent: bool) -> bool:
    """Whether the reply is the filer's to receive and read (Act 812/2000 §23; domain.md):
    a relative or close person only with the client's consent; a legal representative,
    a child's guardian (a relative), and whoever files for a client who has died, by their
    position.
    Otherwise the reply goes to the client, and the filer's tracking link does not show it."""
    if filer_role == FilerRole.CLIENT:
        return False
    guardian = on_behalf_basis == OnBehalfBasis.GUARDIAN and filer_role == FilerRole.RELATIVE
    return (
        consent
        or filer_role == FilerRole.LEGAL_REPRESENTATIVE
        or guardian
        or on_behalf_basis == OnBehalfBasis.CLIENT_DECEASED
    )


def reply_withheld_from_filer(*, filer_role: str, on_behalf_basis: str, consent: bool) -> bool:
    """Someone else filed and the reply is the client's: the filer's tracking link does not
    show it, and it is posted to the client (who has no link)."""
    return filer_role != FilerRole.CLIENT and not reply_goes_to_filer(
        filer_role=filer_role, on_behalf_basis=on_behalf_basis, consent=consent
    )


class Channel(models.TextChoices):
    WEB = "web", _("Online form")
    POST = "post", _("Post")
    IN_PERSON = "in_person", _("In person")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")


ORAL_CHANNELS = (Channel.IN_PERSON, Channel.PHONE)


class ReplyDelivery(models.TextChoices):
    ONLINE = "online", _("Online, behind the tracking link")
    POST = "post", _("By post")


class DueRule(models.TextChoices):
    ONE_MONTH = "one_month", _("Received day + 1 month")
    TWO_MONTHS = "two_months", _("Received day + 2 months (extended for wider investigation)")


class BreachTier(models.TextChoices):
    OVERDUE = "overdue", _("Overdue")
    VERY_OVERDUE = "very_overdue", _("Very overdue")


class Role(models.TextChoices):
    """Staff roles; each is a Django auth group of the same name."""

    REGISTRY = "registry", _("Registry")
    HANDLER = "handler", _("Handler")
    APPROVER = "approver", _("Approver")
    OMBUDSMAN = "ombudsman", _("Social ombudsman")
    ADMIN = "admin", _("Administrator")


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Muistutus received")
    ACCEPTED = "accepted", _("Accepted for handling")
    TRANSFERRED = "transferred", _("Transferred")
    MERGED = "merged", _("Merged into another case")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXTENDED = "extended", _("Handling time extended")
    REPLY_SUBMITTED = "reply_submitted", _("Reply drafted")
    REPLY_RETURNED = "reply_returned", _("Reply returned to the handler")
    REPLY_APPROVED = "reply_approved", _("Written reply issued")
    CLOSED = "closed", _("Closed")
    DUE_DATE_CHANGED = "due_date_changed", _("Due date recomputed")
    ATTACHMENT_ADDED = "attachment_added", _("Attachment added")
    OVERDUE = "overdue", _("Reply is late")
    VERY_OVERDUE = "very_overdue", _("Reply is very late")
    NOTE = "note", _("Internal note")
    REPLY_DRAFTED = "reply_drafted", _("Reply draft saved")
    STATEMENT_REQUESTED = "statement_requested", _("Statement requested")
    STATEMENT_ANSWERED = "statement_answered", _("Statement received")
    STATEMENT_OVERDUE = "statement_overdue", _("Statement is late")
    ESCALATED_INTERNALLY = "escalated_internally", _("Escalated to the leading official")
    DISSATISFIED = "dissatisfied", _("Complainant still dissatisfied")
    AUTHORITY_REQUEST = "authority_request", _("Supervisory authority asked for a statement")
    AUTHORITY_STATEMENT = "authority_statement", _("Statement sent to the supervisory authority")
    REPORTED_BACK = "reported_back", _("Reported back to the supervisory authority")
    DOCUMENT_ISSUED = "document_issued", _("Letter issued")
    ANONYMISED = "anonymised", _("Anonymised after the retention period")


# Events the complainant sees on the tracking page; the rest are internal.
PUBLIC_EVENT_KINDS = frozenset(
    {
        EventKind.SUBMITTED,
        EventKind.ACCEPTED,
        EventKind.TRANSFERRED,
        EventKind.MERGED,
        EventKind.WITHDRAWN,
        EventKind.EXTENDED,
        EventKind.REPLY_APPROVED,
        EventKind.CLOSED,
        EventKind.DUE_DATE_CHANGED,
        EventKind.OVERDUE,
        EventKind.ATTACHMENT_ADDED,
        EventKind.DISSATISFIED,
    }
)


class AccessAction(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Write")
