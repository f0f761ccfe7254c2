"""On PostgreSQL the queue's name search can use the trigram indexes of migration 0011,
and the migration goes back and forth on either database.

The indexes are built on ``UPPER(name::text)``, the expression Django writes for
``icontains``; should either side change, the search would read every case again, which
no result-based test would notice.
"""

from typing import Any

from django.core.management import call_command
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


def test_the_migration_goes_back_and_forth(transactional_db: Any) -> None:
    call_command("migrate", "complaints", "0010", verbosity=0)  # back through 0012 and 0011
    call_command("migrate", "complaints", verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_trgm'")
            found = {row[0] for row in cursor.fetchall()}
        assert found == {"complaint_client_name_trgm", "complaint_filer_name_trgm"}
        # 0012: a short pending list, so that a search after a burst of writes stays quick.
        with connection.cursor() as cursor:
            cursor.execute("SELECT reloptions FROM pg_class WHERE relname LIKE 'complaint_%%_trgm'")
            options = [row[0] for row in cursor.fetchall()]
        assert options == [["gin_pending_list_limit=256"]] * 2
