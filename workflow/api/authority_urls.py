from django.urls import path

from workflow.api import authority

urlpatterns = [
    path(
        "complaints/<str:reference>/authority-requests/",
        authority.AuthorityRequestListView.as_view(),
        name="complaint-authority-requests",
    ),
    path(
        "complaints/<str:reference>/authority-requests/<int:request_id>/statement/",
        authority.AuthorityStatementView.as_view(),
        name="complaint-authority-statement",
    ),
]
