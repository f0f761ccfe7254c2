"""Gunicorn settings for the container (docker-compose.yml's web service).

Sized for a small host by default; ``WEB_CONCURRENCY`` (processes, about one per core) and
``GUNICORN_THREADS`` (threads per process) change it without a rebuild. Threads let a
process serve another request while one waits on PostgreSQL (a commit's WAL flush) —
measured in docs/performance.md.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# The application is imported once in the master and inherited by the workers (see
# config/wsgi.py): a worker started to replace another begins warm.
preload_app = True
# A process is replaced after this many requests, so that slow growth never adds up.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
accesslog = "-"
logger_class = "config.log_redaction.RedactingLogger"
