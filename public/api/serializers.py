from typing import Any

from rest_framework import serializers

from complaints.models import Organisation, ServiceUnit


class TimelineSerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    event = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]


class DocumentSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    url = serializers.URLField()


class AttachmentLinkSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.URLField()


class TrackingSerializer(serializers.Serializer[Any]):
    reference = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    received_at = serializers.DateTimeField()
    received_on = serializers.DateField()
    due_date = serializers.DateField()
    due_date_explanation = serializers.CharField()
    extended = serializers.BooleanField()
    overdue = serializers.BooleanField()
    replied_at = serializers.DateTimeField(allow_null=True)
    reply_visible = serializers.BooleanField(
        help_text="Whether this link shows the reply: false when the reply is the client's and "
        "the link the filer's (a relative or close person without the client's consent)."
    )
    merged_into = serializers.CharField(allow_null=True)
    escalation_allowed = serializers.BooleanField(
        help_text="Whether POST track/{code}/dissatisfied/ is possible now."
    )
    timeline = TimelineSerializer(many=True)
    documents = DocumentSerializer(many=True)
    attachments = AttachmentLinkSerializer(many=True)


class EscalationNoteSerializer(serializers.Serializer[Any]):
    """The escalation note: a pre-filled kantelu to the supervisory authority (PDF)."""

    kind = serializers.CharField()
    url = serializers.URLField()


class StateConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    state = serializers.CharField()


class AttachmentUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()


class WithdrawSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class UnitSerializer(serializers.ModelSerializer[ServiceUnit]):
    class Meta:
        model = ServiceUnit
        fields = ["id", "name", "name_fi", "name_sv", "name_en"]


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    units = serializers.SerializerMethodField()
    languages = serializers.ListField(source="language_codes", child=serializers.CharField())

    class Meta:
        model = Organisation
        fields = ["slug", "name", "name_fi", "name_sv", "name_en", "languages", "units"]

    def get_units(self, organisation: Organisation) -> list[dict[str, Any]]:
        units = [unit for unit in organisation.units.all() if unit.active]
        return list(UnitSerializer(units, many=True).data)
