"""``insert_from_select``: rows made by the database from a queryset, once per constraint."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db.models import DateTimeField, F, Value

from complaints.bulk import insert_from_select
from complaints.models import Complaint, DeadlineBreach
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db
AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _breaches(cases: object) -> list[int]:
    return insert_from_select(
        DeadlineBreach,
        cases,  # type: ignore[arg-type]
        {
            "complaint": F("id"),
            "tier": Value("overdue"),
            "due_date": F("due_date"),
            "recorded_at": Value(AT, output_field=DateTimeField()),
        },
        ignore_conflicts=True,
        returning="complaint",
    )


def test_one_row_per_source_row_with_the_values_asked_for() -> None:
    first, second = ComplaintFactory(), ComplaintFactory()
    ComplaintFactory()  # not selected
    written = _breaches(Complaint.objects.filter(pk__in=[first.pk, second.pk]))
    assert sorted(written) == sorted([first.pk, second.pk])
    stored = {b.complaint_id: b for b in DeadlineBreach.objects.all()}
    assert set(stored) == {first.pk, second.pk}
    assert stored[first.pk].due_date == first.due_date
    assert stored[first.pk].recorded_at == AT
    assert stored[first.pk].tier == "overdue"


def test_rows_breaking_a_unique_rule_are_skipped_and_not_returned() -> None:
    first, second = ComplaintFactory(), ComplaintFactory()
    _breaches(Complaint.objects.filter(pk=first.pk))
    again = _breaches(Complaint.objects.filter(pk__in=[first.pk, second.pk]))
    assert again == [second.pk]
    assert DeadlineBreach.objects.count() == 2


@pytest.mark.parametrize("name", ["events", "units"], ids=["reverse relation", "many-to-many"])
def test_a_name_that_is_not_a_column_is_refused(name: str) -> None:
    from complaints.models import StaffMembership

    model = Complaint if name == "events" else StaffMembership
    with pytest.raises(ValueError, match="not a column"):
        insert_from_select(model, Complaint.objects.all(), {name: F("id")})
