"""Let psycopg cache the conversion of a case's INSERT.

psycopg turns each query's ``%s`` placeholders into PostgreSQL's ``$n`` ones and caches
the result, but only for queries with at most 50 parameters, to keep bulk ``INSERT``s
with varying row counts out of its 128-entry cache. A case has 59 columns, so every
filing parsed its INSERT again: 5–8 % of a submission's web CPU (cProfile). This widens
the limit to ``PARAMETERS``; the cache stays bounded by its entries and by psycopg's
4,096-byte query limit. ``tests/test_psycopg_cache.py`` fails if psycopg renames the
setting, stops reading it, or the case outgrows it.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

PARAMETERS = 80


def psycopg_cache_widen() -> None:
    from psycopg import _queries

    current = getattr(_queries, "MAX_CACHED_STATEMENT_PARAMS", None)
    if current is None:  # a psycopg that no longer has the limit: nothing to widen
        logger.warning("psycopg has no MAX_CACHED_STATEMENT_PARAMS; case INSERTs not cached")
        return
    _queries.MAX_CACHED_STATEMENT_PARAMS = max(current, PARAMETERS)
