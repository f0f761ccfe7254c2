"""Tracking codes never reach the access log."""

from config.log_redaction import RedactingLogger, RedactTrackingCodes, redact


def test_redacts_codes_in_paths_and_request_lines():
    assert redact("GET /track/AbC-123_x/withdraw/?a=1 HTTP/1.1") == (
        "GET /track/[redacted]/withdraw/?a=1 HTTP/1.1"
    )
    assert redact("/api/v1/track/AbC/") == "/api/v1/track/[redacted]/"
    assert redact("/api/v1/complaints/KEMI-2026-000001/") == "/api/v1/complaints/KEMI-2026-000001/"


def test_the_logger_redacts_its_atoms(monkeypatch):
    from gunicorn.config import Config

    logger = RedactingLogger(Config())
    monkeypatch.setattr(
        "gunicorn.glogging.Logger.atoms",
        lambda self, *args: {"r": "GET /track/secret/ HTTP/1.1", "U": "/track/secret/", "s": 200},
    )
    atoms = logger.atoms(None, None, None, None)
    assert "secret" not in atoms["r"]
    assert "secret" not in atoms["U"]
    assert atoms["s"] == 200


def test_django_request_log_records_are_redacted():
    import logging

    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/track/secret/",), None
    )
    assert RedactTrackingCodes().filter(record)
    assert record.getMessage() == "Not Found: /track/[redacted]/"


def test_pages_carry_a_strict_content_security_policy(client, db):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
