"""Tracking codes never reach a log: a code in a log is a key to a case."""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger

TRACKING_CODE = re.compile(r"(/track/)[^/?\s\"']+")


def redact(text: str) -> str:
    return TRACKING_CODE.sub(r"\1[redacted]", text)


class RedactTrackingCodes(logging.Filter):
    """For Django's own request logging ("Not Found: /track/…", tracebacks)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/track/" in message:
            record.msg = redact(message)
            record.args = ()
        return True


class RedactingLogger(Logger):  # type: ignore[misc]
    """Gunicorn's access log with the same redaction."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
