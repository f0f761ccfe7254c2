"""An organisation's closure days move the due dates of its open cases, and only those."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from complaints.actors import Actor
from complaints.choices import DueRule, EventKind, Status
from complaints.clock import HELSINKI
from complaints.models import CaseEvent, ClosureDay, Complaint
from tests.admin_forms import admin_form_data
from tests.factories import ComplaintFactory, OrganisationFactory, received_on
from workflow.calendar import closure_days_of, complaint_due_date_explanation, due_dates_recompute

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=HELSINKI)
RECEIVED = date(2026, 11, 2)  # + 1 month = Wed 2.12.2026
DUE = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def _plain_http(settings: Any) -> None:
    # The test settings keep production's HTTPS redirect (DEBUG is off).
    settings.SECURE_SSL_REDIRECT = False


def _case(org: Any, unit: Any, *, state: str = Status.RECEIVED, day: date = RECEIVED, **kw: Any):
    complaint = ComplaintFactory.in_state(
        state, organisation=org, service_unit=unit, received_at=received_on(day), **kw
    )
    return complaint


def _due(complaint: Complaint) -> date:
    complaint.refresh_from_db()
    return complaint.due_date


def _changes(complaint: Complaint) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(complaint=complaint, kind=EventKind.DUE_DATE_CHANGED))


def test_closure_days_of_gives_the_organisations_own_days_with_their_descriptions(org):
    other = OrganisationFactory(slug="tornio", reference_prefix="TOR")
    ClosureDay.objects.create(organisation=org, date=DUE, description="Henkilöstöpäivä")
    ClosureDay.objects.create(organisation=org, date=date(2026, 12, 4))
    ClosureDay.objects.create(organisation=other, date=date(2026, 12, 3), description="Muu")
    assert closure_days_of(organisation_id=org.pk) == {
        DUE: "Henkilöstöpäivä",
        date(2026, 12, 4): "",
    }
    assert closure_days_of(organisation_id=other.pk + 1000) == {}


def test_a_closure_day_on_the_due_date_moves_it_to_the_next_working_day(org, unit, handler):
    open_case = _case(org, unit)
    assert open_case.due_date == DUE
    ClosureDay.objects.create(organisation=org, date=DUE, description="Henkilöstöpäivä")

    changed = due_dates_recompute(organisation=org, actor=Actor.staff(handler), now=NOW)

    assert changed == 1
    assert _due(open_case) == date(2026, 12, 3)
    (event,) = _changes(open_case)
    assert event.data["due_date"] == "2026-12-03"
    assert event.at == NOW
    assert event.actor == handler
    assert event.public  # the complainant sees the new date
    assert "Henkilöstöpäivä" in complaint_due_date_explanation(complaint=open_case, language="fi")


def test_consecutive_closure_days_and_a_weekend_are_all_skipped(org, unit):
    # Received 6.11.2026 → due Sun 6.12.2026 → Mon 7.12.2026; close 7.–8.12. → Wed 9.12.
    complaint = _case(org, unit, day=date(2026, 11, 6))
    assert complaint.due_date == date(2026, 12, 7)
    for day in (date(2026, 12, 7), date(2026, 12, 8)):
        ClosureDay.objects.create(organisation=org, date=day)
    assert due_dates_recompute(organisation=org, actor=Actor.system(), now=NOW) == 1
    assert _due(complaint) == date(2026, 12, 9)


def test_extended_cases_keep_their_two_month_rule(org, unit):
    # Received 2.10.2026, extended: + 2 months = Wed 2.12.2026.
    complaint = _case(
        org,
        unit,
        state=Status.IN_HANDLING,
        day=date(2026, 10, 2),
        extended=True,
        due_rule=DueRule.TWO_MONTHS,
        due_date=DUE,
    )
    ClosureDay.objects.create(organisation=org, date=DUE)
    assert due_dates_recompute(organisation=org, actor=Actor.system(), now=NOW) == 1
    complaint.refresh_from_db()
    assert complaint.due_date == date(2026, 12, 3)
    assert complaint.due_rule == DueRule.TWO_MONTHS


def test_closed_and_foreign_and_unaffected_cases_are_untouched(org, unit):
    open_case = _case(org, unit)
    untouched = {
        "closed": _case(org, unit, state=Status.CLOSED),
        "replied": _case(org, unit, state=Status.REPLIED),
        "withdrawn": _case(org, unit, state=Status.WITHDRAWN),
        "foreign": _case(OrganisationFactory(slug="kainuu"), None),
        "due later": _case(org, unit, day=date(2026, 11, 10)),
    }
    before = {name: c.due_date for name, c in untouched.items()}
    ClosureDay.objects.create(organisation=org, date=DUE)

    assert due_dates_recompute(organisation=org, actor=Actor.system(), now=NOW) == 1

    assert _due(open_case) == date(2026, 12, 3)
    for name, complaint in untouched.items():
        assert _due(complaint) == before[name], name
        assert _changes(complaint) == [], name


def test_recomputing_again_changes_nothing(org, unit):
    complaint = _case(org, unit)
    ClosureDay.objects.create(organisation=org, date=DUE)
    assert due_dates_recompute(organisation=org, actor=Actor.system(), now=NOW) == 1
    assert due_dates_recompute(organisation=org, actor=Actor.system(), now=NOW) == 0
    assert len(_changes(complaint)) == 1


def test_removing_the_closure_day_moves_the_date_back(org, unit):
    complaint = _case(org, unit)
    closure = ClosureDay.objects.create(organisation=org, date=DUE)
    due_dates_recompute(organisation=org, actor=Actor.system(), now=NOW)
    assert _due(complaint) == date(2026, 12, 3)
    closure.delete()
    assert due_dates_recompute(organisation=org, actor=Actor.system(), now=NOW) == 1
    assert _due(complaint) == DUE


# --- through the Django admin --------------------------------------------------------------


@pytest.fixture
def superuser_client(client: Any, django_user_model: Any) -> Any:
    client.force_login(django_user_model.objects.create_superuser("root", password="pw"))
    return client


def test_adding_a_closure_day_in_the_admin_recomputes_due_dates(superuser_client, org, unit):
    open_case = _case(org, unit)
    closed_case = _case(org, unit, state=Status.CLOSED)
    url = f"/admin/complaints/organisation/{org.pk}/change/"

    page = superuser_client.get(url)
    assert page.status_code == 200
    data = admin_form_data(page)
    prefix = next(
        inline.formset.prefix
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is ClosureDay
    )
    data[f"{prefix}-0-date"] = DUE.isoformat()
    data[f"{prefix}-0-description"] = "Henkilöstöpäivä"

    response = superuser_client.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response.content
    )
    assert ClosureDay.objects.filter(organisation=org, date=DUE).exists()
    assert _due(open_case) == date(2026, 12, 3)
    assert _due(closed_case) == DUE
    (event,) = _changes(open_case)
    assert event.actor.username == "root"

    # Deleting it again in the admin moves the date back.
    page = superuser_client.get(url)
    data = admin_form_data(page)
    data[f"{prefix}-0-DELETE"] = "on"
    response = superuser_client.post(url, data)
    assert response.status_code == 302
    assert not ClosureDay.objects.filter(organisation=org).exists()
    assert _due(open_case) == DUE
    assert len(_changes(open_case)) == 2


def test_a_moved_due_date_clears_the_overdue_flag_but_keeps_the_breach(org, unit):
    from complaints.models import DeadlineBreach
    from workflow.sweeps import deadlines_sweep

    complaint = _case(org, unit)
    morning_after = datetime(2026, 12, 3, 8, 0, tzinfo=HELSINKI)
    assert deadlines_sweep(now=morning_after)["flagged_overdue"] == 1
    # The office was closed on the due date after all, recorded the next morning.
    ClosureDay.objects.create(organisation=org, date=DUE, description="Vesivahinko")
    assert due_dates_recompute(organisation=org, actor=Actor.system(), now=morning_after) == 1
    complaint.refresh_from_db()
    assert complaint.due_date == date(2026, 12, 3)
    assert not complaint.overdue  # due today: not late any more
    assert DeadlineBreach.objects.filter(complaint=complaint).count() == 1
