"""The OpenAPI schema describes the API without warnings and validates."""

from django.core.management import call_command


def test_schema_generates_without_warnings_and_validates(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    assert "/api/v1/complaints/{reference}/transitions/{name}/" in schema
    assert "TransitionInput" in schema
