"""Seed N cases fast for the benchmark: organisations and units through the ORM, the cases
with PostgreSQL ``COPY`` (psycopg), their events, documents and statement requests with
set-based ``INSERT ... SELECT`` on the server.

The mix: 24 organisations of very different sizes (a few large counties, many small
providers), 10-40 units each (unit sizes skewed too), received days spread over five years,
the last weeks' cases mostly open, older ones mostly closed; Finnish, Swedish and English;
a few extended, transferred, withdrawn and merged; open cases past their due date already
flagged by an earlier sweep (so that "nothing due" is the steady state).

Run by ``benchmarks/run.sh`` after ``migrate``: ``python benchmarks/seed.py`` with BENCH_N.
Writes ``$BENCH_DIR/seed.json`` naming the users, token and units the measurements use.
"""

# ruff: noqa: E402 - Django is set up before the app imports
from __future__ import annotations

import hashlib
import json
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.auth.models import Group, User
from django.db import connection
from rest_framework.authtoken.models import Token

from complaints import clock
from complaints.choices import Role
from complaints.clock import helsinki_date
from complaints.models import Complaint, Organisation, ServiceUnit, StaffMembership

ORGANISATIONS = 24
YEARS = 5
TODAY = (
    date.fromisoformat(os.environ["BENCH_TODAY"])
    if os.environ.get("BENCH_TODAY")
    else helsinki_date(clock.now())
)
rng = random.Random(20261123)  # noqa: S311 - test data, not security


def _organisations() -> tuple[list[Organisation], list[list[ServiceUnit]]]:
    organisations, units = [], []
    for i in range(ORGANISATIONS):
        organisation = Organisation.objects.create(
            name_fi=f"Hyvinvointialue {i + 1}",
            name_sv=f"Välfärdsområde {i + 1}",
            slug=f"org{i + 1}",
            reference_prefix=f"ORG{i + 1}",
            languages="fi,sv,en" if i % 3 == 0 else "fi,en",
        )
        organisations.append(organisation)
        units.append(
            ServiceUnit.objects.bulk_create(
                ServiceUnit(organisation=organisation, name_fi=f"Yksikkö {i + 1}.{u + 1}")
                for u in range(10 + (i * 7) % 31)
            )
        )
    return organisations, units


def _staff(organisation: Organisation, unit: ServiceUnit) -> dict[str, object]:
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
    handler = User.objects.create_user("bench-handler", password="bench")  # noqa: S106
    handler.groups.add(groups[Role.HANDLER])
    membership = StaffMembership.objects.create(user=handler, organisation=organisation)
    membership.units.add(unit)
    county = User.objects.create_user("bench-county", password="bench")  # noqa: S106
    county.groups.add(groups[Role.HANDLER], groups[Role.APPROVER])
    StaffMembership.objects.create(user=county, organisation=organisation, all_units=True)
    return {
        "handler_id": handler.pk,
        "handler_token": Token.objects.create(user=handler).key,
        "county_id": county.pk,
        "county_token": Token.objects.create(user=county).key,
    }


def _weights(count: int) -> list[float]:
    """Zipf-like sizes: the first is the largest."""
    return [1 / (k + 1) ** 0.8 for k in range(count)]


COLUMNS = (
    "id",
    "reference",
    "tracking_code_hash",
    "status",
    "channel",
    "oral_reason",
    "received_at",
    "received_on",
    "submission_fingerprint",
    "service_description",
    "filer_role",
    "on_behalf_basis",
    "client_name",
    "client_email",
    "client_phone",
    "client_address",
    "filer_name",
    "filer_email",
    "filer_phone",
    "filer_address",
    "consent_reply_to_filer",
    "ombudsman_consent",
    "description",
    "persons_involved",
    "desired_outcome",
    "contests_decision",
    "language",
    "interpreter_needed",
    "interpreter_language",
    "reply_delivery",
    "due_date",
    "due_rule",
    "extended",
    "extension_reason",
    "overdue",
    "very_overdue",
    "escalated",
    "transfer_target",
    "transfer_reason",
    "withdrawal_reason",
    "replied_at",
    "closed_at",
    "updated_at",
    "organisation_id",
    "service_unit_id",
    "handler_id",
    "merged_into_id",
    "due_basis",
    "authority_diary_number",
    "reply_draft",
)

