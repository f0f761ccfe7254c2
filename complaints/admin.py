"""Admin for staff scope. Organisations and cases are registered by ``workflow.admin``,
because changing closure days and running transitions go through workflow services."""

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from complaints.choices import Role
from complaints.models import ServiceUnit, StaffMembership


@admin.register(ServiceUnit)
class ServiceUnitAdmin(admin.ModelAdmin[ServiceUnit]):
    list_display = ["name_fi", "organisation", "responsible_official", "active"]
    list_filter = ["organisation", "active"]
    search_fields = ["name_fi", "name_sv", "name_en"]


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


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin[StaffMembership]):
    form = StaffMembershipForm
    list_display = ["user", "organisation", "all_units", "roles"]
    list_filter = ["organisation", "all_units"]
    filter_horizontal = ["units"]
    search_fields = ["user__username"]
