"""``id__any``: what ``id__in`` finds, with one array parameter on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Value
from django.test.utils import CaptureQueriesContext

from complaints.models import Complaint
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def test_it_finds_what_in_finds() -> None:
    first, second, _other = ComplaintFactory.create_batch(3)
    wanted = [second.id, first.id, None, second.id]

    found = set(Complaint.objects.filter(id__any=wanted))

    assert found == set(Complaint.objects.filter(id__in=wanted)) == {first, second}


def test_no_ids_find_nothing_without_asking() -> None:
    ComplaintFactory()
    with CaptureQueriesContext(connection) as queries:
        assert list(Complaint.objects.filter(id__any=[])) == []
        assert list(Complaint.objects.filter(id__any=[None])) == []
    assert len(queries) == 0


def test_an_update_changes_the_listed_rows_only() -> None:
    listed, unlisted = ComplaintFactory.create_batch(2)

    changed = Complaint.objects.filter(id__any=[listed.id]).update(overdue=True)

    assert changed == 1
    assert Complaint.objects.get(id=listed.id).overdue
    assert not Complaint.objects.get(id=unlisted.id).overdue


def test_a_subquery_is_written_as_in_writes_it() -> None:
    case = ComplaintFactory(overdue=True)
    ComplaintFactory()
    late = Complaint.objects.filter(overdue=True).values("id")

    assert list(Complaint.objects.filter(id__any=late)) == [case]


def test_the_list_travels_as_one_parameter() -> None:
    cases = ComplaintFactory.create_batch(3)
    ids = [case.id for case in cases]
    with CaptureQueriesContext(connection) as queries:
        list(Complaint.objects.filter(id__any=ids))
    [sql] = [query["sql"] for query in queries]
    if connection.vendor == "postgresql":
        assert '"complaints_complaint"."id" = ANY(' in sql
        assert " IN (" not in sql
    else:
        assert '"complaints_complaint"."id" IN (' in sql


def test_an_expression_among_the_values_is_written_as_in_writes_it() -> None:
    first, second = ComplaintFactory.create_batch(2)
    ComplaintFactory()

    found = Complaint.objects.filter(id__any=[first.id, Value(second.id)])

    assert set(found) == {first, second}
    assert " IN (" in str(found.query)


def test_values_other_than_ints_are_prepared_as_in_prepares_them() -> None:
    first, second = ComplaintFactory.create_batch(2)
    ComplaintFactory()

    found = Complaint.objects.filter(id__any=(str(first.id), second.id))

    assert set(found) == {first, second}
    with pytest.raises(ValueError, match="expected a number"):
        Complaint.objects.filter(id__any=[first.id, "first"])
