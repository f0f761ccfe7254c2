"""Admin for staff scope. Organisations and cases are registered by ``workflow.admin``,
because changing closure days and running transitions go through workflow services.
An organisation's administrators manage its units and memberships (``admin_scope``)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import ForeignKey, ManyToManyField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from complaints.admin_scope import (
    AdministeredOnly,
    administered_organisation_ids,
    assignable_users,
    members_of,
)
from complaints.choices import Role
from complaints.models import Organisation, ServiceUnit, StaffMembership


def _organisations_for(request: HttpRequest, db_field: Any, kwargs: dict[str, Any]) -> None:
    """Offer a non-superuser only their own organisations, units and staff."""
    ids = administered_organisation_ids(request.user)
    if ids is None:
        return
    if db_field.related_model is Organisation:
        kwargs["queryset"] = Organisation.objects.filter(pk__in=ids)
    elif db_field.related_model is ServiceUnit:
        kwargs["queryset"] = ServiceUnit.objects.filter(organisation__in=ids)
    elif db_field.name == "user":
        kwargs["queryset"] = assignable_users(ids)
    else:  # the unit's responsible official
        kwargs["queryset"] = members_of(ids)


@admin.register(ServiceUnit)
class ServiceUnitAdmin(AdministeredOnly, admin.ModelAdmin[ServiceUnit]):
    list_display = ["name_fi", "organisation", "responsible_official", "active"]
    list_filter = [("organisation", admin.RelatedOnlyFieldListFilter), "active"]
    search_fields = ["name_fi", "name_sv", "name_en"]
    administrators_delete = False  # cases refer to units: an administrator deactivates one

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        _organisations_for(request, db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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
        organisation = cleaned.get("organisation")
        units = cleaned.get("units") or []
        if organisation is not None and any(u.organisation_id != organisation.pk for u in units):
            self.add_error("units", _("Choose units of this organisation only."))
        return cleaned


@admin.register(StaffMembership)
class StaffMembershipAdmin(AdministeredOnly, admin.ModelAdmin[StaffMembership]):
    form = StaffMembershipForm
    list_display = ["user", "organisation", "all_units", "roles"]
    list_filter = [("organisation", admin.RelatedOnlyFieldListFilter), "all_units"]
    filter_horizontal = ["units"]
    search_fields = ["user__username"]

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        _organisations_for(request, db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        _organisations_for(request, db_field, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
