"""A short pending list for the name-search trigram indexes (0011), on PostgreSQL only.

GIN keeps new entries in an unsorted pending list until it is merged into the index, and
every search reads the whole list. With the default 4 MB, a sweep that flagged 10,000
cases (each update writes the names' trigrams again) left 774 pending pages, and a search
for a name nobody has went from 11 to 46 ms at p50 until the list was merged. At 256 kB a
search reads at most 32 pages; the merging happens more often, in smaller pieces, and
10,000 rolled-back updates took as long as with the default (1.3-1.4 s, measured), where
turning the pending list off took 1.9 s.
"""

from django.db import migrations

INDEXES = ("complaint_client_name_trgm", "complaint_filer_name_trgm")
PENDING_LIST_KB = 256


def pending_list_shorten(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(
            f"ALTER INDEX {name} SET (gin_pending_list_limit = {PENDING_LIST_KB})"
        )


def pending_list_default(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"ALTER INDEX {name} RESET (gin_pending_list_limit)")


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0011_name_search_indexes"),
    ]

    operations = [
        migrations.RunPython(pending_list_shorten, pending_list_default),
    ]
