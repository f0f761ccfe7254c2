"""The admin's sign-in: Django staff (``is_staff``) as on Django's own site, and
organisation administrators, who reach only their organisation's pages.

An organisation's administrator (``admin_scope``) is sent to the admin to keep their
organisation (the very-overdue notice links there). Django's own site also demands
``is_staff``, a flag only a superuser sets, so an administrator without it met a sign-in
that turned them away. Here administering an organisation is enough to enter, and to use
the pages ``admin_scope`` opens to them. Every other model's admin trusts Django's model
permissions, which reach every organisation; those keep asking for ``is_staff`` too, as
before, so a permission a group carries stays out of an administrator's reach unless a
superuser also gave them the flag.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern

from complaints.admin_scope import AdministeredOnly, administered_organisation_ids

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object


def _administers(user: Any) -> bool:
    """Administers an organisation through a membership (a superuser is not counted)."""
    ids = administered_organisation_ids(user)
    return ids is not None and bool(ids)


def admin_entry_allowed(user: Any) -> bool:
    """Active, and Django staff or the administrator of at least one organisation."""
    return bool(user.is_active and user.is_authenticated and (user.is_staff or _administers(user)))


def organisation_settings_reachable(user: Any) -> bool:
    """Whether the admin holds organisation settings for ``user`` to keep: those of the
    organisations they administer, or, for a superuser with the admin's sign-in, all."""
    if user.is_superuser:
        return bool(user.is_staff)
    return _administers(user)


def _staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Someone not signed in goes on to the admin's own redirect to its sign-in.
        if request.user.is_authenticated and not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


class StaffOnly(_ModelAdmin):
    """Django's rules, for Django staff only: what the admin classes that trust model
    permissions get on this site. Every page of the class asks for ``is_staff`` first,
    its own extra pages included (django-fsm's transition form checks no permission of
    the admin); the permission methods keep such classes out of the menu and out of
    other pages' widgets."""

    def get_urls(self) -> list[URLPattern]:
        return [
            URLPattern(p.pattern, _staff_only(p.callback), p.default_args, p.name)
            if isinstance(p, URLPattern)
            else p
            for p in super().get_urls()
        ]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_staff and super().has_module_permission(request))

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return bool(request.user.is_staff and super().has_view_permission(request, obj))

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return bool(request.user.is_staff and super().has_change_permission(request, obj))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_staff and super().has_add_permission(request))

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return bool(request.user.is_staff and super().has_delete_permission(request, obj))


class AdministratorAuthenticationForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user: Any) -> None:
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

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        """Any admin class not scoped by ``admin_scope`` (ours and other apps') is made
        ``StaffOnly``, as ``AdminSite.register`` itself derives a class from options."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AdministeredOnly):
            admin_class = type(
                admin_class.__name__,
                (StaffOnly, admin_class),
                {"__module__": admin_class.__module__},
            )
        super().register(model_or_iterable, admin_class, **options)
