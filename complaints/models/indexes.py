"""Index shapes the models share."""

from django.db import models


def index_where_set(field: str, *, name: str) -> models.Index:
    """An index of a key that is empty on most rows, holding only the rows where it is set.

    A row without the key adds nothing to it, on insert or on an update that moves the row.
    A look-up by the key (``= %s``, ``IN (…)``, as the deletion of a user makes) implies the
    key is set, so the planner still uses it.
    """
    return models.Index(
        fields=[field], condition=models.Q(**{f"{field}__isnull": False}), name=name
    )
