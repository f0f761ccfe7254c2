"""Gunicorn settings for the container (docker-compose.yml's web service).

Sized for a small host by default: ``WEB_CONCURRENCY`` processes (4, about two per core)
of ``GUNICORN_THREADS`` threads (2); both change without a rebuild. Requests are mostly
Python, so more processes, not more threads sharing one interpreter lock, use the cores:
on two cores four processes served 15-50 % more submissions per second than two
processes of four threads (measured in turns, docs/performance.md). Four processes of two
threads measured the same as four of one within the machine's noise; the second thread
keeps one slow request (a merged letters PDF, a download) from holding up the other
connections the gthread worker has accepted, and idle keep-alive connections wait in its
poller, not in a thread.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# The application is imported once in the master and inherited by the workers (see
# config/wsgi.py): a worker started to replace another begins warm.
preload_app = True
# A process is replaced after this many requests, so that slow growth never adds up.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
accesslog = "-"
logger_class = "config.log_redaction.RedactingLogger"
