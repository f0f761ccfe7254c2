#!/usr/bin/env bash
# Runs the whole system on the embedded defaults: the web server and one Celery worker with
# beat inside it (SQLite in WAL mode, the filesystem:// broker, all under DATA_DIR).
# Ctrl-C stops all of it.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
export DATA_DIR="${DATA_DIR:-$PWD/var}"
mkdir -p "$DATA_DIR/broker/queue" "$DATA_DIR/broker/processed" "$DATA_DIR/files"

.venv/bin/celery -A config worker -B --loglevel=INFO --concurrency=1 \
  >"$DATA_DIR/worker.log" 2>&1 &
worker=$!
trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  Muistutus is running at http://127.0.0.1:${PORT}/
    staff admin:  http://127.0.0.1:${PORT}/admin/
    API docs:     http://127.0.0.1:${PORT}/api/v1/docs/
  Demo logins (password "demo"): handler, approver, registry, ombudsman, admin
  Data: ${DATA_DIR}   Worker log: ${DATA_DIR}/worker.log   Stop: Ctrl-C

MSG
.venv/bin/python manage.py runserver "127.0.0.1:${PORT}" --noreload
