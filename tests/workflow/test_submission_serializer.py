"""The submission form's fields are copied shallowly per request: nothing one request binds
or learns may reach the declared fields or another request's copy."""

from __future__ import annotations

from typing import Any

from workflow.api.serializers import PartySerializer, SubmissionSerializer


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
