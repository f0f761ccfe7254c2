#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis on loopback ports for the benchmark (like .ci/run).
#   source benchmarks/services.sh; services_start DIR; ...; services_stop
# Ports: BENCH_PG_PORT (54339) and BENCH_REDIS_PORT (6399), away from CI's and others'.
BENCH_PG_PORT="${BENCH_PG_PORT:-54339}"
BENCH_REDIS_PORT="${BENCH_REDIS_PORT:-6399}"
BENCH_PG_BIN=""
BENCH_SERVICES_DIR=""

_as_postgres() {
    if [[ "$(id -u)" == "0" ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

services_start() {
    BENCH_SERVICES_DIR="$1"
    local pgdata="$BENCH_SERVICES_DIR/pgdata" sock="$BENCH_SERVICES_DIR/pgsock"
    BENCH_PG_BIN="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -type d -name bin | sort -V | tail -n 1)"
    if [[ -z "$BENCH_PG_BIN" ]]; then
        echo "PostgreSQL binaries not found under /usr/lib/postgresql (apt-get install postgresql)" >&2
        return 1
    fi
    mkdir -p "$pgdata" "$sock" "$BENCH_SERVICES_DIR/redis"
    if [[ "$(id -u)" == "0" ]]; then
        chown postgres:postgres "$BENCH_SERVICES_DIR" "$pgdata" "$sock"
    fi
    chmod 700 "$pgdata"
    _as_postgres "$BENCH_PG_BIN/initdb" -D "$pgdata" -U postgres --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    # Durable settings (fsync on) as in production; memory sized for a small 2-core host.
    _as_postgres "$BENCH_PG_BIN/pg_ctl" -D "$pgdata" -l "$BENCH_SERVICES_DIR/postgres.log" -w -t 60 \
        -o "-p $BENCH_PG_PORT -k $sock -c listen_addresses=127.0.0.1 -c shared_buffers=512MB \
            -c work_mem=16MB -c maintenance_work_mem=256MB -c effective_cache_size=2GB \
            -c max_wal_size=4GB -c random_page_cost=1.1 -c max_connections=100" \
        start >/dev/null
    "$BENCH_PG_BIN/psql" -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -d postgres -q \
        -v ON_ERROR_STOP=1 -c "CREATE DATABASE muistutus_bench OWNER postgres"
    redis-server --port "$BENCH_REDIS_PORT" --bind 127.0.0.1 --daemonize yes \
        --save '' --appendonly no --dir "$BENCH_SERVICES_DIR/redis" \
        --logfile "$BENCH_SERVICES_DIR/redis/redis.log"
    local i
    for i in $(seq 1 30); do
        [[ "$(redis-cli -h 127.0.0.1 -p "$BENCH_REDIS_PORT" ping 2>/dev/null)" == "PONG" ]] && return 0
        sleep 1
    done
    echo "Redis did not start" >&2
    return 1
}

services_stop() {
    set +e
    if [[ -n "$BENCH_PG_BIN" && -f "$BENCH_SERVICES_DIR/pgdata/postmaster.pid" ]]; then
        _as_postgres "$BENCH_PG_BIN/pg_ctl" -D "$BENCH_SERVICES_DIR/pgdata" stop -m fast >/dev/null 2>&1
    fi
    redis-cli -h 127.0.0.1 -p "$BENCH_REDIS_PORT" shutdown nosave >/dev/null 2>&1
    return 0
}
