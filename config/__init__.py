"""Wiring only: settings, URLs, the Celery app and its whole beat schedule."""

from config.celery import app as celery_app

__all__ = ["celery_app"]
