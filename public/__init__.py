"""Citizen-facing pages and the public API: filing help, tracking, withdrawing.

The top layer: calls workflow services and complaints selectors; nothing imports it."""
