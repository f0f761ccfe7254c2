import os
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from complaints.choices import Role
from tests.factories import OrganisationFactory, ServiceUnitFactory, filed_online, staff_user

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _absent(what: str) -> None:
    message = f"{what} is not available"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message}, and REQUIRE_SERVICES=1 demands it")
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    """Rate-limit counters (and anything else cached) never leak from one test to another."""
    from django.core.cache import cache

    from workflow.intake_settings import intake_settings_reload

    cache.clear()
    yield
    cache.clear()
    # Each test's database is rolled back, and no signal reports that: forget what
    # filing read of the organisations.
    intake_settings_reload()


@pytest.fixture
def require_postgres() -> None:
    """Skip locally on SQLite; in CI (REQUIRE_SERVICES=1) the database must be PostgreSQL."""
    if connection.vendor != "postgresql":
        _absent("PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def require_redis() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        _absent("Redis (set REDIS_URL)")
    import redis

    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError:
        _absent(f"Redis at {url}")
    return url


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def org(db: Any) -> Any:
    return OrganisationFactory(slug="kemi", reference_prefix="KEMI", name_fi="Kemi")


@pytest.fixture
def unit(org: Any) -> Any:
    return ServiceUnitFactory(organisation=org, name_fi="Aikuissosiaalityö")


@pytest.fixture
def handler(org: Any) -> Any:
    return staff_user("handler", Role.HANDLER, organisation=org, all_units=True)


@pytest.fixture
def approver(org: Any) -> Any:
    return staff_user("approver", Role.APPROVER, organisation=org, all_units=True)


@pytest.fixture
def approver2(org: Any) -> Any:
    return staff_user("approver2", Role.APPROVER, organisation=org, all_units=True)


@pytest.fixture
def filed(org: Any, unit: Any) -> Any:
    """A muistutus filed online by the client: ``.complaint`` and its ``.tracking_code``."""
    from complaints import clock

    return filed_online(org, unit, now=clock.now())
