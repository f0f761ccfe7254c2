"""The public API: tracking a case by its code, withdrawing it, listing organisations."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from complaints import clock
from complaints.actors import Actor
from complaints.models import Complaint, Organisation, ServiceUnit
from public.api.serializers import (
    AttachmentLinkSerializer,
    AttachmentUploadSerializer,
    EscalationNoteSerializer,
    OrganisationSerializer,
    StateConflictSerializer,
    TrackingSerializer,
    WithdrawSerializer,
)
from public.tracking import document_link, tracked_complaint_or_404, tracking_view
from workflow.attachments import attachment_add_for_complainant
from workflow.escalation import complaint_dissatisfied
from workflow.transitions import complaint_withdraw


class PublicView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [permissions.AllowAny]


@method_decorator(never_cache, name="dispatch")
class TrackingView(PublicView):
    """Behind the tracking code: rate-limited per client address, never cached."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "track"


def _view(request: Request, complaint: Complaint, code: str) -> dict[str, Any]:
    return tracking_view(
        complaint,
        code=code,
        language=(get_language() or "fi")[:2],
        absolute=request.build_absolute_uri,
    )


class TrackView(TrackingView):
    @extend_schema(responses=TrackingSerializer)
    def get(self, request: Request, code: str) -> Response:
        complaint = tracked_complaint_or_404(code=code, what="api:track")
        return Response(TrackingSerializer(_view(request, complaint, code)).data)


class WithdrawView(TrackingView):
    @extend_schema(request=WithdrawSerializer, responses=TrackingSerializer)
    def post(self, request: Request, code: str) -> Response:
        complaint = tracked_complaint_or_404(code=code, what="api:withdraw")
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        updated = complaint_withdraw(
            complaint_id=complaint.pk,
            actor=Actor.complainant(),
            now=clock.now(),
            reason=data.validated_data["reason"],
        )
        return Response(TrackingSerializer(_view(request, updated, code)).data)


class AttachmentUploadView(TrackingView):
    """``POST /api/v1/track/{code}/attachments/``: one file (multipart ``file``)."""

    parser_classes = [MultiPartParser]
    throttle_scope = "submit"

    @extend_schema(request=AttachmentUploadSerializer, responses={201: AttachmentLinkSerializer})
    def post(self, request: Request, code: str) -> Response:
        complaint = tracked_complaint_or_404(code=code, what="api:attachment")
        data = AttachmentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        attachment = attachment_add_for_complainant(
            complaint=complaint, name=upload.name, content=upload.read(), now=clock.now()
        )
        link = reverse("public:attachment", kwargs={"code": code, "attachment_id": attachment.pk})
        body = {
            "name": attachment.original_name,
            "size": attachment.size,
            "url": request.build_absolute_uri(link),
        }
        return Response(AttachmentLinkSerializer(body).data, status=status.HTTP_201_CREATED)


class DissatisfiedView(TrackingView):
    """``POST /api/v1/track/{code}/dissatisfied/``: still dissatisfied after the reply (or
    while it is late): the escalation note, a pre-filled kantelu to the supervisory
    authority. Repeating it returns the same note."""

    @extend_schema(
        request=None,
        responses={
            200: EscalationNoteSerializer,
            404: OpenApiResponse(description="unknown tracking code"),
            409: OpenApiResponse(
                StateConflictSerializer,
                description="not replied yet and the reply is not late",
            ),
        },
    )
    def post(self, request: Request, code: str) -> Response:
        complaint = tracked_complaint_or_404(code=code, what="api:dissatisfied")
        note = complaint_dissatisfied(
            complaint_id=complaint.pk, actor=Actor.complainant(), now=clock.now()
        )
        body = {
            "kind": note.kind,
            "url": document_link(code=code, kind=note.kind, absolute=request.build_absolute_uri),
        }
        return Response(EscalationNoteSerializer(body).data)


class OrganisationListView(PublicView):
    @extend_schema(responses=OrganisationSerializer(many=True))
    def get(self, request: Request) -> Response:
        organisations = Organisation.objects.prefetch_related(
            Prefetch("units", queryset=ServiceUnit.objects.order_by("name_fi"))
        )
        return Response(OrganisationSerializer(organisations, many=True).data)
