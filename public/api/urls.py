from django.urls import path

from public.api import views

urlpatterns = [
    path("track/<str:code>/", views.TrackView.as_view(), name="api-track"),
    path("track/<str:code>/withdraw/", views.WithdrawView.as_view(), name="api-track-withdraw"),
    path(
        "track/<str:code>/dissatisfied/",
        views.DissatisfiedView.as_view(),
        name="api-track-dissatisfied",
    ),
    path(
        "track/<str:code>/attachments/",
        views.AttachmentUploadView.as_view(),
        name="api-track-attachments",
    ),
    path("organisations/", views.OrganisationListView.as_view(), name="api-organisations"),
]
