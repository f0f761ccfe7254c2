"""Who may configure what in the admin: a superuser everything, an organisation's
administrators only that organisation.

An administrator is a user in group ``admin`` whose membership in the organisation applies
that role (``roles_in``); signed in to the admin (``admin_site.py``) they manage their
organisation's settings, closure days, units and staff memberships without any model
permission. Model permissions never reach past the organisation: on a shared service one
county's administrator must not see or change another's settings or staff. What reaches
further stays with a superuser: user accounts and their groups, a person's first
membership, the administrator's own membership, and an organisation's identity and
retention.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest

from complaints.choices import Role
from complaints.models import Organisation, ServiceUnit
from complaints.permissions import memberships_of, roles_in

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin
    from django.contrib.admin.options import BaseModelAdmin

    _Base = BaseModelAdmin[Any]
    _ModelAdmin = ModelAdmin[Any]
else:
    _Base = _ModelAdmin = object


def administered_organisation_ids(user: Any) -> frozenset[int] | None:
    """The organisations ``user`` administers; ``None`` for a superuser (every one)."""
    if getattr(user, "is_superuser", False):
        return None
    return frozenset(pk for pk in memberships_of(user) if Role.ADMIN in roles_in(user, pk))


def staff_choices(organisation_ids: frozenset[int], *, keep: int | None = None) -> QuerySet[Any]:
    """Active users with a membership in one of the organisations, and the user ``keep``
    already chosen (so that saving the page never drops a choice made before)."""
    return (
        get_user_model()
        .objects.filter(
            Q(is_active=True, memberships__organisation_id__in=organisation_ids) | Q(pk=keep)
        )
        .distinct()
        .order_by("username")
    )


class _AdministratorPermissions(_Base):
    """Django's rules for a superuser; for anyone else, ``_administers``."""

    administrators_add = True
    administrators_delete = True

    def _administers(self, request: HttpRequest, obj: Model | None) -> bool:
        raise NotImplementedError

    def has_module_permission(self, request: HttpRequest) -> bool:
        if request.user.is_superuser:
            return bool(super().has_module_permission(request))
        return self._administers(request, None)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if request.user.is_superuser:
            return bool(super().has_view_permission(request, obj))
        return self._administers(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if request.user.is_superuser:
            return bool(super().has_change_permission(request, obj))
        return self._administers(request, obj)

    def has_add_permission(self, request: HttpRequest, *parent: Model | None) -> bool:
        # A ModelAdmin's takes the request only, an inline's the parent object too.
        if request.user.is_superuser:
            return bool(super().has_add_permission(request, *parent))
        return self.administrators_add and self._administers(request, parent[0] if parent else None)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if request.user.is_superuser:
            return bool(super().has_delete_permission(request, obj))
        return self.administrators_delete and self._administers(request, obj)


def _narrow_choices(request: HttpRequest, db_field: Any, kwargs: dict[str, Any]) -> None:
    """Offer a non-superuser only their own organisations, units and staff."""
    ids = administered_organisation_ids(request.user)
    if ids is None:
        return
    if db_field.related_model is Organisation:
        kwargs["queryset"] = Organisation.objects.filter(pk__in=ids)
    elif db_field.related_model is ServiceUnit:
        kwargs["queryset"] = ServiceUnit.objects.filter(organisation__in=ids)
    elif db_field.related_model is get_user_model():  # accounts are a superuser's
        kwargs["queryset"] = staff_choices(ids)


class AdministeredOnly(_AdministratorPermissions, _ModelAdmin):
    """A ``ModelAdmin`` mixin: a non-superuser sees and changes only the rows of the
    organisations they administer (``organisation_field``: the path to the organisation's
    id, ``pk`` on the organisation itself), and is offered only their organisations, units
    and staff; ``staff_field`` names a person chosen from the row's own organisation's
    staff. ``administrators_add`` and ``administrators_delete`` say whether administrators
    may add or delete such rows."""

    organisation_field = "organisation"
    staff_field = ""
    superuser_fields: tuple[str, ...] = ()  # read-only for administrators
    settled_fields: tuple[str, ...] = ()  # read-only for administrators once saved

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        _narrow_choices(request, db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        _narrow_choices(request, db_field, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(
        self, request: HttpRequest, obj: Model | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        field = form.base_fields.get(self.staff_field)
        if obj is not None and field is not None and not request.user.is_superuser:
            # The choice made before (by a superuser, say) stays offered: saving keeps it.
            field.queryset = staff_choices(  # type: ignore[attr-defined]
                frozenset({self._organisation_id(obj)}),
                keep=getattr(obj, f"{self.staff_field}_id"),
            )
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        return fields + self.superuser_fields + (self.settled_fields if obj else ())

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset: QuerySet[Any] = super().get_queryset(request)
        ids = administered_organisation_ids(request.user)
        if ids is None:
            return queryset
        return queryset.filter(**{f"{self.organisation_field}__in": ids})

    def _organisation_id(self, obj: Model) -> int:
        field = "pk" if self.organisation_field == "pk" else f"{self.organisation_field}_id"
        return int(getattr(obj, field))

    def _administers(self, request: HttpRequest, obj: Model | None) -> bool:
        ids = administered_organisation_ids(request.user) or frozenset()
        if obj is None:
            return bool(ids)
        return self._organisation_id(obj) in ids


class AdministeredInline(_AdministratorPermissions):
    """An inline on the organisation's page, for whoever administers that organisation."""

    def _administers(self, request: HttpRequest, obj: Model | None) -> bool:
        ids = administered_organisation_ids(request.user) or frozenset()
        return obj is not None and obj.pk in ids
