"""Forms of the staff case page; field names match the API's transition inputs."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from complaints.choices import Role
from complaints.models import Complaint, ServiceUnit
from workflow.form_fields import MultipleFileField
from workflow.replies import REPLY_MAX_LENGTH


class AcceptForm(forms.Form):
    handler = forms.ChoiceField(label=_("Handler"), required=False)
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        handlers = (
            get_user_model()
            .objects.filter(
                is_active=True,
                groups__name__in=[Role.HANDLER, Role.APPROVER],
                memberships__organisation_id=complaint.organisation_id,
            )
            .distinct()
            .order_by("username")
        )
        cast(forms.ChoiceField, self.fields["handler"]).choices = [("", _("Me"))] + [
            (user.get_username(), user.get_full_name() or user.get_username()) for user in handlers
        ]
        units = ServiceUnit.objects.filter(organisation_id=complaint.organisation_id, active=True)
        cast(forms.ChoiceField, self.fields["unit"]).choices = [("", _("Keep as it is"))] + [
            (unit.pk, str(unit)) for unit in units
        ]
        if complaint.service_unit_id:
            self.fields["unit"].initial = complaint.service_unit_id


class TransferForm(forms.Form):
    target = forms.CharField(
        label=_("Transferred to"),
        max_length=300,
        help_text=_("E.g. the patient ombudsman (health care) or another authority."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("Reference of the case to merge into"),
        max_length=40,
        help_text=_("Another open case of this organisation."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ReasonOptionalForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment to the handler"), widget=forms.Textarea(attrs={"rows": 4})
    )


class EmptyForm(forms.Form):
    pass


TRANSITION_FORMS: dict[str, type[forms.Form]] = {
    "accept": AcceptForm,
    "transfer": TransferForm,
    "merge": MergeForm,
    "withdraw": ReasonOptionalForm,
    "extend": ReasonForm,
    "return_reply": CommentForm,
    "approve_reply": EmptyForm,
    "close": EmptyForm,
}


def transition_form(name: str, complaint: Complaint, data: Any = None) -> forms.Form | None:
    form_class = TRANSITION_FORMS.get(name)
    if form_class is None:
        return None
    prefix = name
    if form_class is AcceptForm:
        return AcceptForm(data, complaint=complaint, prefix=prefix)
    return form_class(data, prefix=prefix)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen by staff only, never by the complainant."),
    )


class ReplyDraftForm(forms.Form):
    text = forms.CharField(
        label=_("Reply text"),
        required=False,
        max_length=REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 18}),
    )
    template = forms.TypedChoiceField(
        label=_("Start from a template"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, templates: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["template"]).choices = [("", "–")] + [
            (t.pk, t.name) for t in templates
        ]


class StatementForm(forms.Form):
    respondent_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    respondent_email = forms.EmailField(label=_("Email"))
    question = forms.CharField(
        label=_("Question"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The respondent sees only this question, the reference and the date."),
    )
    due_date = forms.DateField(
        label=_("Answer by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: two weeks, and before the case's own due date."),
    )


class StatementAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your statement"), widget=forms.Textarea(attrs={"rows": 12}))
    attachments = MultipleFileField(label=_("Attachments (optional)"), required=False)


class ReissueForm(forms.Form):
    reason = forms.CharField(label=_("What was corrected"), max_length=500)


class AuthorityRequestForm(forms.Form):
    diary_number = forms.CharField(label=_("Authority's diary number"), max_length=60)
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    due_date = forms.DateField(
        label=_("Statement due"), widget=forms.DateInput(attrs={"type": "date"})
    )
    question = forms.CharField(
        label=_("What the authority asks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AuthorityStatementForm(forms.Form):
    statement_text = forms.CharField(label=_("Statement"), widget=forms.Textarea(attrs={"rows": 8}))
