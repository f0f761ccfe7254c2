"""Connection options for PostgreSQL.

PostgreSQL compiles a query to machine code (JIT) when its estimated cost passes
``jit_above_cost``. That pays off for queries that run for seconds; this service's queries
take milliseconds, and at a million cases some estimates cross the line: the sweep's old
lost-letter look-up spent 47 of its 50 ms compiling (docs/performance.md). So each
connection asks for JIT off (``-c jit=off``) unless ``DATABASE_URL`` sets ``jit`` itself
or ``DATABASE_JIT_OFF`` is 0 (behind PgBouncer, which refuses startup options it does not
track; turn JIT off for the role there). Options from ``PGOPTIONS`` are kept, since libpq
reads that variable only when no ``options`` are given. See ADR 0015.
"""

from __future__ import annotations

import os
import re
from typing import Any

_SETS_JIT = re.compile(r"(-c\s*|--)jit\s*=", re.IGNORECASE)


def postgres_options(options: dict[str, Any], *, jit_off: bool = True) -> dict[str, Any]:
    """``options`` (a DATABASES entry's OPTIONS) with JIT off, unless told otherwise."""
    # libpq ignores PGOPTIONS once ``options`` is given: carry it over.
    server = str(options.get("options", "") or os.environ.get("PGOPTIONS", ""))
    if not jit_off or _SETS_JIT.search(server):
        return options
    return {**options, "options": f"{server} -c jit=off".strip()}
