"""Submissions through the Django test client, to count what one costs.

``bench.py`` runs this under ``valgrind --tool=cachegrind`` twice, with no submissions and
with ``COUNTED`` (``BENCH_INSTRUCTIONS=1``): the difference divided by ``COUNTED`` is one
submission's instructions in the web process (the database's are not counted). Timings
on a shared machine move by a factor of two between spells; the count moves by
thousandths, so it can weigh a change of a few per cent.
"""

from __future__ import annotations

import json
import sys
import uuid

from bench import SEED, submission  # sets Django up first
from django.core.cache import cache
from django.test import Client

from notifications.tasks import DELIVER_SOON_KEY

WARM_UP = 20


def submit(client: Client, index: int) -> None:
    key = uuid.uuid4().hex
    response = client.post(
        "/api/v1/complaints/",
        json.dumps(submission(index, key)),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        REMOTE_ADDR=f"10.9.{index // 256 % 256}.{index % 256}",  # each from its own address
    )
    if response.status_code != 201:
        raise SystemExit(f"submission {index}: {response.status_code} {response.content!r}")


def main(count: int) -> None:
    # As while a worker is busy: the delivery ask is already waiting, so no run pays for
    # a broker connection that another does not.
    cache.set(DELIVER_SOON_KEY, 1, None)
    try:
        client = Client(HTTP_HOST="127.0.0.1")
        base = SEED["n"] * 10
        for index in range(WARM_UP + count):
            submit(client, base + index)
    finally:
        cache.delete(DELIVER_SOON_KEY)


if __name__ == "__main__":
    main(int(sys.argv[1]))
