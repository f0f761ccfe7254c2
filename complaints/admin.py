"""Admin for staff scope. Organisations and cases are registered by ``workflow.admin``,
because changing closure days and running transitions go through workflow services."""

from django.contrib import admin

from complaints.models import ServiceUnit, StaffMembership


@admin.register(ServiceUnit)
class ServiceUnitAdmin(admin.ModelAdmin[ServiceUnit]):
    list_display = ["name_fi", "organisation", "responsible_official", "active"]
    list_filter = ["organisation", "active"]
    search_fields = ["name_fi", "name_sv", "name_en"]


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin[StaffMembership]):
    list_display = ["user", "organisation", "all_units"]
    list_filter = ["organisation", "all_units"]
    filter_horizontal = ["units"]
    search_fields = ["user__username"]
