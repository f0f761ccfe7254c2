"""The receipt: the reference and the private link, in the case's language, nothing of the
case; rendered once per organisation and language, then filled in per case."""

from __future__ import annotations

from datetime import date

from complaints.choices import FilerRole
from notifications.models import Notification
from tests.factories import ComplaintFactory, OrganisationFactory, received_on
from tests.workflow.timeline import at
from workflow.notices import receipt_notice_queue

NOW = at(date(2026, 11, 10))


def test_each_receipt_carries_its_own_reference_and_link_escaped_for_html(db):
    org = OrganisationFactory(name_fi="Kemi", name_sv="Kemi & Torneå <sv>")
    links = {}
    for number in (1, 2):
        complaint = ComplaintFactory(
            organisation=org,
            language="sv",
            filer_role=FilerRole.CLIENT,
            client_email=f"asiakas{number}@example.fi",
            description="Salainen kuvaus",
            received_at=received_on(date(2026, 11, 2)),
        )
        links[complaint.pk] = f"https://muistutus.example/track/c{number}/?a=1&b=2"
        receipt_notice_queue(complaint=complaint, tracking_url=links[complaint.pk], now=NOW)

    notices = Notification.objects.order_by("id")
    assert len(notices) == 2
    for notice in notices:
        complaint_id = int(notice.dedupe_key.split(":")[1])
        reference = ComplaintFactory._meta.model.objects.get(pk=complaint_id).reference
        link = links[complaint_id]
        assert notice.subject == f"Din anmärkning {reference} har tagits emot"
        assert notice.language == "sv"
        assert f"{reference} (Kemi & Torneå <sv>)" in notice.body_text
        assert link in notice.body_text
        assert f'href="{link.replace("&", "&amp;")}"' in notice.body_html
        assert "Kemi &amp; Torneå &lt;sv&gt;" in notice.body_html
        assert "<sv>" not in notice.body_html
        assert 'lang="sv"' in notice.body_html
        assert "Salainen" not in notice.subject + notice.body_text + notice.body_html
        other = next(code for pk, code in links.items() if pk != complaint_id)
        assert other not in notice.body_text + notice.body_html


def test_no_address_no_receipt(db):
    complaint = ComplaintFactory(filer_role=FilerRole.CLIENT, client_email="")
    receipt_notice_queue(complaint=complaint, tracking_url="https://x.example/t/", now=NOW)
    assert not Notification.objects.exists()
