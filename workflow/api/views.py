"""Case API views: translate HTTP to one service or selector call each."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import permissions, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from complaints import clock
from complaints.actors import Actor
from complaints.models import Complaint, Organisation
from complaints.permissions import (
    CASEWORK_ROLES,
    can_see_content,
    roles_in,
)
from complaints.selectors import (
    complaint_get_visible,
    complaint_queue_queryset,
    complaint_timeline,
)
from complaints.services import access_record, access_record_many
from workflow.api.filters import QueueFilter
from workflow.api.serializers import (
    QUEUE_VALUES,
    ComplaintDetailSerializer,
    ComplaintSummarySerializer,
    FiledSerializer,
    QueueItemSerializer,
    SubmissionSerializer,
    TransitionSerializer,
    queue_rows,
    tracking_path,
)
from workflow.api.transitions import TRANSITIONS, transitions_available
from workflow.case_access import attachment_read_or_404
from workflow.intake import complaint_submit
from workflow.intake_settings import organisation_get_for_filing

ORDERINGS = {
    "due_date": ("due_date", "id"),
    "-due_date": ("-due_date", "-id"),
    "received_at": ("received_at", "id"),
    "-received_at": ("-received_at", "-id"),
}


class QueuePagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> tuple[str, ...]:
        key = request.query_params.get("ordering", "due_date")
        if key not in ORDERINGS:
            raise ValidationError({"ordering": [_("Choose one of: %s.") % ", ".join(ORDERINGS)]})
        return ORDERINGS[key]


def _organisation_for_submission(slug: str) -> Organisation:
    found = organisation_get_for_filing(slug)
    if found is None:
        raise ValidationError({"organisation": [_("Choose the organisation.")]})
    return found


class ComplaintCollectionView(GenericAPIView[Complaint]):
    """``GET``: the staff queue. ``POST``: file a muistutus (public; staff may register one)."""

    serializer_class = QueueItemSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = QueueFilter
    pagination_class = QueuePagination

    # JSON only: a form on another site cannot make a browser file a case here.
    parser_classes = [JSONParser]
    throttle_scope = "submit"

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_throttles(self) -> list[Any]:
        if self.request.method == "POST" and not self.request.user.is_authenticated:
            return [ScopedRateThrottle()]
        return []

    def get_queryset(self) -> QuerySet[Complaint]:
        unit = self.request.query_params.get("unit") if self.request.method == "GET" else None
        return complaint_queue_queryset(user=self.request.user, unit=unit)

    @extend_schema(
        parameters=[
            OpenApiParameter("ordering", str, enum=list(ORDERINGS)),
            OpenApiParameter("page_size", int),
        ],
        responses=QueueItemSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        rows = self.filter_queryset(self.get_queryset()).values(*QUEUE_VALUES)
        page = self.paginate_queryset(rows) or []
        access_record_many(
            complaint_ids=[row["id"] for row in page],
            actor=Actor.staff(request.user),
            at=clock.now(),
            what="api:queue",
        )
        return self.get_paginated_response(queue_rows(page))

    @extend_schema(
        request=SubmissionSerializer,
        parameters=[OpenApiParameter("Idempotency-Key", str, location=OpenApiParameter.HEADER)],
        responses={201: FiledSerializer, 200: FiledSerializer},
    )
    def post(self, request: Request) -> Response:
        body = request.data if isinstance(request.data, dict) else {}
        organisation = _organisation_for_submission(str(body.get("organisation") or ""))
        # Registration fields (channel, day of arrival, ...) only from the organisation's staff.
        is_staff = bool(roles_in(request.user, organisation.pk) & CASEWORK_ROLES)
        serializer = SubmissionSerializer(data=request.data, context={"is_staff": is_staff})
        serializer.is_valid(raise_exception=True)
        now = clock.now()
        actor = Actor.staff(request.user) if is_staff else Actor.complainant()
        filed = complaint_submit(
            organisation=organisation,
            submission=serializer.to_submission(),
            actor=actor,
            now=now,
            submission_key=_idempotency_key(request),
            tracking_link=lambda code: request.build_absolute_uri(tracking_path(code)),
        )
        complaint = filed.complaint
        body = {
            "reference": complaint.reference,
            "tracking_code": filed.tracking_code,
            "tracking_url": request.build_absolute_uri(tracking_path(filed.tracking_code)),
            "status": complaint.status,
            "received_at": complaint.received_at,
            "received_on": complaint.received_on,
            "due_date": complaint.due_date,
        }
        return Response(
            FiledSerializer(body).data,
            status=status.HTTP_201_CREATED if filed.created else status.HTTP_200_OK,
        )


def _idempotency_key(request: Request) -> str | None:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return None
    if len(key) > 100 or not key.isprintable():
        raise ValidationError({"Idempotency-Key": [_("Use at most 100 printable characters.")]})
    return f"api:{key}"


def _visible_or_404(request: Request, reference: str) -> Complaint:
    complaint = complaint_get_visible(user=request.user, reference=reference)
    if complaint is None:
        raise Http404
    return complaint


def _detail(request: Request, complaint: Complaint, *, what: str) -> dict[str, Any]:
    access_record(complaint=complaint, actor=Actor.staff(request.user), at=clock.now(), what=what)
    if can_see_content(request.user, complaint):
        timeline = complaint_timeline(complaint=complaint, public_only=False)
        return dict(ComplaintDetailSerializer(complaint, context={"timeline": timeline}).data)
    return dict(ComplaintSummarySerializer(complaint).data)


class ComplaintDetailView(APIView):
    @extend_schema(responses=ComplaintDetailSerializer)
    def get(self, request: Request, reference: str) -> Response:
        complaint = _visible_or_404(request, reference)
        return Response(_detail(request, complaint, what="api:detail"))


class TransitionListView(APIView):
    @extend_schema(responses=TransitionSerializer(many=True))
    def get(self, request: Request, reference: str) -> Response:
        complaint = _visible_or_404(request, reference)
        access_record(
            complaint=complaint,
            actor=Actor.staff(request.user),
            at=clock.now(),
            what="api:transitions",
        )
        return Response(transitions_available(complaint=complaint, user=request.user))


class TransitionRunView(APIView):
    @extend_schema(
        request=PolymorphicProxySerializer(
            component_name="TransitionInput",
            serializers=[spec.input for spec in TRANSITIONS.values()],
            resource_type_field_name=None,
        ),
        responses={
            200: ComplaintDetailSerializer,
            400: OpenApiResponse(description="field errors"),
            403: OpenApiResponse(description="not permitted"),
            409: OpenApiResponse(description="not allowed from the current state"),
        },
    )
    def post(self, request: Request, reference: str, name: str) -> Response:
        spec = TRANSITIONS.get(name)
        if spec is None:
            raise Http404
        complaint = _visible_or_404(request, reference)
        data = spec.input(data=request.data)
        data.is_valid(raise_exception=True)
        updated = spec.run(
            complaint=complaint,
            actor=Actor.staff(request.user),
            now=clock.now(),
            data=dict(data.validated_data),
        )
        return Response(_detail(request, updated, what=f"api:transition:{name}"))


class AttachmentDownloadView(APIView):
    """A file of the case, for staff who may see the case's content; 404 for anyone else."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, reference: str, attachment_id: int) -> FileResponse:
        return attachment_read_or_404(
            user=request.user, reference=reference, attachment_id=attachment_id, channel="api"
        )
