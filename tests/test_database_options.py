"""PostgreSQL's JIT is off for the service's connections (config/database.py, ADR 0015)."""

from typing import Any

from django.db import connection

from config.database import postgres_options


def test_jit_is_turned_off_beside_other_server_options() -> None:
    assert postgres_options({}) == {"options": "-c jit=off"}
    assert postgres_options({"sslmode": "require", "options": "-c statement_timeout=5000"}) == {
        "sslmode": "require",
        "options": "-c statement_timeout=5000 -c jit=off",
    }


def test_a_database_url_that_sets_jit_keeps_its_choice() -> None:
    assert postgres_options({"options": "-c jit=on"}) == {"options": "-c jit=on"}
    assert postgres_options({"options": "--jit=on"}) == {"options": "--jit=on"}
    assert postgres_options({"options": "-c JIT=on"}) == {"options": "-c JIT=on"}
    assert postgres_options({"options": "-c jit_above_cost=1"}) == {
        "options": "-c jit_above_cost=1 -c jit=off"
    }


def test_options_from_the_environment_are_kept(monkeypatch: Any) -> None:
    monkeypatch.setenv("PGOPTIONS", "-c statement_timeout=5000")
    assert postgres_options({}) == {"options": "-c statement_timeout=5000 -c jit=off"}


def test_behind_a_pooler_no_startup_option_is_added() -> None:
    assert postgres_options({"sslmode": "require"}, jit_off=False) == {"sslmode": "require"}


def test_the_connection_runs_without_jit(require_postgres: Any, db: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
