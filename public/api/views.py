"""The public API: tracking a case by its code, withdrawing it, listing organisations."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from complaints import clock
from complaints.actors import Actor
from complaints.models import Organisation, ServiceUnit
from public.api.serializers import OrganisationSerializer, TrackingSerializer, WithdrawSerializer
from public.tracking import tracked_complaint, tracking_view
from workflow.transitions import complaint_withdraw


class PublicView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [permissions.AllowAny]


@method_decorator(never_cache, name="dispatch")
class TrackingView(PublicView):
    """Behind the tracking code: rate-limited per client address, never cached."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "track"


class TrackView(TrackingView):
    @extend_schema(responses=TrackingSerializer)
    def get(self, request: Request, code: str) -> Response:
        complaint = tracked_complaint(code=code, what="api:track")
        if complaint is None:
            raise Http404
        return Response(TrackingSerializer(tracking_view(complaint)).data)


class WithdrawView(TrackingView):
    @extend_schema(request=WithdrawSerializer, responses=TrackingSerializer)
    def post(self, request: Request, code: str) -> Response:
        complaint = tracked_complaint(code=code, what="api:withdraw")
        if complaint is None:
            raise Http404
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        updated = complaint_withdraw(
            complaint_id=complaint.pk,
            actor=Actor.complainant(),
            now=clock.now(),
            reason=data.validated_data["reason"],
        )
        return Response(TrackingSerializer(tracking_view(updated)).data)


class OrganisationListView(PublicView):
    @extend_schema(responses=OrganisationSerializer(many=True))
    def get(self, request: Request) -> Response:
        organisations = Organisation.objects.prefetch_related(
            Prefetch("units", queryset=ServiceUnit.objects.order_by("name_fi"))
        )
        return Response(OrganisationSerializer(organisations, many=True).data)