FIRST = ["Aino", "Eino", "Helmi", "Väinö", "Ella", "Oskari", "Linnea", "Mikael", "Saga", "Leo"]
LAST = ["Virtanen", "Korhonen", "Nieminen", "Mäkinen", "Lindqvist", "Heikkinen", "Koskinen"]
TEXT = (
    "Kotihoidon käynnit jäivät useana päivänä väliin eikä asiasta ilmoitettu etukäteen. "
    "Toivon, että asia selvitetään ja käytäntöjä korjataan."
)


def _status(age_days: int) -> str:
    roll = rng.random()
    if age_days < 40:  # recent: mostly still open
        open_share = 0.85
    elif age_days < 120:
        open_share = 0.10
    else:
        open_share = 0.004  # stragglers, long overdue
    if roll < open_share:
        return rng.choices(["received", "in_handling", "awaiting_approval"], [2, 6, 2])[0]
    return rng.choices(["closed", "withdrawn", "transferred", "merged"], [90, 4, 5, 1])[0]


def _rows(n: int, organisations, units, handlers):  # type: ignore[no-untyped-def]
    org_weights = _weights(len(organisations))
    unit_weights = [_weights(len(u)) for u in units]
    counters = [0] * len(organisations)
    span = YEARS * 365
    # Oldest first, so that ids grow with the day of arrival like in real life.
    ages = sorted((int(rng.random() * span) for _ in range(n)), reverse=True)
    now = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC)
    for index, age in enumerate(ages):
        pk = index + 1
        o = rng.choices(range(len(organisations)), org_weights)[0]
        counters[o] += 1
        organisation = organisations[o]
        unit = rng.choices(units[o], unit_weights[o])[0] if rng.random() < 0.93 else None
        received_on = TODAY - timedelta(days=age)
        status = _status(age)
        extended = rng.random() < 0.05
        due = received_on + timedelta(days=61 if extended else 30)
        is_open = status in ("received", "in_handling", "awaiting_approval")
        overdue = is_open and due < TODAY
        very_overdue = overdue and due < TODAY - timedelta(days=30)
        language = (
            organisation.language_codes[int(rng.random() ** 3 * 3) % 3]
            if o % 3 == 0
            else ("fi" if rng.random() < 0.95 else "en")
        )
        done = received_on + timedelta(days=rng.randint(5, 55))
        received_at = datetime.combine(received_on, datetime.min.time(), tzinfo=UTC) + timedelta(
            hours=6 + rng.random() * 12
        )
        client = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        handler = handlers[o] if status != "received" and rng.random() < 0.8 else None
        yield (
            pk,
            f"{organisation.reference_prefix}-{received_on.year}-{counters[o]:07d}",
            hashlib.sha256(f"bench:{pk}".encode()).hexdigest(),
            status,
            "web" if rng.random() < 0.8 else "post",
            "",
            received_at,
            received_on,
            "",
            "" if unit else "Kotihoito",
            "client",
            "",
            client,
            f"client{pk}@example.invalid" if rng.random() < 0.7 else "",
            "",
            "Esimerkkikatu 1, 00100 Helsinki",
            "",
            "",
            "",
            "",
            False,
            False,
            TEXT,
            "",
            "",
            False,
            language,
            False,
            "",
            "online",
            due,
            "two_months" if extended else "one_month",
            extended,
            "Selvitys vaatii lausuntoja." if extended else "",
            overdue,
            very_overdue,
            False,
            "Kela" if status == "transferred" else "",
            "Ei muistutus." if status == "transferred" else "",
            "Asia ratkesi." if status == "withdrawn" else "",
            datetime.combine(done, datetime.min.time(), tzinfo=UTC) if status == "closed" else None,
            datetime.combine(done, datetime.min.time(), tzinfo=UTC) if status == "closed" else None,
            min(now, received_at + timedelta(days=30)),
            organisation.pk,
            unit.pk if unit else None,
            handler,
            max(1, pk - 1) if status == "merged" and pk > 1 else None,
            json.dumps({"nominal": due.isoformat(), "skipped": []}),
            "",
            "",
        )


def _copy_cases(n: int, organisations, units, handlers) -> None:  # type: ignore[no-untyped-def]
    table = Complaint._meta.db_table
    with connection.cursor() as cursor:
        raw = cursor.connection  # the psycopg connection
        with (
            raw.cursor() as pg,
            pg.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy,
        ):
            for row in _rows(n, organisations, units, handlers):
                # A merged case needs its target; the first case cannot be merged.
                if row[3] == "merged" and row[0] == 1:
                    row = (*row[:3], "closed", *row[4:])
                copy.write_row(row)
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
        )


