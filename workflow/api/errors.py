"""Domain errors → the HTTP answers of docs/api.md."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from workflow.errors import (
    DomainError,
    IdempotencyConflict,
    InvalidInput,
    NotPermitted,
    TooLarge,
    TransitionNotAllowed,
)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, TooLarge):
        return Response({exc.field: [exc.message]}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, InvalidInput):
        return Response({exc.field: [exc.message]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, TransitionNotAllowed):
        return Response(
            {"detail": exc.message, "state": exc.state}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, IdempotencyConflict):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, NotPermitted):
        return Response({"detail": exc.message}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, ConcurrentTransition):
        return Response(
            {"detail": _("The case changed meanwhile; reload it."), "state": ""},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DomainError):  # pragma: no cover - every subclass is mapped above
        return Response({"detail": exc.message}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
