"""Input and output shapes of the case API. No state changes here: views call services."""

from __future__ import annotations

import copy
from typing import Any

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from complaints.choices import (
    Channel,
    EventKind,
    FilerRole,
    Language,
    OnBehalfBasis,
    ReplyDelivery,
)
from complaints.models import CaseEvent, Complaint
from workflow.calendar import complaint_due_date_explanation
from workflow.intake import Party, Submission
from workflow.replies import REPLY_MAX_LENGTH


class CopiedFieldsMixin:
    """For a plain ``Serializer``: DRF deep-copies every declared field for every
    serializer instance, and a field's deep copy runs its ``__init__`` again (validators,
    choice tables): 14 % of a submission's CPU, for the form that every filing goes
    through. What a request changes on a field is what ``bind`` sets on it (name, parent,
    label, source), so a shallow copy of the declared field serves. A field that holds
    other fields (a nested serializer, a list or dict field's child, a many-relation) is
    still deep-copied: its inner fields are bound too."""

    _declared_fields: dict[str, serializers.Field[Any, Any, Any, Any]]

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return {
            name: copy.deepcopy(field) if _holds_fields(field) else copy.copy(field)
            for name, field in self._declared_fields.items()
        }


def _holds_fields(field: serializers.Field[Any, Any, Any, Any]) -> bool:
    return isinstance(field, serializers.BaseSerializer) or any(
        hasattr(field, name) for name in ("child", "child_relation")
    )


class PartySerializer(CopiedFieldsMixin, serializers.Serializer[Party]):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    address = serializers.CharField(required=False, allow_blank=True, default="")


STAFF_ONLY_FIELDS = ("channel", "received_on", "first_received_on", "oral_reason")


class SubmissionSerializer(CopiedFieldsMixin, serializers.Serializer[Submission]):
    """``POST /api/v1/complaints/``: the public fields, plus registration fields for staff."""

    description = serializers.CharField(max_length=20000)
    filer_role = serializers.ChoiceField(choices=FilerRole.choices)
    client = PartySerializer()
    filer = PartySerializer(required=False)
    on_behalf_basis = serializers.ChoiceField(
        choices=OnBehalfBasis.choices, required=False, allow_blank=True, default=""
    )
    service_unit = serializers.IntegerField(required=False, allow_null=True, default=None)
    service_description = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
    event_date = serializers.DateField(required=False, allow_null=True, default=None)
    persons_involved = serializers.CharField(required=False, allow_blank=True, default="")
    desired_outcome = serializers.CharField(required=False, allow_blank=True, default="")
    discussed_with_staff = serializers.BooleanField(required=False, allow_null=True, default=None)
    contests_decision = serializers.BooleanField(required=False, default=False)
    language = serializers.ChoiceField(choices=Language.choices)
    interpreter_language = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default=""
    )
    reply_delivery = serializers.ChoiceField(choices=ReplyDelivery.choices)
    consent_reply_to_filer = serializers.BooleanField(required=False, default=False)
    organisation = serializers.SlugField(required=False, allow_blank=True, default="")
    # Staff registration of a muistutus that came by post, in person, by email or phone.
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    received_on = serializers.DateField(required=False)
    first_received_on = serializers.DateField(required=False)
    oral_reason = serializers.CharField(required=False, allow_blank=True, default="")
    # The social ombudsman filing for a client who consents (ignored for anyone else).
    ombudsman_consent = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not self.context.get("is_staff"):
            given = [name for name in STAFF_ONLY_FIELDS if self.initial_data.get(name)]
            if given:
                raise serializers.ValidationError(
                    {
                        name: [_("Only staff registering a muistutus may set this.")]
                        for name in given
                    }
                )
        if attrs["filer_role"] != FilerRole.CLIENT and "filer" not in attrs:
            raise serializers.ValidationError({"filer": [_("Give the filer's details.")]})
        # Whether the reply can reach its recipient that way is the service's rule
        # (``workflow.intake``), answered as a 400 on ``reply_delivery`` all the same.
        return attrs

    def to_submission(self) -> Submission:
        data = dict(self.validated_data)
        data.pop("organisation", None)
        client = Party(**data.pop("client"))
        filer = Party(**data.pop("filer")) if "filer" in data else Party()
        return Submission(
            client=client,
            filer=filer,
            service_unit_id=data.pop("service_unit"),
            channel=data.pop("channel", Channel.WEB),
            **data,
        )


