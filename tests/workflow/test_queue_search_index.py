"""On PostgreSQL the queue's name search can use the trigram indexes of migration 0011.

The indexes are built on ``UPPER(name::text)``, the expression Django writes for
``icontains``; should either side change, the search would read every case again, which
no result-based test would notice.
"""

from typing import Any

from django.db import connection

from complaints.models import Complaint
from workflow.api.filters import QueueFilter


def _plan(sql: str, params: tuple[Any, ...]) -> str:
    with connection.cursor() as cursor:
        # Forbid the table walk so the plan must show an index whose condition is the name.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_name_search_is_answered_by_the_trigram_indexes(require_postgres: Any, db: Any) -> None:
    cases = QueueFilter().search(Complaint.objects.all(), "q", "Virtanen")
    plan = _plan(*cases.query.sql_with_params())
    assert "complaint_client_name_trgm" in plan
    assert "complaint_filer_name_trgm" in plan


def test_a_reference_search_is_answered_by_the_reference_index(
    require_postgres: Any, db: Any
) -> None:
    cases = QueueFilter().search(Complaint.objects.all(), "q", "kemi-2026-000123")
    assert "reference_unique" in _plan(*cases.query.sql_with_params())
