"""Domain errors raised by services; the API maps them to HTTP answers."""

from __future__ import annotations


class DomainError(Exception):
    """Base of the errors a service raises for a request it will not carry out."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """400: the request names something invalid (``field`` → message)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class TooLarge(InvalidInput):
    """413: a file or the files of a case together are over the limit."""


class TransitionNotAllowed(DomainError):
    """409: the transition cannot run from the case's current state."""

    def __init__(self, message: str, *, state: str) -> None:
        super().__init__(message)
        self.state = state


class NotPermitted(DomainError):
    """403: the user sees the case but may not do this."""


class IdempotencyConflict(DomainError):
    """409: an idempotency key reused for a different request."""