class FiledSerializer(serializers.Serializer[Any]):
    reference = serializers.CharField()
    tracking_code = serializers.CharField()
    tracking_url = serializers.URLField()
    status = serializers.CharField()
    received_at = serializers.DateTimeField()
    received_on = serializers.DateField()
    due_date = serializers.DateField()


def tracking_path(code: str) -> str:
    return reverse("public:track", kwargs={"code": code})


class QueueItemSerializer(serializers.ModelSerializer[Complaint]):
    organisation: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    service_unit = serializers.SerializerMethodField()
    handler: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = Complaint
        fields = [
            "reference",
            "status",
            "organisation",
            "service_unit",
            "service_description",
            "handler",
            "channel",
            "language",
            "received_at",
            "received_on",
            "due_date",
            "extended",
            "overdue",
            "very_overdue",
            "escalated",
        ]

    def get_service_unit(self, complaint: Complaint) -> dict[str, Any] | None:
        unit = complaint.service_unit
        return None if unit is None else {"id": unit.pk, "name": unit.name}


# The queue reads these columns with ``values()`` and ``queue_rows`` shapes them as
# ``QueueItemSerializer`` would: a page of 50 is the request staff make most, and building
# 50 model instances with three related ones each cost more than the rest of the request.
_RELATED_VALUES = {
    "organisation": ("organisation__slug",),
    "service_unit": (
        "service_unit_id",
        "service_unit__name_fi",
        "service_unit__name_sv",
        "service_unit__name_en",
    ),
    "handler": ("handler__username",),
}
QUEUE_VALUES = (
    "id",
    *(
        column
        for field in QueueItemSerializer.Meta.fields
        for column in _RELATED_VALUES.get(field, (field,))
    ),
)
_DATETIME = serializers.DateTimeField()
_DATE = serializers.DateField()


