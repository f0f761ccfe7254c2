"""Messages to the people of a case, through the notifications outbox and the staff inbox.

No case content in email: a reference, a short event and a link — nothing else.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape as html_escape
from typing import NamedTuple

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from complaints.actors import Actor
from complaints.choices import FilerRole, reply_withheld_from_filer
from complaints.models import Complaint
from notifications.inbox import InboxEntry, inbox_add_many
from notifications.services import Message, notification_queue, notifications_queue_many

RECEIPT_SUBJECT = gettext_lazy("Your muistutus %(reference)s has been received")
STATUS_SUBJECT = gettext_lazy("News on your muistutus %(reference)s")
# The transitions the complainant is told of by email, with the short event they read.
STATUS_NOTICE_EVENTS: Mapping[str, Promise] = {
    "accept": gettext_lazy("Your muistutus has been accepted for handling."),
    "extend": gettext_lazy("The handling time has been extended; the new due date is shown."),
    "transfer": gettext_lazy("Your muistutus has been transferred to another body."),
    "merge": gettext_lazy("Your muistutus has been merged with another case on the same matter."),
    "withdraw": gettext_lazy("Your muistutus has been withdrawn as you asked."),
    "approve_reply": gettext_lazy("The written reply to your muistutus is ready."),
}
# The same events as the client reads them when someone else filed for them and the reply
# is theirs (ADR 0018): the tracking link is the filer's, and their letters come by post.
CLIENT_BY_POST_EVENTS: Mapping[str, Promise] = {
    "accept": gettext_lazy(
        "Your muistutus has been accepted for handling. The written reply will be sent to you "
        "by post."
    ),
    "extend": gettext_lazy(
        "The handling time has been extended. A letter with the new due date will be sent to "
        "you by post."
    ),
    "transfer": gettext_lazy(
        "The matter has been transferred to the body that handles it. You will be told more "
        "by letter."
    ),
    "withdraw": gettext_lazy("Your muistutus has been withdrawn."),
    "approve_reply": gettext_lazy(
        "The written reply to your muistutus has been sent to you by post."
    ),
}
# The reply as the filer hears of it when it is the client's: their link does not show it.
REPLY_SENT_TO_CLIENT = gettext_lazy("The written reply has been sent to the client by post.")


def staff_case_url(reference: str) -> str:
    """The staff page of a case, for links in messages sent without a request."""
    return f"{settings.SITE_URL}/staff/cases/{reference}/"


def organisation_settings_url(organisation_id: int) -> str:
    """The organisation's page in the admin (its leading official, closure days, ...)."""
    path = reverse("admin:complaints_organisation_change", args=[organisation_id])
    return f"{settings.SITE_URL}{path}"


def complainant_email(complaint: Complaint) -> str:
    """Who gets the receipt: the person who filed (the client, or the filer for them)."""
    if complaint.filer_role == FilerRole.CLIENT:
        return complaint.client_email
    return complaint.filer_email


class NoticeRecipient(NamedTuple):
    """Who is told of a case's progress (``notice_recipient``)."""

    email: str  # empty: nobody can be told by email
    has_link: bool  # they filed, so the receipt with the tracking link came to them


def notice_recipient(
    *,
    filer_role: str,
    on_behalf_basis: str,
    consent_reply_to_filer: bool,
    client_email: str,
    filer_email: str,
) -> NoticeRecipient:
    """Who is told of the case's progress: the filer when the reply goes to them, else the
    client; when the client gave no email, the filer (who got the receipt and its link).
    A client for whom someone else filed holds no link: the emails must not point to it."""
    if not reply_withheld_from_filer(
        filer_role=filer_role, on_behalf_basis=on_behalf_basis, consent=consent_reply_to_filer
    ):  # the client filed, or the reply is the filer's
        email = client_email if filer_role == FilerRole.CLIENT else filer_email
        return NoticeRecipient(email=email, has_link=True)
    if client_email:
        return NoticeRecipient(email=client_email, has_link=False)
    return NoticeRecipient(email=filer_email, has_link=True)


def link_flag(recipient: NoticeRecipient) -> str:
    """``has_link`` for a message's shared context, which holds strings: empty is false."""
    return "yes" if recipient.has_link else ""


def day(value: date) -> str:
    """A date as written in messages: 2.12.2026."""
    return f"{value.day}.{value.month}.{value.year}"


def render_message(
    *,
    template: str,
    subject: Promise,
    context: Mapping[str, str],
    per_case: Mapping[str, str],
    language: str,
    recipient: str,
    dedupe_key: str,
    html: bool = False,
) -> Message:
    """One email from ``templates/email/<template>.txt`` (and ``.html``) in ``language``;
    ``subject`` is a lazily translated format string filled from both mappings.

    A timer renders thousands of these: each template is rendered once per language and
    ``context`` (what many cases share) with markers for ``per_case`` (reference, dates,
    links), which are then filled in as text.
    """
    values = {**context, **per_case}
    subject_text = subject_in(subject, language) % values
    shared, keys = tuple(sorted(context.items())), tuple(sorted(per_case))
    return Message(
        recipient=recipient,
        subject=subject_text,
        body_text=_fill(_skeleton(template, "txt", language, shared, keys), per_case, escape=False),
        body_html=_fill(_skeleton(template, "html", language, shared, keys), per_case, escape=True)
        if html
        else "",
        language=language,
        dedupe_key=dedupe_key,
    )


# (id of the subject, language) -> (the subject, kept alive so that its id stays its own,
# and its text in that language)
_subjects: dict[tuple[int, str], tuple[Promise, str]] = {}


