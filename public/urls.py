from django.urls import path

from public import filing, pages, tracking_pages

app_name = "public"

urlpatterns = [
    path("", pages.home, name="home"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("feedback/", pages.feedback, name="feedback"),
    path("file/check/", filing.check, name="check"),
    path("file/done/", filing.done, name="done"),
    path("file/<slug:slug>/", filing.step, name="step"),
    path("track/<str:code>/", tracking_pages.track, name="track"),
    path("track/<str:code>/withdraw/", tracking_pages.withdraw, name="withdraw"),
    path("track/<str:code>/dissatisfied/", tracking_pages.dissatisfied, name="dissatisfied"),
    path("track/<str:code>/documents/<str:kind>/", tracking_pages.document, name="document"),
    path(
        "track/<str:code>/attachments/<int:attachment_id>/",
        tracking_pages.attachment,
        name="attachment",
    ),
]
