"""``id__any=ids``: ``IN`` for the timers' long lists of ids, as one array on PostgreSQL.

``id__in`` with 5,000 ids writes 5,000 placeholders: psycopg rewrites every one of them in
Python, and the server parses and binds 5,000 parameters. ``id = ANY(%s)`` sends the same
list as one array parameter, and PostgreSQL plans both alike (it turns the ``IN`` list into
that array itself). On the idle benchmark machine a 5,000-id look-up took 66-73 ms with
``IN`` and 22-25 ms with ``ANY``. Elsewhere the lookup is ``IN``.

It is registered on integer fields (ids), not on foreign keys: for a key, write
``complaint__id__any`` (no join; Django reads the key's own column).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import IntegerField
from django.db.models.lookups import In
from django.utils.datastructures import OrderedSet


@IntegerField.register_lookup
class InArray(In):
    lookup_name = "any"

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        if not self.rhs_is_direct_value():  # a subquery: as ``in`` writes it
            return super().as_sql(compiler, connection)
        values = OrderedSet(self.rhs)
        values.discard(None)
        if not values:  # as ``in``: NULL equals nothing, and no value matches no row
            raise EmptyResultSet
        if _plain_ints(values):
            params: Any = list(values)
        else:
            placeholders, params = self.batch_process_rhs(compiler, connection, values)
            if any(placeholder != "%s" for placeholder in placeholders):  # an expression
                return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(params))

    def get_prep_lookup(self) -> Any:
        if _plain_ints(self.rhs):
            return list(self.rhs)
        return super().get_prep_lookup()


def _plain_ints(values: Any) -> bool:
    """Ids as the timers hold them: an integer field prepares an ``int`` to itself, so
    Django's per-value preparation (a third of a 10,000-id look-up's time) can be skipped."""
    return isinstance(values, list | tuple | OrderedSet) and all(
        type(value) is int for value in values
    )
