"""Wiring only: settings, URLs, the Celery app and its whole beat schedule."""

from config.celery import app as celery_app
from config.psycopg_cache import psycopg_cache_widen

psycopg_cache_widen()

__all__ = ["celery_app"]
