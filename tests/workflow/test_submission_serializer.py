"""The submission form's fields are copied shallowly per request: nothing one request binds
or learns may reach the declared fields or another request's copy."""

from __future__ import annotations

from typing import Any
from unittest import mock

from rest_framework import fields, serializers

from workflow.api.serializers import CopiedFieldsMixin, PartySerializer, SubmissionSerializer


def _payload(**changes: Any) -> dict[str, Any]:
    return {
        "description": "Kotihoidon käynti jäi väliin.",
        "filer_role": "client",
        "client": {"name": "Aino Asiakas", "email": "aino@example.invalid"},
        "language": "fi",
        "reply_delivery": "online",
        **changes,
    }


def test_each_instance_binds_its_own_fields_and_leaves_the_declared_ones_alone() -> None:
    first = SubmissionSerializer(data=_payload(), context={})
    second = SubmissionSerializer(data=_payload(), context={})
    assert first.is_valid(), first.errors
    assert second.is_valid(), second.errors
    for name, declared in SubmissionSerializer._declared_fields.items():
        mine, theirs = first.fields[name], second.fields[name]
        assert mine is not declared
        assert mine is not theirs
        assert mine.parent is first
        assert theirs.parent is second
        assert mine.field_name == name
        assert declared.parent is None
        assert declared.source is None
    assert first.fields["client"].fields["name"] is not second.fields["client"].fields["name"]
    assert first.fields["client"].fields["name"].parent is first.fields["client"]


def test_errors_and_data_of_one_request_never_reach_the_next() -> None:
    refused = SubmissionSerializer(
        data=_payload(language="xx", client={"name": "", "email": "not an address"}), context={}
    )
    assert not refused.is_valid()
    assert set(refused.errors) == {"language", "client"}
    assert set(refused.errors["client"]) == {"name", "email"}

    accepted = SubmissionSerializer(data=_payload(), context={})
    assert accepted.is_valid(), accepted.errors
    assert accepted.validated_data["client"]["name"] == "Aino Asiakas"
    assert accepted.to_submission().client.email == "aino@example.invalid"


def test_labels_and_validators_are_the_declared_fields_own() -> None:
    serializer = SubmissionSerializer(data=_payload(), context={})
    assert serializer.fields["description"].label == "Description"
    assert SubmissionSerializer._declared_fields["description"].label is None
    too_long = SubmissionSerializer(data=_payload(description="x" * 20001), context={})
    assert not too_long.is_valid()
    assert "description" in too_long.errors
    party = PartySerializer(data={"name": "x" * 201})
    assert not party.is_valid()
    assert "name" in party.errors


def test_only_the_nested_party_forms_are_built_again_per_request() -> None:
    serializer = SubmissionSerializer(data=_payload(), context={})
    built = []
    real = fields.Field.__init__

    def counted(self: Any, *args: Any, **kwargs: Any) -> None:
        built.append(type(self).__name__)
        real(self, *args, **kwargs)

    with mock.patch.object(fields.Field, "__init__", counted):
        for name in SubmissionSerializer._declared_fields:
            assert serializer.fields[name].parent is serializer
        assert serializer.fields["client"].fields["name"].parent is serializer.fields["client"]
    # DRF's deep copy would build all 24 fields and each party's 4 again.
    assert built == ["PartySerializer", "PartySerializer"]


class _Tags(CopiedFieldsMixin, serializers.Serializer[Any]):
    tags = serializers.ListField(child=serializers.CharField())


def test_a_field_holding_a_child_gets_its_own_child_bound_to_the_copy() -> None:
    first = _Tags(data={"tags": ["a"]}, context={"request": "first"})
    second = _Tags(data={"tags": ["b"]}, context={"request": "second"})
    assert first.fields["tags"].child is not second.fields["tags"].child
    assert first.fields["tags"].child.context == {"request": "first"}
    assert second.fields["tags"].child.context == {"request": "second"}
    assert first.is_valid(), first.errors
    assert first.validated_data == {"tags": ["a"]}
