"""The queue's filters (django-filter): each maps one query parameter of docs/api.md."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from complaints.choices import Status
from complaints.models import Complaint

TRUE_VALUES = ("true", "1", "yes")
FALSE_VALUES = ("false", "0", "no")


class QueueFilter(django_filters.FilterSet):  # type: ignore[misc]
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    unit = django_filters.NumberFilter(field_name="service_unit_id")
    handler = django_filters.CharFilter(field_name="handler__username")
    overdue = django_filters.TypedChoiceFilter(
        choices=[(value, value) for value in TRUE_VALUES + FALSE_VALUES],
        coerce=lambda value: value in TRUE_VALUES,
    )
    due_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lt", input_formats=["%Y-%m-%d"]
    )
    q = django_filters.CharFilter(method="search")

    class Meta:
        model = Complaint
        fields = ["status", "unit", "handler", "overdue", "due_before", "q"]

    def search(self, queryset: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        """The reference exactly, or part of the client's or filer's name."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__iexact=value)
            | Q(client_name__icontains=value)
            | Q(filer_name__icontains=value)
        )
