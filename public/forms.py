"""The questions of the public form, a short page each (GOV.UK "question pages" pattern)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.choices import (
    FilerRole,
    Language,
    OnBehalfBasis,
    ReplyDelivery,
    reply_goes_to_filer,
    reply_withheld_from_filer,
)
from complaints.models import Organisation
from workflow.form_fields import MultipleFileField
from workflow.intake import REPLY_POSTED_TO_CLIENT

DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%y"]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class StepForm(forms.Form):
    """Base of the question pages; ``context`` is what earlier answers say."""

    def __init__(self, *args: Any, context: dict[str, Any], **kwargs: Any) -> None:
        self.context = context
        super().__init__(*args, **kwargs)

    def _choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        cast(forms.ChoiceField, self.fields[name]).choices = choices


class OrganisationForm(StepForm):
    organisation = forms.ChoiceField(
        label=_("Which organisation is your muistutus about?"), widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices(
            "organisation",
            [(organisation.slug, organisation.name) for organisation in Organisation.objects.all()],
        )


class WhoForm(StepForm):
    filer_role = forms.ChoiceField(
        label=_("Who is filing the muistutus?"),
        choices=[
            (FilerRole.CLIENT, _("I am the client")),
            (FilerRole.RELATIVE, _("I am a relative of the client")),
            (FilerRole.CLOSE_PERSON, _("I am another person close to the client")),
            (FilerRole.LEGAL_REPRESENTATIVE, _("I am the client's legal representative")),
        ],
        widget=forms.RadioSelect,
    )
    on_behalf_basis = forms.ChoiceField(
        label=_("If you file for the client: on what basis?"),
        help_text=_(
            "A relative, a close person or a legal representative may file a muistutus only "
            "if the client cannot do it themselves (for example because of illness or "
            "reduced capacity) or has died. A guardian may file for a child. If the client "
            "can file it, ask them to do it, or to give you a power of attorney."
        ),
        choices=OnBehalfBasis.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("filer_role") not in (None, FilerRole.CLIENT) and not data.get(
            "on_behalf_basis"
        ):
            self.add_error(
                "on_behalf_basis",
                _("Choose the basis on which you file for the client."),
            )
        if data.get("filer_role") == FilerRole.CLIENT:
            data["on_behalf_basis"] = ""
        return data


class PartyForm(StepForm):
    """Contact details; ``autocomplete`` lets browsers fill in the filer's own (WCAG 1.3.5)."""

    name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email address (optional)"),
        required=False,
        help_text=_("We send only a notice and a link, never the content of the case."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(
        label=_("Postal address (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        help_text=_("Needed if you want the reply by post."),
    )


class ClientForm(PartyForm):
    prefix = "client"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.context.get("filer_role") not in (None, FilerRole.CLIENT):
            self.fields["name"].label = _("The client's full name")
            self.fields["email"].label = _("The client's email address (optional)")
            self.fields["phone"].label = _("The client's phone number (optional)")
            self.fields["address"].label = _("The client's postal address (optional)")
            # Someone else's details: the browser must not fill in the filer's own.
            for field in self.fields.values():
                field.widget.attrs["autocomplete"] = "off"


class FilerForm(PartyForm):
    prefix = "filer"


class ServiceForm(StepForm):
    service_unit = forms.ChoiceField(
        label=_("Which service or unit is it about?"),
        required=False,
        help_text=_("If you are not sure, choose “Other or not sure” and describe it."),
    )
    service_description = forms.CharField(
        label=_("Describe the service (if not in the list)"), max_length=300, required=False
    )
    event_date = forms.DateField(
        label=_("When did it happen? (optional)"),
        help_text=_("For example 17.11.2026. If it went on for a while, give the latest day."),
        input_formats=DATE_FORMATS,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.context.get("organisation_obj")
        units = organisation.units.filter(active=True) if organisation else []
        self._choices(
            "service_unit",
            [
                *[(str(unit.pk), unit.name) for unit in units],
                ("", _("Other or not sure")),
            ],
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("service_unit") and not data.get("service_description"):
            self.add_error(
                "service_description", _("Choose the service from the list or describe it.")
            )
        return data


class WhatForm(StepForm):
    description = forms.CharField(
        label=_("What happened?"),
        help_text=_(
            "Tell in your own words what happened and what was wrong in the service or in "
            "how you were treated."
        ),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
    )
    persons_involved = forms.CharField(
        label=_("Who was involved? (optional)"),
        help_text=_(
            "Names or job titles of the staff. If you do not know, tell the time precisely."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    desired_outcome = forms.CharField(
        label=_("What would you like to be done? (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    discussed_with_staff = forms.ChoiceField(
        label=_("Have you discussed the matter with the staff member or their supervisor?"),
        help_text=_("Discussing first is recommended, but you can file a muistutus in any case."),
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    contests_decision = forms.ChoiceField(
        label=_("Do you want to change a decision made about you?"),
        help_text=_("For example a decision on income support or on a service."),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )


class LanguageForm(StepForm):
    language = forms.ChoiceField(
        label=_("In which language do you want the reply?"), widget=forms.RadioSelect
    )
    interpreter_language = forms.CharField(
        label=_("Do you need an interpreter? In which language? (optional)"),
        help_text=_("Leave empty if you do not need an interpreter."),
        max_length=60,
        required=False,
    )
    reply_delivery = forms.ChoiceField(
        label=_("How do you want to receive the reply?"),
        choices=[
            (ReplyDelivery.ONLINE, _("Online, behind my private tracking link")),
            (ReplyDelivery.POST, _("By post")),
        ],
        widget=forms.RadioSelect,
    )
    consent_reply_to_filer = forms.BooleanField(
        label=_("The client agrees that the reply is sent to me, the filer."),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.context.get("organisation_obj")
        codes = organisation.language_codes if organisation else Language.values
        self._choices(
            "language", [(code, label) for code, label in Language.choices if code in codes]
        )
        if self.context.get("filer_role") in (None, FilerRole.CLIENT) or reply_goes_to_filer(
            **self._whose_reply(consent=False)
        ):  # the client files, or the reply is the filer's by their position
            del self.fields["consent_reply_to_filer"]

    def _whose_reply(self, *, consent: bool) -> dict[str, Any]:
        """The arguments of the rules on whose the reply is, from the earlier answers."""
        return {
            "filer_role": self.context.get("filer_role") or FilerRole.CLIENT,
            "on_behalf_basis": self.context.get("on_behalf_basis") or "",
            "consent": consent,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        whose = self._whose_reply(consent=bool(data.get("consent_reply_to_filer")))
        to_filer = reply_goes_to_filer(**whose)
        delivery = data.get("reply_delivery")
        if delivery == ReplyDelivery.ONLINE and reply_withheld_from_filer(**whose):
            self.add_error("reply_delivery", str(REPLY_POSTED_TO_CLIENT))
        elif delivery == ReplyDelivery.POST:
            address = self.context.get("filer_address" if to_filer else "client_address")
            if not (address or "").strip():
                self.add_error(
                    "reply_delivery",
                    _(
                        "A reply by post needs a postal address. "
                        "Add it on the contact details page."
                    ),
                )
        return data


class CheckForm(forms.Form):
    """The last page; ``website`` is a honeypot that people never see or fill in."""

    website = forms.CharField(required=False, label=_("Leave this field empty"))


class FeedbackForm(forms.Form):
    def _choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        cast(forms.ChoiceField, self.fields[name]).choices = choices

    organisation = forms.ChoiceField(label=_("Organisation"))
    service_description = forms.CharField(
        label=_("Which service is it about? (optional)"), max_length=300, required=False
    )
    text = forms.CharField(
        label=_("Your feedback"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000
    )
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices(
            "organisation",
            [(organisation.slug, organisation.name) for organisation in Organisation.objects.all()],
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw it? (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class AttachmentsForm(forms.Form):
    upload = MultipleFileField(
        label=_("Add attachments"),
        help_text=_(
            "PDF, images or office documents; at most 10 MB each, 50 MB and 20 files in all."
        ),
    )
