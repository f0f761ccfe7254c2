"""Admin for staff scope. Organisations and cases are registered by ``workflow.admin``,
because changing closure days and running transitions go through workflow services.
An organisation's administrators manage its units and memberships (``admin_scope``)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from complaints.admin_scope import AdministeredOnly
from complaints.choices import Role
from complaints.models import ServiceUnit, StaffMembership


@admin.register(ServiceUnit)
class ServiceUnitAdmin(AdministeredOnly, admin.ModelAdmin[ServiceUnit]):
    list_display = ["name_fi", "organisation", "responsible_official", "active"]
    list_filter = [("organisation", admin.RelatedOnlyFieldListFilter), "active"]
    search_fields = ["name_fi", "name_sv", "name_en"]
    administrators_delete = False  # cases refer to units: an administrator deactivates one
    settled_fields = ("organisation",)  # its cases and memberships stay where they are
    staff_field = "responsible_official"


class StaffMembershipForm(forms.ModelForm[StaffMembership]):
    roles = forms.MultipleChoiceField(
        label=_("roles here"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to apply every role the user has."),
    )

    class Meta:
        model = StaffMembership
        fields = ["user", "organisation", "all_units", "units", "roles"]

    def clean_roles(self) -> list[str]:
        roles: Any = self.cleaned_data.get("roles") or []
        return sorted(roles)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        organisation = cleaned.get("organisation")  # read-only, once saved, for administrators
        organisation_id = organisation.pk if organisation else self.instance.organisation_id
        units = cleaned.get("units") or []
        if organisation_id is not None and any(u.organisation_id != organisation_id for u in units):
            self.add_error("units", _("Choose units of this organisation only."))
        return cleaned


@admin.register(StaffMembership)
class StaffMembershipAdmin(AdministeredOnly, admin.ModelAdmin[StaffMembership]):
    form = StaffMembershipForm
    list_display = ["user", "organisation", "all_units", "roles"]
    list_filter = [("organisation", admin.RelatedOnlyFieldListFilter), "all_units"]
    filter_horizontal = ["units"]
    search_fields = ["user__username"]
    settled_fields = ("user", "organisation")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _own(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _own(request, obj) and super().has_delete_permission(request, obj)


def _own(request: HttpRequest, membership: StaffMembership | None) -> bool:
    """An administrator's own membership, which only a superuser changes: its roles keep
    the administrator's other roles out of the organisation's cases."""
    return (
        membership is not None
        and not request.user.is_superuser
        and membership.user_id == request.user.pk
    )
