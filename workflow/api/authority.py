"""The supervisory authority's statement requests on a case (staff API).

``GET/POST /api/v1/complaints/{reference}/authority-requests/`` lists and registers them;
``POST .../authority-requests/{id}/statement/`` issues the statement (a letter), ``GET`` the
same path downloads it. A case the user may not see is 404; one they see but may not handle
is 403 on writes.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import clock
from complaints.actors import Actor
from complaints.models import AuthorityRequest
from workflow.authority import (
    authority_request_register,
    authority_statement_document,
    authority_statement_documents,
    authority_statement_issue,
)
from workflow.case_access import case_read_or_404
from workflow.downloads import document_download


class AuthorityRequestInputSerializer(serializers.Serializer[Any]):
    diary_number = serializers.CharField(max_length=60)
    received_on = serializers.DateField()
    due_date = serializers.DateField()
    question = serializers.CharField(required=False, allow_blank=True, default="")


class StatementInputSerializer(serializers.Serializer[Any]):
    statement_text = serializers.CharField()


class AuthorityRequestSerializer(serializers.ModelSerializer[AuthorityRequest]):
    created_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    statement_document_version = serializers.SerializerMethodField()

    class Meta:
        model = AuthorityRequest
        fields = [
            "id",
            "diary_number",
            "received_on",
            "due_date",
            "question",
            "statement_text",
            "answered_at",
            "created_by",
            "created_at",
            "statement_document_version",
        ]
        read_only_fields = fields

    def get_statement_document_version(self, request: AuthorityRequest) -> int | None:
        letters = self.context.get("statement_letters")
        if letters is not None:
            document = letters.get(request.pk)
        else:
            document = authority_statement_document(request=request)
        return document.version if document else None


class AuthorityRequestListView(APIView):
    @extend_schema(responses=AuthorityRequestSerializer(many=True))
    def get(self, request: Request, reference: str) -> Response:
        complaint = case_read_or_404(
            user=request.user, reference=reference, what="api:authority-requests"
        )
        requests = complaint.authority_requests.select_related("created_by")
        letters = authority_statement_documents(complaint_id=complaint.pk)
        return Response(
            AuthorityRequestSerializer(
                requests, many=True, context={"statement_letters": letters}
            ).data
        )

    @extend_schema(
        request=AuthorityRequestInputSerializer,
        responses={
            201: AuthorityRequestSerializer,
            400: OpenApiResponse(description="field errors"),
            403: OpenApiResponse(description="only handlers and approvers of the case"),
        },
    )
    def post(self, request: Request, reference: str) -> Response:
        complaint = case_read_or_404(
            user=request.user, reference=reference, what="api:authority-requests:add"
        )
        data = AuthorityRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = authority_request_register(
            complaint_id=complaint.pk,
            actor=Actor.staff(request.user),
            now=clock.now(),
            **data.validated_data,
        )
        return Response(AuthorityRequestSerializer(created).data, status=status.HTTP_201_CREATED)


class AuthorityStatementView(APIView):
    @extend_schema(
        request=StatementInputSerializer,
        responses={
            200: AuthorityRequestSerializer,
            400: OpenApiResponse(description="field errors"),
            403: OpenApiResponse(description="only handlers and approvers of the case"),
            409: OpenApiResponse(description="already answered"),
        },
    )
    def post(self, request: Request, reference: str, request_id: int) -> Response:
        complaint = case_read_or_404(
            user=request.user, reference=reference, what="api:authority-statement"
        )
        data = StatementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            answered, _document = authority_statement_issue(
                complaint_id=complaint.pk,
                request_id=request_id,
                statement_text=data.validated_data["statement_text"],
                actor=Actor.staff(request.user),
                now=clock.now(),
            )
        except AuthorityRequest.DoesNotExist:
            raise Http404 from None
        return Response(AuthorityRequestSerializer(answered).data)

    @extend_schema(
        request=None,
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="no such request, or not answered yet"),
        },
    )
    def get(self, request: Request, reference: str, request_id: int) -> FileResponse:
        complaint = case_read_or_404(
            user=request.user, reference=reference, what=f"api:authority-statement:{request_id}"
        )
        found = complaint.authority_requests.filter(pk=request_id).first()
        document = authority_statement_document(request=found) if found else None
        if document is None:
            raise Http404
        return document_download(document)