def queue_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``QueueItemSerializer(many=True).data`` for rows of ``QUEUE_VALUES`` (a test keeps the
    two the same)."""
    language = (get_language() or "fi")[:2]
    return [
        {
            "reference": row["reference"],
            "status": row["status"],
            "organisation": row["organisation__slug"],
            "service_unit": None
            if row["service_unit_id"] is None
            else {
                "id": row["service_unit_id"],
                "name": row.get(f"service_unit__name_{language}") or row["service_unit__name_fi"],
            },
            "service_description": row["service_description"],
            "handler": row["handler__username"],
            "channel": row["channel"],
            "language": row["language"],
            "received_at": _DATETIME.to_representation(row["received_at"]),
            "received_on": _DATE.to_representation(row["received_on"]),
            "due_date": _DATE.to_representation(row["due_date"]),
            "extended": row["extended"],
            "overdue": row["overdue"],
            "very_overdue": row["very_overdue"],
            "escalated": row["escalated"],
        }
        for row in rows
    ]


class TimelineEntrySerializer(serializers.ModelSerializer[CaseEvent]):
    event = serializers.CharField(source="kind")
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    actor = serializers.CharField(source="actor_label")

    class Meta:
        model = CaseEvent
        fields = ["at", "event", "label", "actor", "public", "from_state", "to_state", "data"]

    def get_label(self, event: CaseEvent) -> str:
        return str(EventKind(event.kind).label)


class ComplaintDetailSerializer(QueueItemSerializer):
    """The whole case for handlers and approvers."""

    timeline = serializers.SerializerMethodField()
    due_date_explanation = serializers.SerializerMethodField()
    merged_into: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="reference", read_only=True
    )
    client = serializers.SerializerMethodField()
    filer = serializers.SerializerMethodField()
    replies = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()

    class Meta(QueueItemSerializer.Meta):
        fields = [
            *QueueItemSerializer.Meta.fields,
            "due_rule",
            "due_date_explanation",
            "first_received_on",
            "oral_reason",
            "filer_role",
            "on_behalf_basis",
            "client",
            "filer",
            "consent_reply_to_filer",
            "description",
            "event_date",
            "persons_involved",
            "desired_outcome",
            "discussed_with_staff",
            "contests_decision",
            "interpreter_needed",
            "interpreter_language",
            "reply_delivery",
            "extension_reason",
            "transfer_target",
            "transfer_reason",
            "merged_into",
            "withdrawal_reason",
            "replied_at",
            "closed_at",
            "replies",
            "attachments",
            "timeline",
        ]

    def get_timeline(self, complaint: Complaint) -> list[dict[str, Any]]:
        events = self.context["timeline"]
        return list(TimelineEntrySerializer(events, many=True).data)

    def get_due_date_explanation(self, complaint: Complaint) -> str:
        return complaint_due_date_explanation(
            complaint=complaint, language=(get_language() or "fi")[:2]
        )

    def get_client(self, complaint: Complaint) -> dict[str, str]:
        return {
            "name": complaint.client_name,
            "email": complaint.client_email,
            "phone": complaint.client_phone,
            "address": complaint.client_address,
        }

    def get_filer(self, complaint: Complaint) -> dict[str, str] | None:
        if complaint.filer_role == FilerRole.CLIENT:
            return None
        return {
            "name": complaint.filer_name,
            "email": complaint.filer_email,
            "phone": complaint.filer_phone,
            "address": complaint.filer_address,
        }

    def get_attachments(self, complaint: Complaint) -> list[dict[str, Any]]:
        return [
            {
                "id": attachment.pk,
                "name": attachment.original_name,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "uploaded_at": _DATETIME.to_representation(attachment.uploaded_at),
                "url": reverse(
                    "complaint-attachment",
                    kwargs={"reference": complaint.reference, "attachment_id": attachment.pk},
                ),
            }
            for attachment in complaint.attachments.all()
        ]

    def get_replies(self, complaint: Complaint) -> list[dict[str, Any]]:
        return [
            {
                "version": reply.version,
                "text": reply.text,
                "decision": reply.decision,
                "submitted_by": reply.submitted_by.get_username(),
                "submitted_at": reply.submitted_at,
                "decided_by": reply.decided_by.get_username() if reply.decided_by else None,
                "decided_at": reply.decided_at,
                "comment": reply.comment,
            }
            for reply in complaint.replies.select_related("submitted_by", "decided_by")
        ]


class ComplaintSummarySerializer(serializers.ModelSerializer[Complaint]):
    """What the social ombudsman sees of a case they assisted: status and dates, no content."""

    organisation: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = Complaint
        fields = [
            "reference",
            "status",
            "organisation",
            "received_on",
            "due_date",
            "extended",
            "overdue",
            "replied_at",
            "closed_at",
        ]


class TransitionSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    fields = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]


class AcceptInput(serializers.Serializer[Any]):
    handler = serializers.CharField(required=False, allow_blank=True, default="")
    unit = serializers.IntegerField(required=False, allow_null=True, default=None)


class TransferInput(serializers.Serializer[Any]):
    target = serializers.CharField(max_length=300)
    reason = serializers.CharField()


class MergeInput(serializers.Serializer[Any]):
    into = serializers.CharField(max_length=40)


class ReasonOptionalInput(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonInput(serializers.Serializer[Any]):
    reason = serializers.CharField()


class ReplyTextInput(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=REPLY_MAX_LENGTH)


class CommentInput(serializers.Serializer[Any]):
    comment = serializers.CharField()


class EmptyInput(serializers.Serializer[Any]):
    pass
