"""The admin's sign-in: staff (``is_staff``) as in Django, and organisation administrators.

An organisation's administrator (``admin_scope``) is sent to the admin to keep their
organisation (the very-overdue notice links there). Django's own site would also demand
``is_staff``, a flag only a superuser sets, so an administrator without it met a sign-in
that turned them away. Here administering an organisation is enough to enter; what they
see inside is still only what ``admin_scope`` grants them, and other models keep asking
for Django's model permissions.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest

from complaints.admin_scope import administered_organisation_ids


def admin_entry_allowed(user: Any) -> bool:
    """Active, and Django staff or the administrator of at least one organisation."""
    if not (user.is_active and user.is_authenticated):
        return False
    return bool(user.is_staff) or administered_organisation_ids(user) != frozenset()


class AdministratorAuthenticationForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user: Any) -> None:
        AuthenticationForm.confirm_login_allowed(self, user)  # active
        if not admin_entry_allowed(user):
            raise forms.ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class ServiceAdminSite(admin.AdminSite):
    login_form = AdministratorAuthenticationForm

    def has_permission(self, request: HttpRequest) -> bool:
        return admin_entry_allowed(request.user)
