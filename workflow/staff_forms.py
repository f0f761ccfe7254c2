"""Staff registration of a muistutus that came by post, in person, by email or phone."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.choices import Channel, FilerRole, Language, OnBehalfBasis, ReplyDelivery
from complaints.models import Organisation, ServiceUnit
from workflow.form_fields import MultipleFileField

DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]
REGISTRATION_CHANNELS = [c for c in Channel.choices if c[0] != Channel.WEB]


class RegistrationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    channel = forms.ChoiceField(label=_("How it arrived"), choices=REGISTRATION_CHANNELS)
    received_on = forms.DateField(
        label=_("Day it arrived"),
        help_text=_("The clock starts on this day (for post: the day of arrival)."),
        input_formats=DATE_FORMATS,
    )
    first_received_on = forms.DateField(
        label=_("Day another authority received it (if forwarded)"),
        input_formats=DATE_FORMATS,
        required=False,
    )
    oral_reason = forms.CharField(
        label=_("Why it was accepted orally (in person or by phone)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    authority_diary_number = forms.CharField(
        label=_("Supervisory authority's diary number (a kantelu transferred back)"),
        help_text=_(
            "Only when the supervisory authority transferred a kantelu to be handled as a "
            "muistutus. When its reply is approved, a report to the authority is made."
        ),
        max_length=60,
        required=False,
    )
    filer_role = forms.ChoiceField(label=_("Filed by"), choices=FilerRole.choices)
    on_behalf_basis = forms.ChoiceField(
        label=_("Basis for filing on behalf"),
        choices=[("", "–"), *OnBehalfBasis.choices],
        required=False,
    )
    client_name = forms.CharField(label=_("Client's name"), max_length=200)
    client_email = forms.EmailField(label=_("Client's email"), required=False)
    client_phone = forms.CharField(label=_("Client's phone"), max_length=40, required=False)
    client_address = forms.CharField(
        label=_("Client's postal address"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    filer_name = forms.CharField(label=_("Filer's name"), max_length=200, required=False)
    filer_email = forms.EmailField(label=_("Filer's email"), required=False)
    filer_phone = forms.CharField(label=_("Filer's phone"), max_length=40, required=False)
    filer_address = forms.CharField(
        label=_("Filer's postal address"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    service_unit = forms.ModelChoiceField(
        label=_("Service unit"), queryset=ServiceUnit.objects.none(), required=False
    )
    service_description = forms.CharField(
        label=_("Service (if no unit)"), max_length=300, required=False
    )
    event_date = forms.DateField(
        label=_("When it happened"), input_formats=DATE_FORMATS, required=False
    )
    description = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000
    )
    persons_involved = forms.CharField(
        label=_("Persons involved"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    desired_outcome = forms.CharField(
        label=_("What the complainant wants done"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    contests_decision = forms.BooleanField(label=_("Contests a decision"), required=False)
    language = forms.ChoiceField(label=_("Language of the case"), choices=Language.choices)
    interpreter_language = forms.CharField(
        label=_("Interpreter language (if needed)"), max_length=60, required=False
    )
    reply_delivery = forms.ChoiceField(
        label=_("Reply delivery"), choices=ReplyDelivery.choices, initial=ReplyDelivery.POST
    )
    consent_reply_to_filer = forms.BooleanField(
        label=_("The client agrees that the reply is sent to the filer"), required=False
    )
    attachments = MultipleFileField(label=_("Scanned letter and attachments"), required=False)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["organisation"]).queryset = organisations
        cast(
            "forms.ModelChoiceField[Any]", self.fields["service_unit"]
        ).queryset = ServiceUnit.objects.filter(organisation__in=organisations, active=True)
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()

    def as_submission_body(self) -> dict[str, Any]:
        """The cleaned form as the body of ``POST /api/v1/complaints/``."""
        data = self.cleaned_data
        body: dict[str, Any] = {
            key: data[key]
            for key in (
                "channel",
                "filer_role",
                "on_behalf_basis",
                "service_description",
                "description",
                "persons_involved",
                "desired_outcome",
                "contests_decision",
                "language",
                "interpreter_language",
                "reply_delivery",
                "consent_reply_to_filer",
                "oral_reason",
            )
            if key in data
        }
        body["organisation"] = data["organisation"].slug
        body["service_unit"] = data["service_unit"].pk if data["service_unit"] else None
        for key in ("received_on", "first_received_on", "event_date"):  # absent for the ombudsman
            if data.get(key):
                body[key] = data[key].isoformat()
        body["client"] = {
            name: data[f"client_{name}"] for name in ("name", "email", "phone", "address")
        }
        if data["filer_role"] != FilerRole.CLIENT:
            body["filer"] = {
                name: data[f"filer_{name}"] for name in ("name", "email", "phone", "address")
            }
        return body


class OmbudsmanFilingForm(RegistrationForm):
    """The social ombudsman files for a client with their consent; no registration fields."""

    ombudsman_consent = forms.BooleanField(
        label=_("The client consents to my filing this and following the case"),
        required=True,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in (
            "channel",
            "received_on",
            "first_received_on",
            "oral_reason",
            "authority_diary_number",
        ):
            del self.fields[name]

    def as_submission_body(self) -> dict[str, Any]:
        body = super().as_submission_body()
        body["ombudsman_consent"] = True
        return body