def _derived_rows() -> None:
    """Events (2-5 per case), documents (receipt for most, reply for closed, the extension
    and transfer notices) on the server."""
    sql = [
        """INSERT INTO complaints_caseevent (at, kind, actor_label, public, from_state, to_state,
               data, complaint_id)
           SELECT received_at, 'submitted', 'Asiakas', true, '', 'received', '{}'::jsonb, id
           FROM complaints_complaint""",
        """INSERT INTO complaints_caseevent (at, kind, actor_label, public, from_state, to_state,
               data, complaint_id)
           SELECT received_at + interval '2 days', 'accepted', 'Käsittelijä', true, 'received',
               'in_handling', '{}'::jsonb, id
           FROM complaints_complaint WHERE status <> 'received'""",
        """INSERT INTO complaints_caseevent (at, kind, actor_label, public, from_state, to_state,
               data, complaint_id)
           SELECT closed_at, 'closed', 'Käsittelijä', true, 'replied', 'closed', '{}'::jsonb, id
           FROM complaints_complaint WHERE status = 'closed'""",
        """INSERT INTO complaints_caseevent (at, kind, actor_label, public, from_state, to_state,
               data, complaint_id)
           SELECT received_at + interval '1 day', 'note', 'Käsittelijä', false, '', '',
               '{"text": "Soitettu asiakkaalle."}'::jsonb, id
           FROM complaints_complaint WHERE id % 3 = 0""",
        """INSERT INTO complaints_document (kind, version, language, file, sha256, size,
               created_at, complaint_id)
           SELECT 'receipt', 1, language, 'documents/bench-receipt.pdf', md5(id::text) ||
               md5(reference), 24000, received_at, id
           FROM complaints_complaint WHERE id % 4 <> 0""",
        """INSERT INTO complaints_document (kind, version, language, file, sha256, size,
               created_at, complaint_id)
           SELECT 'reply', 1, language, 'documents/bench-reply.pdf', md5(reference) ||
               md5(id::text), 48000, closed_at, id
           FROM complaints_complaint WHERE status = 'closed'""",
        # The transitions that have the worker make a letter, each with its letter (the
        # sweep looks for letters still missing after these events).
        """INSERT INTO complaints_caseevent (at, kind, actor_label, public, from_state, to_state,
               data, complaint_id)
           SELECT replied_at, 'reply_approved', 'Hyväksyjä', true, 'awaiting_approval',
               'replied', '{}'::jsonb, id
           FROM complaints_complaint WHERE replied_at IS NOT NULL""",
        """INSERT INTO complaints_caseevent (at, kind, actor_label, public, from_state, to_state,
               data, complaint_id)
           SELECT received_at + interval '20 days', 'extended', 'Käsittelijä', true,
               'in_handling', 'in_handling', '{}'::jsonb, id
           FROM complaints_complaint WHERE extended AND status <> 'received'""",
        """INSERT INTO complaints_document (kind, version, language, file, sha256, size,
               created_at, complaint_id)
           SELECT 'extension_notice', 1, language, 'documents/bench-extension.pdf',
               md5(reference) || md5('extension'), 26000, received_at + interval '20 days', id
           FROM complaints_complaint WHERE extended AND status <> 'received'""",
        """INSERT INTO complaints_caseevent (at, kind, actor_label, public, from_state, to_state,
               data, complaint_id)
           SELECT received_at + interval '3 days', 'transferred', 'Käsittelijä', true,
               'received', 'transferred', '{}'::jsonb, id
           FROM complaints_complaint WHERE status = 'transferred'""",
        """INSERT INTO complaints_document (kind, version, language, file, sha256, size,
               created_at, complaint_id)
           SELECT 'transfer_notice', 1, language, 'documents/bench-transfer.pdf',
               md5(reference) || md5('transfer'), 26000, received_at + interval '3 days', id
           FROM complaints_complaint WHERE status = 'transferred'""",
    ]
    with connection.cursor() as cursor:
        for statement in sql:
            cursor.execute(statement)
        # Earlier sweeps' breach records for the cases that are flagged, recorded by the
        # sweep of the night after the due date (not today: that would be a new backlog).
        cursor.execute(
            """INSERT INTO complaints_deadlinebreach (complaint_id, tier, due_date, recorded_at)
               SELECT id, 'overdue', due_date, due_date + interval '1 day 3 hours'
               FROM complaints_complaint WHERE overdue"""
        )
        # ... and the internal escalation note the worker made for each of them.
        cursor.execute(
            """INSERT INTO complaints_document (kind, version, language, file, sha256, size,
                   created_at, complaint_id)
               SELECT 'internal_escalation', 1, 'fi', 'documents/bench-note.pdf',
                   md5(id::text) || md5('note'), 30000, recorded_at + interval '1 minute',
                   complaint_id
               FROM complaints_deadlinebreach WHERE tier = 'overdue'"""
        )
        _statement_requests(cursor)
        cursor.execute("VACUUM (ANALYZE)")
        # Write the seed's dirty pages out now, not in a checkpoint during the measurements.
        cursor.execute("CHECKPOINT")


