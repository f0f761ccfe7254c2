"""Admin for organisations (closure days move due dates) and read-only cases with transitions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_fsm.admin import FSMAdminMixin
from rest_framework.exceptions import ValidationError

from complaints import clock
from complaints.actors import Actor
from complaints.admin_scope import AdministeredInline, AdministeredOnly
from complaints.models import AuthorityRequest, CaseEvent, ClosureDay, Complaint, Organisation
from complaints.selectors import complaint_visible_queryset
from complaints.services import access_record
from workflow.api.transitions import TRANSITIONS
from workflow.breach_follow_ups import escalations_catch_up
from workflow.calendar import due_dates_recompute
from workflow.errors import DomainError


class ClosureDayInline(AdministeredInline, admin.TabularInline[ClosureDay, Organisation]):
    model = ClosureDay
    extra = 1


@admin.register(Organisation)
class OrganisationAdmin(AdministeredOnly, admin.ModelAdmin[Organisation]):
    """A superuser adds organisations; their administrators keep their settings."""

    list_display = ["name_fi", "slug", "reference_prefix", "languages"]
    prepopulated_fields = {"slug": ["name_fi"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [ClosureDayInline]
    organisation_field = "pk"
    administrators_add = False
    administrators_delete = False
    # In public addresses and every case reference, and how long cases are kept (the
    # information-management plan; a lower value anonymises finished cases at the next
    # daily run): a superuser's.
    superuser_fields = ("slug", "reference_prefix", "retention_years")
    # Someone on this organisation's staff, who can then open its cases.
    staff_field = "leading_official"

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if request.user.is_superuser:
            return super().get_prepopulated_fields(request, obj)
        return {}

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if "leading_official" in form.changed_data and obj.leading_official_id is not None:
            count = escalations_catch_up(organisation_id=obj.pk, now=clock.now())
            if count:
                self.message_user(
                    request,
                    _("Escalated to the leading official: %(count)d very overdue cases.")
                    % {"count": count},
                )

    def save_formset(
        self,
        request: HttpRequest,
        form: Any,
        formset: BaseInlineFormSet[Any, Any, Any],
        change: bool,
    ) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is ClosureDay and formset.has_changed():
            count = due_dates_recompute(
                organisation=form.instance, actor=Actor.staff(request.user), now=clock.now()
            )
            self.message_user(
                request, _("Due dates recomputed: %(count)d open cases changed.") % {"count": count}
            )


class _ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)


class _OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, required=False)


class _AcceptForm(forms.Form):
    handler = forms.CharField(label=_("Handler (username)"), required=False)
    unit = forms.IntegerField(label=_("Service unit id"), required=False)


class _TransferForm(forms.Form):
    target = forms.CharField(label=_("Transferred to"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)


class _MergeForm(forms.Form):
    into = forms.CharField(label=_("Reference of the case to merge into"))


class _ReplyForm(forms.Form):
    text = forms.CharField(label=_("Reply text"), widget=forms.Textarea)


class _CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea)


class CaseEventInline(admin.TabularInline[CaseEvent, Complaint]):
    model = CaseEvent
    fields = ("at", "kind", "actor_label", "public", "from_state", "to_state")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Complaint)
class ComplaintAdmin(FSMAdminMixin, admin.ModelAdmin[Complaint]):
    """Cases are read-only here; the only writes are transitions, run through the services."""

    fsm_fields = ["status"]
    fsm_forms = {
        "accept": _AcceptForm,
        "transfer": _TransferForm,
        "merge": _MergeForm,
        "withdraw": _OptionalReasonForm,
        "extend": _ReasonForm,
        "submit_reply": _ReplyForm,
        "return_reply": _CommentForm,
    }
    list_display = ["reference", "status", "organisation", "service_unit", "due_date", "overdue"]
    list_filter = ["status", "organisation", "overdue", "extended"]
    search_fields = ["reference"]
    inlines = [CaseEventInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Complaint]:
        # The same reach as the API, superusers included: a case a user may not see does
        # not exist for them here either (404).
        return complaint_visible_queryset(user=request.user).select_related(
            "organisation", "service_unit"
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        self._case_read(request, object_id, what="admin:change")
        return super().change_view(request, object_id, form_url, extra_context)

    def fsm_transition_view(
        self, request: HttpRequest, object_id: str, transition_name: str, **kwargs: Any
    ) -> HttpResponse:
        """django-fsm's form for one transition, which asks for no admin permission of its
        own: the same as the change page (permission, access log) before it."""
        self._case_read(request, object_id, what="admin:transition", to_change=True)
        return super().fsm_transition_view(request, object_id, transition_name, **kwargs)

    def _case_read(
        self, request: HttpRequest, object_id: str, *, what: str, to_change: bool = False
    ) -> None:
        """Log the reading of a case this user may see (one they may not see, Django's
        view answers as not existing); ``to_change``: refuse one they may only view."""
        complaint = self.get_object(request, object_id)
        if not isinstance(complaint, Complaint):
            return
        if to_change and not self.has_change_permission(request, complaint):
            raise PermissionDenied
        access_record(
            complaint=complaint, actor=Actor.staff(request.user), at=clock.now(), what=what
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in Complaint._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_fsm_label(self, transition: Any) -> str:
        return str(TRANSITIONS[transition.name].label)

    def is_fsm_transition_visible(self, transition: Any) -> bool:
        return transition.name in TRANSITIONS

    def _apply_fsm_transition(
        self,
        *,
        obj: Any,
        transition_name: str,
        request: HttpRequest,
        kwargs: Any = None,
    ) -> bool:
        spec = TRANSITIONS[transition_name]
        data = spec.input(data=dict(kwargs or {}))
        try:
            data.is_valid(raise_exception=True)
            spec.run(
                complaint=obj,
                actor=Actor.staff(request.user),
                now=clock.now(),
                data=dict(data.validated_data),
            )
        except DomainError as error:
            self.message_user(request, error.message, level=messages.ERROR)
            return False
        except ValidationError as error:
            self.message_user(request, str(error.detail), level=messages.ERROR)
            return False
        self.message_user(request, str(spec.label), level=messages.SUCCESS)
        return True


@admin.register(AuthorityRequest)
class AuthorityRequestAdmin(admin.ModelAdmin[AuthorityRequest]):
    """The supervisory authority's requests, read-only: they are registered and answered
    through the case API (workflow.authority), which records the events and the letter."""

    list_display = ["diary_number", "complaint", "received_on", "due_date", "answered_at"]
    list_filter = ["complaint__organisation", "received_on", "due_date"]
    search_fields = ["diary_number", "complaint__reference"]
    date_hierarchy = "due_date"

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuthorityRequest]:
        # Only requests on cases the user may see, as for the cases themselves.
        visible = complaint_visible_queryset(user=request.user)
        return (
            super().get_queryset(request).filter(complaint__in=visible).select_related("complaint")
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in AuthorityRequest._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