def subject_in(subject: Promise, language: str) -> str:
    """``subject`` (a module's lazily translated constant) in ``language``, translated once
    per process: a timer's thousands of messages share a few subjects, and switching the
    language for each cost more than the rest of its subject line."""
    key = (id(subject), language)
    known = _subjects.get(key)
    if known is None:
        if len(_subjects) > 512:  # not a module constant after all: do not grow forever
            _subjects.clear()
        with translation.override(language):
            known = (subject, str(subject))
        _subjects[key] = known
    return known[1]


def _marker(key: str) -> str:
    return f"\x1f{key}\x1f"


@functools.lru_cache(maxsize=512)
def _skeleton(
    template: str,
    extension: str,
    language: str,
    shared: tuple[tuple[str, str], ...],
    keys: tuple[str, ...],
) -> str:
    context = {**dict(shared), **{key: _marker(key) for key in keys}}
    with translation.override(language):
        return render_to_string(f"email/{template}.{extension}", context)


def _fill(skeleton: str, per_case: Mapping[str, str], *, escape: bool) -> str:
    for key, value in per_case.items():
        skeleton = skeleton.replace(_marker(key), html_escape(value) if escape else value)
    return skeleton


def inbox_entry(*, user_id: int, subject: str, link: str, dedupe_key: str) -> InboxEntry:
    return InboxEntry(user_id=user_id, subject=subject, link=link, dedupe_key=dedupe_key)


@dataclass
class Notices:
    """The emails and inbox items a timer gathers case by case, queued at the end with one
    INSERT of each (``notifications_queue_many``, ``inbox_add_many``)."""

    messages: list[Message] = field(default_factory=list)
    entries: list[InboxEntry] = field(default_factory=list)

    def add_staff(
        self,
        *,
        user_id: int,
        email: str,
        template: str,
        subject: Promise,
        per_case: Mapping[str, str],
        dedupe_key: str,
        link: str | None = None,
    ) -> None:
        """What a timer tells one staff member about one case: an email (when they have an
        address) and an inbox item with the same subject, in the staff's language.
        ``per_case`` holds at least ``reference``; the inbox item links to the case's staff
        page unless ``link`` says where else."""
        language = settings.LANGUAGE_CODE
        if email:
            message = render_message(
                template=template,
                subject=subject,
                context={},
                per_case=per_case,
                language=language,
                recipient=email,
                dedupe_key=dedupe_key,
            )
            self.messages.append(message)
            text = message.subject  # the same subject, translated once
        else:
            text = subject_in(subject, language) % per_case
        self.entries.append(
            inbox_entry(
                user_id=user_id,
                subject=text,
                link=link or staff_case_url(per_case["reference"]),
                dedupe_key=dedupe_key,
            )
        )

    def queue(self, *, now: datetime) -> None:
        notifications_queue_many(messages=self.messages, now=now)
        inbox_add_many(entries=self.entries, now=now)


def receipt_notice_queue(*, complaint: Complaint, tracking_url: str, now: datetime) -> None:
    """'We received your muistutus' with the reference and the private link, once per case.

    Every online filing sends one: the templates are rendered once per language
    (``render_message``), and the organisation, reference and link filled in."""
    recipient = complainant_email(complaint)
    if not recipient:
        return
    language = complaint.language
    message = render_message(
        template="receipt",
        subject=RECEIPT_SUBJECT,
        context={},
        per_case={
            "organisation": complaint.organisation.name_in(language),
            "reference": complaint.reference,
            "tracking_url": tracking_url,
        },
        language=language,
        recipient=recipient,
        dedupe_key=f"complaint:{complaint.pk}:receipt",
        html=True,
    )
    _message_queue(message, now=now)


def status_notice_queue(*, complaint: Complaint, name: str, actor: Actor, now: datetime) -> None:
    """Tell the complainant of a transition that concerns them, once per case and transition,
    in the caller's transaction. Their own withdrawal needs no email; nor does a case without
    an email address."""
    if name not in STATUS_NOTICE_EVENTS or (name == "withdraw" and actor.user is None):
        return
    recipient = notice_recipient(
        filer_role=complaint.filer_role,
        on_behalf_basis=complaint.on_behalf_basis,
        consent_reply_to_filer=complaint.consent_reply_to_filer,
        client_email=complaint.client_email,
        filer_email=complaint.filer_email,
    )
    if not recipient.email:
        return
    language = complaint.language
    if not recipient.has_link:
        event = CLIENT_BY_POST_EVENTS.get(name, STATUS_NOTICE_EVENTS[name])
    elif name == "approve_reply" and not complaint.reply_shown_to_tracker:
        event = REPLY_SENT_TO_CLIENT
    else:
        event = STATUS_NOTICE_EVENTS[name]
    with translation.override(language):
        context = {
            "organisation": complaint.organisation.name_in(language),
            "event": str(event),
            "has_link": link_flag(recipient),
        }
    message = render_message(
        template="status_change",
        subject=STATUS_SUBJECT,
        context=context,
        per_case={"reference": complaint.reference},
        language=language,
        recipient=recipient.email,
        dedupe_key=f"complaint:{complaint.pk}:status:{name}",
        html=True,
    )
    _message_queue(message, now=now)


def _message_queue(message: Message, *, now: datetime) -> None:
    notification_queue(
        recipient=message.recipient,
        subject=message.subject,
        body_text=message.body_text,
        body_html=message.body_html,
        language=message.language,
        dedupe_key=message.dedupe_key,
        now=now,
    )
