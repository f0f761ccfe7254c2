from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token

from workflow.api import views

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("complaints/", views.ComplaintCollectionView.as_view(), name="complaint-list"),
    path(
        "complaints/<str:reference>/",
        views.ComplaintDetailView.as_view(),
        name="complaint-detail",
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