def _statement_requests(cursor) -> None:  # type: ignore[no-untyped-def]
    """A statement request, three days after receipt, for three in five accepted cases
    (not transferred ones, which leave before that); answered within a week, before the
    case left handling, but for two in 25: those stay unanswered, reminded and flagged late
    as the sweeps left them, and cancelled when their case left handling (at the reply, or
    the exit)."""
    cursor.execute(
        """INSERT INTO complaints_statementrequest (respondent_name, respondent_email,
               question, due_date, token_hash, requested_at, answer, answered_at,
               reminder_sent_at, overdue_flagged_at, cancelled_at, complaint_id,
               requested_by_id, service_unit_id)
           SELECT 'Työntekijä', 'tyontekija@example.fi', 'Kertoisitteko, mitä tapahtui?',
               due, md5(id::text) || md5('statement'), received_at + interval '3 days',
               CASE WHEN answered THEN 'Vastaus.' ELSE '' END,
               CASE WHEN answered
                   THEN least(received_at + interval '10 days', left_at - interval '1 hour') END,
               CASE WHEN NOT answered AND due - 2 <= until THEN (due - 2) + time '06:00' END,
               CASE WHEN NOT answered AND due < until THEN (due + 1) + time '01:00' END,
               CASE WHEN NOT answered AND NOT open THEN left_at END,
               id, (SELECT min(id) FROM auth_user), service_unit_id
           FROM (
               SELECT *, CASE WHEN open THEN %(today)s ELSE left_at::date END AS until,
                   id %% 25 NOT IN (7, 13)
                       AND NOT (open AND received_at + interval '10 days' > %(today)s)
                       AS answered
               FROM (
                   SELECT id, received_at, service_unit_id,
                       (received_at + interval '17 days')::date AS due,
                       status IN ('received', 'in_handling', 'awaiting_approval') AS open,
                       CASE WHEN status NOT IN ('received', 'in_handling', 'awaiting_approval')
                           THEN coalesce(replied_at, closed_at, received_at + interval '5 days')
                       END AS left_at
                   FROM complaints_complaint
                   WHERE status NOT IN ('received', 'transferred') AND id %% 5 < 3
                       AND received_at + interval '3 days' <= %(today)s
               ) cases
           ) requests""",
        {"today": TODAY},
    )


def main() -> None:
    n = int(os.environ.get("BENCH_N", "100000"))
    started = time.monotonic()
    organisations, units = _organisations()
    # The benchmark's unit: the largest unit of the largest organisation.
    staff = _staff(organisations[0], units[0][0])
    handlers = [staff["county_id"]] * len(organisations)
    _copy_cases(n, organisations, units, handlers)
    copied = time.monotonic()
    _derived_rows()
    done = time.monotonic()
    info = {
        "n": n,
        "today": TODAY.isoformat(),
        "organisation_slug": organisations[0].slug,
        "organisation_id": organisations[0].pk,
        "unit_id": units[0][0].pk,
        "small_unit_id": units[0][-1].pk,
        "organisation_ids": [o.pk for o in organisations],
        "unit_ids": [[u.pk for u in us] for us in units],
        **staff,
        "seconds_copy": round(copied - started, 1),
        "seconds_total": round(done - started, 1),
    }
    Path(os.environ["BENCH_DIR"], "seed.json").write_text(json.dumps(info))
    print(f"seed_cases {n} cases")
    print(f"seed_copy_time {info['seconds_copy']} s")
    print(f"seed_total_time {info['seconds_total']} s")


if __name__ == "__main__":
    main()
