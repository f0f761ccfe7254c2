"""What the tracking link must not show: the reply when it is the client's and the link the
filer's (domain.md: a relative or close person sees the reply only with the client's
consent or as legal representative), and the files employees sent with their statements."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints import clock
from complaints.actors import Actor
from complaints.choices import (
    FilerRole,
    OnBehalfBasis,
    Status,
    reply_goes_to_filer,
    reply_withheld_from_filer,
)
from complaints.models import Document
from tests.factories import ComplaintFactory, received_on
from workflow.errors import InvalidInput
from workflow.intake import REPLY_POSTED_TO_CLIENT, Party, Submission, complaint_submit
from workflow.notices import notice_recipient
from workflow.statements import statement_answer, statement_request
from workflow.tasks import document_generate_task

HELSINKI = ZoneInfo("Europe/Helsinki")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REPLY_TEXT = "Pahoittelemme asiakkaan kohtelua."


@pytest.fixture(autouse=True)
def _plain_http(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = False


def _pdf_text(response: Any) -> str:
    reader = pypdf.PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    return " ".join(page.extract_text() for page in reader.pages)


def _replied_for_client(org: Any, unit: Any, **filer: Any) -> tuple[Any, str]:
    """A replied case filed by someone else for the client, its reply letter made."""
    complaint, code = ComplaintFactory.tracked(
        Status.REPLIED,
        organisation=org,
        service_unit=unit,
        received_at=received_on(date(2026, 10, 1)),
        replied_at=datetime(2026, 10, 20, 12, tzinfo=HELSINKI),
        client_name="Aino Asiakas",
        client_address="Valtakatu 1\n94100 Kemi",
        filer_name="Eero Omainen",
        filer_address="Rantakatu 2\n94100 Kemi",
        reply_delivery="post",
        **filer,
    )
    complaint.replies.update(text=REPLY_TEXT)
    document_generate_task(complaint_id=complaint.pk, kind="reply")
    return complaint, code


@pytest.mark.parametrize(
    ("role", "basis", "consent", "expected"),
    [
        (FilerRole.CLIENT, "", True, False),
        (FilerRole.RELATIVE, OnBehalfBasis.CLIENT_UNABLE, False, False),
        (FilerRole.CLOSE_PERSON, OnBehalfBasis.POWER_OF_ATTORNEY, False, False),
        (FilerRole.RELATIVE, OnBehalfBasis.CLIENT_UNABLE, True, True),
        (FilerRole.LEGAL_REPRESENTATIVE, OnBehalfBasis.CLIENT_UNABLE, False, True),
        (FilerRole.RELATIVE, OnBehalfBasis.GUARDIAN, False, True),
        (FilerRole.CLOSE_PERSON, OnBehalfBasis.GUARDIAN, False, False),  # not a guardian
        (FilerRole.RELATIVE, OnBehalfBasis.CLIENT_DECEASED, False, True),
    ],
)
def test_whose_reply_it_is(role, basis, consent, expected):
    assert reply_goes_to_filer(filer_role=role, on_behalf_basis=basis, consent=consent) is expected
    withheld = reply_withheld_from_filer(filer_role=role, on_behalf_basis=basis, consent=consent)
    assert withheld is (role != FilerRole.CLIENT and not expected)
    to = notice_recipient(
        filer_role=role,
        on_behalf_basis=basis,
        consent_reply_to_filer=consent,
        client_email="client@example.fi",
        filer_email="filer@example.fi",
    )
    assert to.email == ("filer@example.fi" if expected else "client@example.fi")
    assert to.has_link is (role == FilerRole.CLIENT or expected)


def test_a_relative_without_consent_follows_the_case_but_cannot_read_the_reply(
    api, client, org, unit
):
    complaint, code = _replied_for_client(
        org, unit, filer_role=FilerRole.RELATIVE, on_behalf_basis=OnBehalfBasis.CLIENT_UNABLE
    )
    assert Document.objects.filter(complaint=complaint, kind="reply").exists()  # it was made

    tracked = api.get(f"/api/v1/track/{code}/").json()
    assert tracked["status"] == "replied"
    assert tracked["reply_visible"] is False
    assert [document["kind"] for document in tracked["documents"]] == ["receipt"]
    assert client.get(reverse("public:document", args=[code, "reply"])).status_code == 404
    page = client.get(reverse("public:track", args=[code])).content.decode()
    assert "/documents/reply/" not in page
    assert "Asiakkaalle on lähetetty kirjallinen vastaus." in page  # the case's language

    # Still dissatisfied: the pre-filled kantelu does not copy the reply either.
    note = api.post(f"/api/v1/track/{code}/dissatisfied/").json()
    text = " ".join(_pdf_text(api.get(note["url"])).split())
    assert "Pahoittelemme" not in text
    assert "Kirjallinen vastaus lähetettiin asiakkaalle. Sitä ei kopioida tähän." in text


def test_the_reply_letter_is_addressed_to_the_client_when_it_is_theirs(api, org, unit):
    complaint, _code = _replied_for_client(
        org, unit, filer_role=FilerRole.CLOSE_PERSON, on_behalf_basis=OnBehalfBasis.CLIENT_UNABLE
    )
    with Document.objects.get(complaint=complaint, kind="reply").file.open("rb") as handle:
        text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(handle.read())).pages)
    assert "Aino Asiakas" in text
    assert "Valtakatu 1" in text
    assert "Rantakatu 2" not in text


@pytest.mark.parametrize(
    "filer",
    [
        {"filer_role": FilerRole.LEGAL_REPRESENTATIVE, "on_behalf_basis": "client_unable"},
        {"filer_role": FilerRole.RELATIVE, "on_behalf_basis": OnBehalfBasis.CLIENT_DECEASED},
        {
            "filer_role": FilerRole.RELATIVE,
            "on_behalf_basis": OnBehalfBasis.CLIENT_UNABLE,
            "consent_reply_to_filer": True,
        },
    ],
)
def test_a_filer_whose_reply_it_is_reads_it_and_it_is_addressed_to_them(api, org, unit, filer):
    _complaint, code = _replied_for_client(org, unit, **filer)
    tracked = api.get(f"/api/v1/track/{code}/").json()
    assert tracked["reply_visible"] is True
    reply = next(document for document in tracked["documents"] if document["kind"] == "reply")
    text = _pdf_text(api.get(reply["url"]))
    assert REPLY_TEXT in text
    assert "Eero Omainen" in text
    assert "Rantakatu 2" in text


def _filing(**overrides: Any) -> dict[str, Any]:
    return {
        "organisation": "kemi",
        "service_description": "Kotihoito",
        "description": "Äidin kotihoito jäi väliin.",
        "filer_role": "relative",
        "on_behalf_basis": "client_unable",
        "client": {"name": "Aino Asiakas", "address": "Valtakatu 1, 94100 Kemi"},
        "filer": {"name": "Eero Omainen", "email": "eero@example.fi"},
        "language": "fi",
        "reply_delivery": "online",
    } | overrides


def test_a_reply_online_behind_the_filers_link_needs_the_clients_consent(api, org):
    refused = api.post("/api/v1/complaints/", _filing(), format="json")
    assert refused.status_code == 400
    assert "reply_delivery" in refused.json()
    for accepted in (
        _filing(reply_delivery="post"),
        _filing(consent_reply_to_filer=True),
        _filing(filer_role="legal_representative"),
    ):
        assert api.post("/api/v1/complaints/", accepted, format="json").status_code == 201


def test_the_form_asks_for_post_or_consent_when_the_reply_is_the_clients(client, org, unit):
    from public.forms import LanguageForm

    context = {
        "organisation_obj": org,
        "filer_role": "relative",
        "on_behalf_basis": "client_unable",
        "client_address": "Valtakatu 1",
    }
    online = LanguageForm({"language": "fi", "reply_delivery": "online"}, context=context)
    assert not online.is_valid()
    assert online.errors["reply_delivery"] == [str(REPLY_POSTED_TO_CLIENT)]
    for data in (
        {"language": "fi", "reply_delivery": "post"},
        {"language": "fi", "reply_delivery": "online", "consent_reply_to_filer": "on"},
    ):
        assert LanguageForm(data, context=context).is_valid()
    # A legal representative is not asked for the client's consent: the reply is theirs.
    representative = LanguageForm(context=context | {"filer_role": "legal_representative"})
    assert "consent_reply_to_filer" not in representative.fields


def test_files_sent_with_a_statement_stay_off_the_tracking_link(api, client, filed, handler):
    complaint = filed.complaint
    type(complaint).objects.filter(pk=complaint.pk).update(status=Status.IN_HANDLING)
    own = api.post(
        f"/api/v1/track/{filed.tracking_code}/attachments/",
        {"file": SimpleUploadedFile("oma.pdf", PDF)},
        format="multipart",
    )
    assert own.status_code == 201
    statement = statement_request(
        complaint_id=complaint.pk,
        actor=Actor.staff(handler),
        now=clock.now(),
        respondent_email="tiina@example.org",
        question="Mitä tapahtui?",
        link=lambda token: f"/staff/statements/{token}/",
    )
    statement_answer(
        statement_id=statement.pk,
        answer="Olin paikalla.",
        files=[("tiina-muistio.pdf", PDF + b"% muistio\n")],
        now=clock.now(),
    )
    employees = statement.attachments.get()

    tracked = api.get(f"/api/v1/track/{filed.tracking_code}/").json()
    assert [attachment["name"] for attachment in tracked["attachments"]] == ["oma.pdf"]
    page = client.get(reverse("public:track", args=[filed.tracking_code])).content.decode()
    assert "oma.pdf" in page
    assert "tiina-muistio" not in page
    download = reverse("public:attachment", args=[filed.tracking_code, employees.pk])
    assert client.get(download).status_code == 404


def test_the_staff_page_says_whose_reply_it_is_by_the_same_rule(client, org, unit, handler):
    from django.utils import translation

    complaint, _code = _replied_for_client(
        org, unit, filer_role=FilerRole.LEGAL_REPRESENTATIVE, on_behalf_basis="client_unable"
    )
    client.force_login(handler)
    page = client.get(reverse("staff:case", args=[complaint.reference])).content.decode()
    with translation.override("fi"):
        assert translation.gettext("The reply may be sent to the filer.") in page
        assert translation.gettext("The reply goes to the client.") not in page


@pytest.mark.parametrize(
    ("filer", "client_address", "refused"),
    [
        # The reply is the filer's (legal representative): their address is the one needed.
        ({"name": "Eero Edustaja"}, "Valtakatu 1, 94100 Kemi", True),
        ({"name": "Eero Edustaja", "address": "Rantakatu 2, 94100 Kemi"}, "", False),
    ],
)
def test_the_service_itself_refuses_a_posted_reply_without_its_recipients_address(
    org, unit, filer, client_address, refused
):
    """Whoever calls the service (API, staff page, web form, a script), not only the API's
    serializer: the post-address rule lives in ``workflow.intake``."""
    submission = Submission(
        description="Kohtelu",
        filer_role=FilerRole.LEGAL_REPRESENTATIVE,
        on_behalf_basis=OnBehalfBasis.CLIENT_UNABLE,
        client=Party(name="Aino Asiakas", address=client_address),
        filer=Party(**filer),
        language="fi",
        reply_delivery="post",
        service_unit_id=unit.pk,
    )

    def submit() -> Any:
        return complaint_submit(
            organisation=org, submission=submission, actor=Actor.complainant(), now=clock.now()
        )

    if refused:
        with pytest.raises(InvalidInput) as error:
            submit()
        assert error.value.field == "reply_delivery"
    else:
        assert submit().complaint.filer_address == "Rantakatu 2, 94100 Kemi"
