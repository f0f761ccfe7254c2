"""Every INSERT of a filing has its placeholder conversion cached by psycopg
(config/psycopg_cache.py)."""

from psycopg import _queries
from psycopg.adapt import Transformer

from complaints.models import Complaint

# A case's INSERT as Django writes it: one placeholder per column but the id.
CASE_COLUMNS = [field for field in Complaint._meta.concrete_fields if not field.primary_key]


def _convert_case_insert() -> None:
    columns = ", ".join(f'"{field.column}"' for field in CASE_COLUMNS)
    placeholders = ", ".join(["%s"] * len(CASE_COLUMNS))
    query = _queries.PostgresClientQuery(Transformer())
    query.convert(
        f'INSERT INTO "complaints_complaint" ({columns}) VALUES ({placeholders})',  # noqa: S608
        ["x"] * len(CASE_COLUMNS),
    )


def test_the_case_insert_is_converted_once_and_then_found_in_the_cache() -> None:
    _convert_case_insert()
    hits = _queries._query2pg_client.cache_info().hits
    _convert_case_insert()
    assert _queries._query2pg_client.cache_info().hits == hits + 1
