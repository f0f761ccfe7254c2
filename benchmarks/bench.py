"""The measurements of issue 6 against a seeded database (see run.sh, seed.py).

Prints one line per figure, ``name value unit``, and appends them to
``benchmarks/results/<date>.txt``. HTTP figures go through gunicorn on 127.0.0.1; statement
counts, the sweep and the PDF render run in this process against the same database.
"""

# ruff: noqa: E402, S603 - Django is set up before the app imports; fixed commands
from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from complaints import clock
from complaints.models import Complaint, Document, Reply
from workflow.intake_settings import intake_settings_reload

BENCH_DIR = Path(os.environ["BENCH_DIR"])
SEED = json.loads((BENCH_DIR / "seed.json").read_text())
PORT = int(os.environ.get("BENCH_WEB_PORT", "8399"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "200"))
SUBMIT_SECONDS = float(os.environ.get("BENCH_SUBMIT_SECONDS", "20"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
FLOOR_SECONDS = float(os.environ.get("BENCH_FLOOR_SECONDS", "10"))
LETTERS = int(os.environ.get("BENCH_LETTERS", "60"))
LETTER_BATCHES = int(os.environ.get("BENCH_LETTER_BATCHES", "3"))
NOW = datetime.combine(
    date.fromisoformat(SEED["today"]), datetime.min.time(), tzinfo=ZoneInfo("Europe/Helsinki")
) + timedelta(hours=12)
RESULTS: list[str] = []
# Submissions counted under valgrind by measure_instructions (BENCH_INSTRUCTIONS=1).
COUNTED = 100


def report(name: str, value: float | int | str, unit: str) -> None:
    line = f"{name} {value} {unit}"
    RESULTS.append(line)
    print(line, flush=True)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


# --- processes --------------------------------------------------------------------------


def start(command: list[str], log: str) -> subprocess.Popen[bytes]:
    handle = (BENCH_DIR / log).open("wb")
    return subprocess.Popen(command, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def family(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    kids = [int(p) for p in children.read_text().split()] if children.exists() else []
    return [pid, *[k for kid in kids for k in family(kid)]]


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User and system CPU each process has used so far, with that of its children that
    ended (a gone one is left out)."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        # utime, stime, cutime, cstime
        used[pid] = sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return used


def cpu_since(before: dict[int, float], now: dict[int, float]) -> float:
    """CPU used between two readings. A process that ended in between (a web process
    replaced after ``max_requests``, a database connection it closed) is counted through
    its parent, which must be among the readings: the parent's count took all of its
    life, so what it had used before the first reading comes off."""
    gone = sum(seconds for pid, seconds in before.items() if pid not in now)
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in now.items()) - gone


def postgres_pids() -> list[int]:
    """The benchmark's PostgreSQL processes (the only server the run starts)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().strip() == "postgres":
                found.append(int(entry.name))
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def wait_http(path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
            conn.request("GET", path, headers={"Host": "127.0.0.1"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"web server did not answer {path}")


# --- HTTP -------------------------------------------------------------------------------


class Http:
    """One keep-alive connection."""

    def __init__(self, token: str = "") -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        self.headers = {"Host": "127.0.0.1"}
        if token:
            self.headers["Authorization"] = f"Token {token}"

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any, float]:
        data = json.dumps(body).encode() if body is not None else None
        all_headers = {**self.headers, **(headers or {})}
        if data is not None:
            all_headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=data, headers=all_headers)
                response = self.conn.getresponse()
                payload = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection (or a process was recycled):
                # send again on a new one. A submission carries its Idempotency-Key, so a
                # resend can never file twice.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
                if attempt == 2:
                    raise
        elapsed = time.perf_counter() - started
        parsed = json.loads(payload) if payload[:1] in (b"{", b"[") else payload
        return response.status, parsed, elapsed


def timed_gets(client: Http, path: str, repeat: int) -> list[float]:
    for _ in range(max(5, repeat // 10)):
        status, body, _elapsed = client.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {body!r:.300}")
    samples = []
    for _ in range(repeat):
        _status, _body, elapsed = client.request("GET", path)
        samples.append(elapsed * 1000)
    return samples


def measure_queue() -> None:
    unit = SEED["unit_id"]
    handler = Http(SEED["handler_token"])
    county = Http(SEED["county_token"])
    open_states = "status=received&status=in_handling&status=awaiting_approval"
    cases = {
        "queue_unit_first_page": (handler, f"/api/v1/complaints/?unit={unit}&ordering=due_date"),
        "queue_unit_open_first_page": (
            handler,
            f"/api/v1/complaints/?unit={unit}&{open_states}&ordering=due_date",
        ),
        "queue_overdue_first_page": (county, "/api/v1/complaints/?overdue=true&ordering=due_date"),
        "queue_unit_overdue_first_page": (
            handler,
            f"/api/v1/complaints/?unit={unit}&overdue=true&ordering=due_date",
        ),
    }
    # Searches across the county's cases: a reference as typed from a letter (lower case),
    # a surname thousands of its cases carry, and a name none carries, which without the
    # trigram indexes read every case the county may see.
    county_reference = (
        Complaint.objects.filter(organisation_id=SEED["organisation_id"])
        .values_list("reference", flat=True)
        .first()
    )
    searches = {
        "queue_search_reference": quote(str(county_reference).lower()),
        "queue_search_name": quote("Virtanen"),
        "queue_search_name_absent": quote("Zetterqvist"),
    }
    for name, value in searches.items():
        cases[name] = (county, f"/api/v1/complaints/?q={value}&ordering=due_date")
    # A colleague's cases by username: the bench's unit handler has none in the county, so
    # every case of it would be read if the filter walked the county's due dates.
    cases["queue_handler_filter"] = (
        county,
        "/api/v1/complaints/?handler=bench-handler&ordering=due_date",
    )
    # The staff page's "My units" for the unit's handler: their units and their own cases.
    cases["queue_my_units_open"] = (
        handler,
        f"/api/v1/complaints/?scope=unit&{open_states}&ordering=due_date",
    )
    # A state few cases are in, seen by the unit's handler (their units, or assigned to
    # them): no partial index holds it.
    cases["queue_my_cases_withdrawn"] = (
        handler,
        "/api/v1/complaints/?status=withdrawn&ordering=due_date",
    )
    # A deep page: follow the cursor 40 pages (2,000 rows) into the unit's queue.
    path = cases["queue_unit_first_page"][1]
    for _ in range(40):
        status, body, _elapsed = handler.request("GET", path)
        if status != 200 or not body.get("next"):
            break
        parts = urlsplit(body["next"])
        path = f"{parts.path}?{parts.query}"
    cases["queue_unit_deep_page_40"] = (handler, path)
    for name, (client, path) in cases.items():
        p50, p95 = percentiles(timed_gets(client, path, REPEAT))
        report(f"{name}_p50", round(p50, 1), "ms")
        report(f"{name}_p95", round(p95, 1), "ms")
    reference = Complaint.objects.filter(service_unit_id=unit).values_list("reference", flat=True)[
        0
    ]
    p50, p95 = percentiles(timed_gets(handler, f"/api/v1/complaints/{reference}/", REPEAT))
    report("case_detail_p50", round(p50, 1), "ms")
    report("case_detail_p95", round(p95, 1), "ms")


def submission(index: int, key: str) -> dict[str, Any]:
    units = SEED["unit_ids"][1]
    return {
        "organisation": "org2",
        "description": f"Kotihoidon käynti jäi väliin {index}. " * 5,
        "filer_role": "client",
        "client": {"name": f"Testi Asiakas {key[:8]}", "email": f"c{index}@example.invalid"},
        "language": "fi",
        "reply_delivery": "online",
        "service_unit": units[index % len(units)],
    }


class RawHttp:
    """A keep-alive HTTP/1.1 client on a bare socket for the submission load.

    The load generator shares the machine's two cores with the server it measures: through
    ``http.client`` it took about 3.7 ms of CPU per request, a quarter of the machine at 130/s.
    This one writes the request bytes itself and reads just the status line, the
    Content-Length and the body (Django's CommonMiddleware always sets the length).
    """

    def __init__(self) -> None:
        self.connect()

    def connect(self) -> None:
        self.sock = socket.create_connection(("127.0.0.1", PORT), timeout=60)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def post_json(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self.sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{head}\r\n".encode()
            + body
        )
        return self._answer()

    def get(self, path: str) -> tuple[int, bytes]:
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        return self._answer()

    def _answer(self) -> tuple[int, bytes]:
        while b"\r\n\r\n" not in self.buffer:
            self._receive()
        header_block, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = header_block.split(b"\r\n")
        lengths = [
            int(line.split(b":", 1)[1])
            for line in lines[1:]
            if line[:15].lower() == b"content-length:"
        ]
        if not lengths:
            raise ConnectionError(f"no Content-Length in the answer: {lines[0]!r}")
        length = lengths[0]
        while len(self.buffer) < length:
            self._receive()
        payload, self.buffer = self.buffer[:length], self.buffer[length:]
        if any(line.lower() == b"connection: close" for line in lines[1:]):
            self.reconnect()
        return int(lines[0].split(b" ", 2)[1]), payload

    def _receive(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionResetError("server closed the connection")
        self.buffer += chunk

    def reconnect(self) -> None:
        self.sock.close()
        self.connect()


def submit_worker(args: tuple[int, float, Any]) -> dict[str, Any]:
    worker, seconds, start_at = args
    client = RawHttp()
    statuses: dict[int, int] = {}
    answered: list[tuple[str, str]] = []
    sent: list[str] = []
    latencies: list[float] = []
    while time.time() < start_at:
        time.sleep(0.001)
    end = time.time() + seconds
    index = 0
    while time.time() < end:
        key = uuid.uuid4().hex
        # Each submission from its own address, as citizens file from their own
        # connections: the per-address rate limit (RATE_LIMIT_SUBMIT) is exercised, not
        # switched off. The web runs with NUM_PROXIES=1, as behind a load balancer.
        headers = {"Idempotency-Key": key, "X-Forwarded-For": client_address(worker, index)}
        body = json.dumps(submission(worker * 1_000_000 + index, key)).encode()
        sent.append(key)
        started = time.perf_counter()
        status, payload = 0, b""
        for _attempt in (1, 2):
            try:
                status, payload = client.post_json("/api/v1/complaints/", body, headers)
                break
            except OSError:
                # A recycled web process closed the keep-alive connection: send again on a
                # new one. The Idempotency-Key makes a resend safe; it can never file twice.
                client.reconnect()
        elapsed = time.perf_counter() - started
        statuses[status] = statuses.get(status, 0) + 1
        latencies.append(elapsed * 1000)
        if status in (200, 201):  # 200: a resend answered with the case it already filed
            answered.append((key, json.loads(payload)["reference"]))
        index += 1
    client.sock.close()
    return {"statuses": statuses, "answered": answered, "sent": sent, "latencies": latencies}


def floor_worker(args: tuple[float, float]) -> int:
    seconds, start_at = args
    client = RawHttp()
    while time.time() < start_at:
        time.sleep(0.001)
    end, answered = time.time() + seconds, 0
    while time.time() < end:
        try:
            status, _payload = client.get("/healthz/")
        except OSError:  # a recycled web process closed the connection; a GET can be resent
            client.reconnect()
            continue
        if status != 200:
            raise RuntimeError(f"/healthz/ answered {status}")
        answered += 1
    client.sock.close()
    return answered


def measure_request_floor(web_pid: int) -> None:
    """What any request costs the web processes before its own work: the health check
    (gunicorn, every middleware, URL routing, no database), with the submissions' clients
    and keep-alive connections. A submission's CPU above this is the filing itself."""
    start_at = time.time() + 1
    before = cpu_seconds(family(web_pid))
    with multiprocessing.get_context("fork").Pool(CLIENTS) as pool:
        counts = pool.map(floor_worker, [(FLOOR_SECONDS, start_at)] * CLIENTS)
    web_cpu = cpu_since(before, cpu_seconds(family(web_pid)))
    answered = max(sum(counts), 1)
    report(
        "request_floor_rate",
        round(answered / FLOOR_SECONDS),
        f"/s (health check, {CLIENTS} clients)",
    )
    report("request_floor_cpu_web", round(1000 * web_cpu / answered, 2), "ms CPU (gunicorn)")


def client_address(worker: int, index: int) -> str:
    return f"10.{worker}.{index // 256 % 256}.{index % 256}"


def measure_submissions(web_pid: int) -> None:
    # Forked, not spawned: a spawned client imports Django first, and four of those imports
    # would overlap the measured seconds. The children use only sockets; the parent's
    # database connection is closed first so that no child inherits it.
    connections.close_all()
    start_at = time.time() + 1
    web_before, database_before = cpu_seconds(family(web_pid)), cpu_seconds(postgres_pids())
    with multiprocessing.get_context("fork").Pool(CLIENTS) as pool:
        results = pool.map(submit_worker, [(w, SUBMIT_SECONDS, start_at) for w in range(CLIENTS)])
    web_cpu = cpu_since(web_before, cpu_seconds(family(web_pid)))
    database_cpu = cpu_since(database_before, cpu_seconds(postgres_pids()))
    statuses: dict[int, int] = {}
    answered: dict[str, str] = {}
    sent: list[str] = []
    latencies: list[float] = []
    for result in results:
        for status, count in result["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
        answered.update({f"api:{key}": reference for key, reference in result["answered"]})
        sent += [f"api:{key}" for key in result["sent"]]
        latencies += result["latencies"]
    ok = statuses.get(201, 0)
    errors = sum(count for status, count in statuses.items() if status != 201)
    # Every key sent is looked up, not only the answered ones: a case filed behind an
    # error or a lost answer would show up as a row nobody was told about.
    rows = list(
        Complaint.objects.filter(submission_key__in=sent).values_list("submission_key", "reference")
    )
    once = len(rows) == len(dict(rows)) == len({r for _k, r in rows}) and dict(rows) == answered
    p50, p95 = percentiles(latencies)
    report("submissions_rate", round(ok / SUBMIT_SECONDS, 1), f"/s ({CLIENTS} clients)")
    report("submissions_errors", errors, f"responses (statuses {statuses})")
    report(
        "submissions_in_db_exactly_once",
        "yes" if once else "NO",
        f"({ok} created, {len(rows)} rows for {len(sent)} keys sent)",
    )
    report("submission_latency_p50", round(p50, 1), "ms")
    report("submission_latency_p95", round(p95, 1), "ms")
    # What a submission costs, whatever the machine's other tenants leave of its cores.
    answered_total = max(sum(statuses.values()), 1)
    report("submission_cpu_web", round(1000 * web_cpu / answered_total, 2), "ms CPU (gunicorn)")
    report(
        "submission_cpu_database",
        round(1000 * database_cpu / answered_total, 2),
        "ms CPU (PostgreSQL)",
    )


# --- in-process statement counts ----------------------------------------------------------


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def statements(call: Callable[[], Any], *, with_transaction_control: bool = False) -> int:
    """SQL statements sent; BEGIN/COMMIT/SAVEPOINT only when asked (round trips)."""
    with CaptureQueriesContext(connection) as queries:
        call()
    return sum(
        1
        for query in queries.captured_queries
        if with_transaction_control
        or not query["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)
    )


def measure_statements() -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    staff = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {SEED['handler_token']}")
    unit = SEED["unit_id"]

    def submit() -> None:
        key = uuid.uuid4().hex
        response = client.post(
            "/api/v1/complaints/",
            submission(99_000_000, key),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=key,
        )
        assert response.status_code == 201, response.content

    submit()
    report("submission_statements", statements(submit), "SQL statements")
    report(
        "submission_round_trips",
        statements(submit, with_transaction_control=True),
        "incl. BEGIN/SAVEPOINT/COMMIT",
    )
    intake_settings_reload()  # as after a change to an organisation or a unit
    report("submission_statements_after_change", statements(submit), "SQL statements")
    queue = f"/api/v1/complaints/?unit={unit}&ordering=due_date"
    staff.get(queue)
    report("queue_page_statements", statements(lambda: staff.get(queue)), "SQL statements")
    reference = Complaint.objects.filter(service_unit_id=unit).values_list("reference", flat=True)[
        0
    ]
    detail = f"/api/v1/complaints/{reference}/"
    report("case_detail_statements", statements(lambda: staff.get(detail)), "SQL statements")


# --- the deadline sweep -------------------------------------------------------------------


def make_overdue(count: int) -> list[int]:
    """``count`` closed cases become open, in handling and due two days ago, unflagged."""
    ids = list(
        Complaint.objects.filter(status="closed", merged_cases__isnull=True)
        .order_by("?")
        .values_list("id", flat=True)[:count]
    )
    due = NOW.date() - timedelta(days=2)
    Complaint.objects.filter(id__in=ids).update(
        status="in_handling",
        received_on=due - timedelta(days=30),
        due_date=due,
        extended=False,
        due_rule="one_month",
        overdue=False,
        very_overdue=False,
        closed_at=None,
        replied_at=None,
    )
    return ids


def undo_overdue(ids: list[int]) -> None:
    from complaints.models import CaseEvent, DeadlineBreach

    Complaint.objects.filter(id__in=ids).update(status="closed", overdue=False)
    DeadlineBreach.objects.filter(complaint_id__in=ids, recorded_at=NOW).delete()
    CaseEvent.objects.filter(complaint_id__in=ids, at=NOW, kind="overdue").delete()


def measure_instructions() -> None:
    """One submission's instructions in the web process, under valgrind (see
    ``submit_in_process.py``): the run with ``COUNTED`` submissions less the run with none."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("BENCH_INSTRUCTIONS=1 needs valgrind (Debian package valgrind)")

    def instructions(count: int) -> int:
        done = subprocess.run(
            [
                valgrind,
                "--tool=cachegrind",
                "--cache-sim=no",
                "--cachegrind-out-file=/dev/null",
                sys.executable,
                str(ROOT / "benchmarks" / "submit_in_process.py"),
                str(count),
            ],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        if done.returncode != 0:
            raise SystemExit(f"submit_in_process.py {count} failed:\n{done.stderr[-3000:]}")
        line = next(line for line in done.stderr.splitlines() if "I   refs:" in line)
        return int(line.split()[-1].replace(",", ""))

    per_submission = (instructions(COUNTED) - instructions(0)) / COUNTED
    report("submission_instructions", round(per_submission / 1e6, 2), "M (web process, valgrind)")


def measure_sweep() -> None:
    from workflow.sweeps import deadlines_sweep

    started = time.perf_counter()
    first = deadlines_sweep(now=NOW)
    report("sweep_first_run", round((time.perf_counter() - started) * 1000), "ms")
    report("sweep_first_run_reminded", first["reminded"], "reminders")
    samples = []
    for _ in range(20):
        started = time.perf_counter()
        result = deadlines_sweep(now=NOW)
        samples.append((time.perf_counter() - started) * 1000)
        assert result["flagged_overdue"] == 0, result
    p50, p95 = percentiles(samples)
    report("sweep_nothing_due_p50", round(p50, 1), "ms")
    report("sweep_nothing_due_p95", round(p95, 1), "ms")
    report("sweep_nothing_due_statements", statements(lambda: deadlines_sweep(now=NOW)), "SQL")
    with CaptureQueriesContext(connection) as queries:
        deadlines_sweep(now=NOW)
    slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
    for query in slowest:  # to the log only: where the time goes
        print(f"#   {query['time']} s  {query['sql'][:400]}", flush=True)
    for count in (1000, 10000):
        samples, counts = [], []
        for _ in range(3 if count == 10000 else 1):
            ids = make_overdue(count)
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                result = deadlines_sweep(now=NOW)
                samples.append(time.perf_counter() - started)
            counts.append(
                sum(
                    1
                    for query in queries.captured_queries
                    if not query["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)
                )
            )
            assert result["flagged_overdue"] == count, result
            undo_overdue(ids)
        report(f"sweep_{count}_newly_overdue_p50", round(statistics.median(samples), 2), "s")
        report(f"sweep_{count}_newly_overdue_statements", max(counts), "SQL")


# --- letters ------------------------------------------------------------------------------


REPLY_TEXT = (
    "Olemme selvittäneet muistutuksessanne kuvatut tapahtumat. Kotihoidon käyntien "
    "peruuntumisesta olisi pitänyt ilmoittaa teille etukäteen. Olemme muuttaneet "
    "toimintatapaa niin, että jokainen peruuntuva käynti ilmoitetaan asiakkaalle "
    "puhelimitse samana päivänä ja korvaava käynti sovitaan heti. "
) * 14


def reply_cases(count: int) -> list[Complaint]:
    """Cases with an approved reply and no reply letter yet."""
    cases = list(
        Complaint.objects.filter(
            status__in=["withdrawn", "transferred"], replies__isnull=True
        ).order_by("id")[:count]
    )
    Reply.objects.bulk_create(
        Reply(
            complaint=case,
            version=1,
            text=REPLY_TEXT,
            submitted_by_id=SEED["handler_id"],
            submitted_at=NOW,
            decision="approved",
            decided_by_id=SEED["county_id"],
            decided_at=NOW,
        )
        for case in cases
    )
    return cases


def measure_pdf() -> None:
    from pypdf import PdfReader

    from workflow.documents import _context, pdf_render, template_of

    case = Complaint.objects.select_related("organisation", "service_unit").get(
        pk=reply_cases(1)[0].pk
    )
    render = lambda: pdf_render(  # noqa: E731
        template=template_of("reply"), context=_context(case, NOW), language=case.language
    )
    import io

    pages = len(PdfReader(io.BytesIO(render())).pages)
    render()
    samples = []
    for _ in range(30):
        started = time.perf_counter()
        render()
        samples.append((time.perf_counter() - started) * 1000)
    p50, p95 = percentiles(samples)
    report("reply_pdf_warm_p50", round(p50, 1), f"ms ({pages} pages)")
    report("reply_pdf_warm_p95", round(p95, 1), "ms")


def measure_worker() -> float:
    from config.celery import app
    from workflow.tasks import document_generate_task

    # The submissions' own tasks (receipts, notices) must not be counted as letters here.
    app.control.purge()
    worker = start(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--concurrency=2",
            "--pool=prefork",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        "worker.log",
    )
    try:
        cases = reply_cases(LETTERS * LETTER_BATCHES + 4)
        warm, timed = cases[:4], cases[4:]

        def wait_for(batch: list[Complaint]) -> None:
            ids = [case.pk for case in batch]
            deadline = time.monotonic() + 600
            while Document.objects.filter(complaint_id__in=ids, kind="reply").count() < len(ids):
                if time.monotonic() > deadline:
                    raise RuntimeError("letters were not generated; see worker.log")
                time.sleep(0.05)

        for case in warm:  # each child imports WeasyPrint and loads fonts once
            document_generate_task.delay(complaint_id=case.pk, kind="reply")
        wait_for(warm)
        rates = []
        for start_at in range(0, len(timed), LETTERS):
            batch = timed[start_at : start_at + LETTERS]
            started = time.perf_counter()
            for case in batch:
                document_generate_task.delay(complaint_id=case.pk, kind="reply")
            wait_for(batch)
            rates.append(len(batch) / (time.perf_counter() - started))
        unit = f"/s (2 worker processes, {LETTERS} letters, median of {len(rates)})"
        report("letters_per_second", round(statistics.median(rates), 1), unit)
        report("letters_per_second_slowest", round(min(rates), 1), "/s")
        return max(rss_mb(pid) for pid in family(worker.pid))
    finally:
        stop(worker)


def main() -> None:
    report("n_cases", SEED["n"], "cases")
    report("cpu_cores", os.cpu_count() or 0, "cores")
    web = start(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "python:config.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--access-logfile",
            "/dev/null",
            "config.wsgi:application",
        ],
        "web.log",
    )
    try:
        wait_http("/healthz/")
        measure_queue()
        measure_submissions(web.pid)
        measure_request_floor(web.pid)
        web_rss = max(rss_mb(pid) for pid in family(web.pid))
    finally:
        stop(web)
    measure_statements()
    if os.environ.get("BENCH_INSTRUCTIONS") == "1":
        measure_instructions()
    measure_sweep()
    measure_pdf()
    worker_rss = measure_worker()
    report("web_process_rss_max", round(web_rss), "MB")
    report("worker_process_rss_max", round(worker_rss), "MB")
    stamp = clock.now().astimezone(ZoneInfo("Europe/Helsinki"))
    results = ROOT / "benchmarks" / "results" / f"{stamp.date().isoformat()}.txt"
    results.parent.mkdir(exist_ok=True)
    with results.open("a") as out:
        out.write(f"# run {stamp.isoformat(timespec='seconds')} N={SEED['n']}\n")
        out.write("\n".join(RESULTS) + "\n")
    print(f"results appended to {results.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
