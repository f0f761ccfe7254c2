"""Let psycopg cache the conversion of a case's INSERT.

psycopg turns each query's ``%s`` placeholders into PostgreSQL's ``$n`` ones and caches
the result, but only for queries with at most 50 parameters, to keep bulk ``INSERT``s
with varying row counts out of its 128-entry cache. A case has 57 columns, so every
filing parsed its INSERT again: 5–8 % of a submission's web CPU (cProfile). This widens
the limit to ``PARAMETERS``; the cache stays bounded by its entries and by psycopg's
4,096-byte query limit. ``tests/test_psycopg_cache.py`` fails if psycopg renames the
setting or the case outgrows it.
"""

from __future__ import annotations

PARAMETERS = 80


def psycopg_cache_widen() -> None:
    try:
        from psycopg import _queries
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return
    _queries.MAX_CACHED_STATEMENT_PARAMS = max(_queries.MAX_CACHED_STATEMENT_PARAMS, PARAMETERS)
