"""The receipt: the reference and the private link, in the case's language, nothing of the
case; rendered once per language, then filled in per case."""

from __future__ import annotations

from datetime import date
from unittest import mock

from complaints.choices import FilerRole
from complaints.models import Complaint
from notifications.models import Notification
from tests.factories import ComplaintFactory, OrganisationFactory, received_on
from tests.workflow.timeline import at
from workflow import notices
from workflow.notices import receipt_notice_queue

NOW = at(date(2026, 11, 10))


def test_each_receipt_carries_its_own_reference_and_link_escaped_for_html(db):
    org = OrganisationFactory(name_fi="Kemi", name_sv="Kemi & Torneå <sv>")
    other_org = OrganisationFactory(slug="tornio", reference_prefix="TOR", name_sv="Torneå")
    links = {}
    notices._skeleton.cache_clear()
    with mock.patch.object(notices, "render_to_string", wraps=notices.render_to_string) as render:
        for number, organisation in ((1, org), (2, org), (3, other_org)):
            complaint = ComplaintFactory(
                organisation=organisation,
                language="sv",
                filer_role=FilerRole.CLIENT,
                client_email=f"asiakas{number}@example.fi",
                description="Salainen kuvaus",
                received_at=received_on(date(2026, 11, 2)),
            )
            links[complaint.pk] = f"https://muistutus.example/track/c{number}/?a=1&b=2"
            receipt_notice_queue(complaint=complaint, tracking_url=links[complaint.pk], now=NOW)
    # Once per language, whatever the case or its organisation: the text and the HTML.
    assert render.call_count == 2

    sent = list(Notification.objects.order_by("id"))
    assert len(sent) == 3
    assert "(Torneå)" in sent[2].body_text
    for notice in sent:
        complaint_id = int(notice.dedupe_key.split(":")[1])
        reference = Complaint.objects.get(pk=complaint_id).reference
        link = links[complaint_id]
        assert notice.subject == f"Din anmärkning {reference} har tagits emot"
        assert notice.language == "sv"
        assert link in notice.body_text
        assert f'href="{link.replace("&", "&amp;")}"' in notice.body_html
        assert 'lang="sv"' in notice.body_html
        assert "Salainen" not in notice.subject + notice.body_text + notice.body_html
        for pk, other in links.items():
            if pk != complaint_id:
                assert other not in notice.body_text + notice.body_html
    for notice in sent[:2]:
        assert "(Kemi & Torneå <sv>)" in notice.body_text
        assert "(Kemi &amp; Torneå &lt;sv&gt;)" in notice.body_html
        assert "<sv>" not in notice.body_html


def test_no_address_no_receipt(db):
    complaint = ComplaintFactory(filer_role=FilerRole.CLIENT, client_email="")
    receipt_notice_queue(complaint=complaint, tracking_url="https://x.example/t/", now=NOW)
    assert not Notification.objects.exists()
