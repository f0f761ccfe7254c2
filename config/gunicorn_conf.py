"""Gunicorn settings for the container (docker-compose.yml's web service)."""

bind = "0.0.0.0:8000"
workers = 2
accesslog = "-"
logger_class = "config.log_redaction.RedactingLogger"
