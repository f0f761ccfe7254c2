#!/usr/bin/env bash
# `make bench`: throwaway PostgreSQL + Redis, migrate, seed BENCH_N cases, measure.
#   BENCH_N=100000 (default) or 1000000; BENCH_REPEAT, BENCH_SUBMIT_SECONDS, BENCH_FLOOR_SECONDS, BENCH_LETTERS.
# Not part of `make test`. Needs the PostgreSQL and Redis packages (as .ci/run installs).
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/services.sh

BENCH_TMP="$(mktemp -d /tmp/muistutus-bench.XXXXXX)"
chmod 755 "$BENCH_TMP"
cleanup() {
    set +e
    services_stop
    [[ -z "${BENCH_KEEP:-}" ]] && rm -rf "$BENCH_TMP"
    return 0
}
trap cleanup EXIT

services_start "$BENCH_TMP/services"

export BENCH_DIR="$BENCH_TMP"
export BENCH_N="${BENCH_N:-100000}"
export DJANGO_SETTINGS_MODULE=config.settings
export DATABASE_URL="postgres://postgres@127.0.0.1:${BENCH_PG_PORT}/muistutus_bench"
export REDIS_URL="redis://127.0.0.1:${BENCH_REDIS_PORT}/0"
export DATA_DIR="$BENCH_TMP/data"
export DEBUG=0 SECURE_SSL_REDIRECT=0
export ALLOWED_HOSTS="127.0.0.1,localhost"
SECRET_KEY="bench-$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
export SECRET_KEY
# The submissions come from many addresses through one proxy (X-Forwarded-For), so the
# filing limit per address stays at its default and its cost is measured.
export NUM_PROXIES=1
mkdir -p "$DATA_DIR"

PY=.venv/bin/python
echo "== migrate =="
$PY manage.py migrate --noinput -v0
echo "== seed $BENCH_N cases =="
$PY benchmarks/seed.py
echo "== measure =="
$PY benchmarks/bench.py
