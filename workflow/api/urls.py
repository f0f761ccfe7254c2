from django.urls import path
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle

from workflow.api import case_resources, views


class TokenView(ObtainAuthToken):
    """Username and password for a token; rate-limited against password guessing."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"


urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("complaints/", views.ComplaintCollectionView.as_view(), name="complaint-list"),
    path(
        "complaints/<str:reference>/",
        views.ComplaintDetailView.as_view(),
        name="complaint-detail",
    ),
    path(
        "complaints/<str:reference>/attachments/<int:attachment_id>/",
        views.AttachmentDownloadView.as_view(),
        name="complaint-attachment",
    ),
    path(
        "complaints/<str:reference>/statements/",
        case_resources.StatementCollectionView.as_view(),
        name="complaint-statements",
    ),
    path(
        "complaints/<str:reference>/documents/",
        case_resources.DocumentCollectionView.as_view(),
        name="complaint-documents",
    ),
    path(
        "complaints/<str:reference>/documents/<int:document_id>/",
        case_resources.DocumentDownloadView.as_view(),
        name="complaint-document",
    ),
    path(
        "complaints/<str:reference>/transitions/",
        views.TransitionListView.as_view(),
        name="complaint-transitions",
    ),
    path(
        "complaints/<str:reference>/transitions/<str:name>/",
        views.TransitionRunView.as_view(),
        name="complaint-transition-run",
    ),
]
