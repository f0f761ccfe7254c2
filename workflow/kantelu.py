"""What a letter to the supervisory authority needs beyond the common letter context.

Computed from the case and the letter's date only, so every letter template (whoever
renders it, through ``document_ensure`` or a new version) gets the same answer through the
``kantelu`` template tag.

- **Which authority.** Since 1 Jan 2026 the regional state administrative agencies (AVI)
  and Valvira are merged into the Lupa- ja valvontavirasto; the organisation's configured
  authority is addressed from that day. A letter dated before it names the AVI, the legacy
  authority. The day of the *letter* decides, not the day of the matter: an older matter
  goes to the authority that exists when the kantelu is sent (docs/adr/0008).
- **Which language.** A kantelu is written in Finnish or Swedish. A Finnish or Swedish case
  keeps its language; an English case gets the form in the organisation's language
  (Finnish, or Swedish for a Swedish-only organisation) with guidance in English.
- **Two years.** Matters older than two years are normally not examined: warn, never block.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from complaints.choices import EventKind, FilerRole, Language
from complaints.models import AuthorityRequest, CaseEvent, Complaint

SUPERVISORY_AUTHORITY_SINCE = date(2026, 1, 1)
# The authority before 2026 (there were six regional agencies; the letter names the kind).
LEGACY_AUTHORITY = {
    Language.FI: "Aluehallintovirasto",
    Language.SV: "Regionförvaltningsverket",
    Language.EN: "Regional State Administrative Agency",
}
KANTELU_LANGUAGES = (Language.FI, Language.SV)
NOT_EXAMINED_AFTER_YEARS = 2


@dataclass(frozen=True)
class Kantelu:
    form_language: str
    guidance_in_other_language: bool
    authority_name: str
    authority_address: str
    authority_url: str
    legacy_authority: bool
    organisation_name: str
    unit_name: str
    matter_date: date
    older_than_two_years: bool
    on_behalf: bool
    complainant_name: str
    complainant_address: str
    complainant_email: str
    complainant_phone: str


def kantelu_language(complaint: Complaint) -> str:
    """Finnish or Swedish: the case's own language, else the organisation's."""
    if complaint.language in KANTELU_LANGUAGES:
        return complaint.language
    codes = complaint.organisation.language_codes
    if Language.SV in codes and Language.FI not in codes:
        return Language.SV
    return Language.FI


def years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier (29 February: the 28th)."""
    return day - relativedelta(years=years)


def kantelu_facts(*, complaint: Complaint, on: date) -> Kantelu:
    language = kantelu_language(complaint)
    organisation = complaint.organisation
    legacy = on < SUPERVISORY_AUTHORITY_SINCE
    on_behalf = complaint.filer_role != FilerRole.CLIENT
    prefix = "filer" if on_behalf else "client"
    matter_date = complaint.event_date or complaint.received_on
    return Kantelu(
        form_language=language,
        guidance_in_other_language=language != complaint.language,
        authority_name=LEGACY_AUTHORITY[Language(language)]
        if legacy
        else organisation.authority_name_in(language),
        authority_address="" if legacy else organisation.authority_address,
        authority_url="" if legacy else organisation.authority_url,
        legacy_authority=legacy,
        organisation_name=organisation.name_in(language),
        unit_name=complaint.service_unit.name_in(language)
        if complaint.service_unit
        else complaint.service_description,
        matter_date=matter_date,
        older_than_two_years=matter_date < years_before(on, NOT_EXAMINED_AFTER_YEARS),
        on_behalf=on_behalf,
        complainant_name=getattr(complaint, f"{prefix}_name"),
        complainant_address=getattr(complaint, f"{prefix}_address"),
        complainant_email=getattr(complaint, f"{prefix}_email"),
        complainant_phone=getattr(complaint, f"{prefix}_phone"),
    )


def authority_request_answered_last(*, complaint: Complaint) -> AuthorityRequest | None:
    """The request whose statement is being issued: the one answered last."""
    return (
        complaint.authority_requests.filter(answered_at__isnull=False)
        .order_by("-answered_at", "-id")
        .first()
    )


def authority_statement_signer(*, complaint: Complaint) -> str:
    """Who issued the last statement to the authority (its event names them)."""
    event = (
        CaseEvent.objects.filter(complaint=complaint, kind=EventKind.AUTHORITY_STATEMENT)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    if event is None or event.actor is None:
        return ""
    return str(event.actor.get_full_name() or event.actor.get_username())
