"""The case INSERT stays within what psycopg caches the conversion of (config/psycopg_cache.py)."""

from psycopg import _queries

from complaints.models import Complaint
from notifications.models import Notification


def test_every_insert_of_a_filing_is_cached_by_psycopg() -> None:
    for model in (Complaint, Notification):
        columns = [field for field in model._meta.concrete_fields if not field.primary_key]
        assert len(columns) <= _queries.MAX_CACHED_STATEMENT_PARAMS, model
