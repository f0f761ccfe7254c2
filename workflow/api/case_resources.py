"""A case's statements and documents through the API (docs/api.md, "Endpoints")."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import clock
from complaints.actors import Actor
from complaints.models import Document, StatementRequest
from workflow.case_access import (
    case_read_or_404,
    case_with_content_or_404,
    document_read_or_404,
)
from workflow.statements import statement_request


class StatementRequestInput(serializers.Serializer[Any]):
    respondent_email = serializers.EmailField()
    respondent_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    question = serializers.CharField(max_length=10_000)
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    unit = serializers.IntegerField(required=False, allow_null=True, default=None)


class StatementRequestSerializer(serializers.ModelSerializer[StatementRequest]):
    answered = serializers.BooleanField(read_only=True)

    class Meta:
        model = StatementRequest
        fields = [
            "id",
            "respondent_name",
            "respondent_email",
            "question",
            "due_date",
            "requested_at",
            "answered",
            "answered_at",
            "answer",
            "cancelled_at",
        ]


class StatementCollectionView(APIView):
    @extend_schema(responses=StatementRequestSerializer(many=True))
    def get(self, request: Request, reference: str) -> Response:
        complaint = case_read_or_404(user=request.user, reference=reference, what="api:statements")
        return Response(StatementRequestSerializer(complaint.statements.all(), many=True).data)

    @extend_schema(request=StatementRequestInput, responses={201: StatementRequestSerializer})
    def post(self, request: Request, reference: str) -> Response:
        complaint = case_with_content_or_404(user=request.user, reference=reference)
        data = StatementRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        created = statement_request(
            complaint_id=complaint.pk,
            actor=Actor.staff(request.user),
            now=clock.now(),
            unit_id=values.pop("unit"),
            link=lambda token: request.build_absolute_uri(
                reverse("staff:statement_answer", args=[token])
            ),
            **values,
        )
        return Response(StatementRequestSerializer(created).data, status=status.HTTP_201_CREATED)


class CaseDocumentSerializer(serializers.ModelSerializer[Document]):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["id", "kind", "version", "language", "created_at", "sha256", "url"]

    def get_url(self, document: Document) -> str:
        return reverse("complaint-document", args=[document.complaint.reference, document.pk])


class DocumentCollectionView(APIView):
    @extend_schema(responses=CaseDocumentSerializer(many=True))
    def get(self, request: Request, reference: str) -> Response:
        complaint = case_read_or_404(user=request.user, reference=reference, what="api:documents")
        documents = complaint.documents.select_related("complaint").order_by("kind", "version")
        return Response(CaseDocumentSerializer(documents, many=True).data)


class DocumentDownloadView(APIView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, reference: str, document_id: int) -> FileResponse:
        return document_read_or_404(
            user=request.user, reference=reference, document_id=document_id, channel="api"
        )
