from django.contrib.auth import views as auth_views
from django.urls import path

from workflow import (
    staff_access_log,
    staff_authority,
    staff_case,
    staff_inbox,
    staff_pages,
    staff_post,
    staff_queue,
    staff_reply,
    statement_pages,
)

app_name = "staff"

urlpatterns = [
    path("", staff_queue.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="staff/login.html", next_page="staff:home"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", staff_pages.register, name="register"),
    path(
        "register/tracking-letter/",
        staff_pages.tracking_letter,
        name="tracking_letter_print",
    ),
    path("assisted/", staff_pages.assisted, name="assisted"),
    path("cases/", staff_queue.queue, name="queue"),
    path("cases/<str:reference>/", staff_case.case, name="case"),
    path(
        "cases/<str:reference>/transitions/<str:name>/",
        staff_case.transition,
        name="transition",
    ),
    path("cases/<str:reference>/notes/", staff_case.note, name="note"),
    path("cases/<str:reference>/statements/", staff_case.statement_new, name="statement_new"),
    path("cases/<str:reference>/reply/", staff_reply.reply, name="reply"),
    path(
        "cases/<str:reference>/reply/<int:version>/preview/",
        staff_reply.reply_version_preview,
        name="reply_preview",
    ),
    path(
        "cases/<str:reference>/documents/<int:document_id>/",
        staff_case.document,
        name="document",
    ),
    path(
        "cases/<str:reference>/documents/<int:document_id>/reissue/",
        staff_case.reissue,
        name="reissue",
    ),
    path(
        "cases/<str:reference>/attachments/<int:attachment_id>/",
        staff_case.attachment,
        name="attachment",
    ),
    path(
        "cases/<str:reference>/authority-requests/",
        staff_authority.request_new,
        name="authority_request_new",
    ),
    path(
        "cases/<str:reference>/authority-requests/<int:request_id>/statement/",
        staff_authority.statement_issue,
        name="authority_statement",
    ),
    path("statements/<str:token>/", statement_pages.answer, name="statement_answer"),
    path("notices/", staff_inbox.inbox, name="inbox"),
    path("access-log/", staff_access_log.access_log, name="access_log"),
    path("post/", staff_post.post, name="post"),
]
