"""Rate limits per client address on the public pages (django-ratelimit) and API (DRF).

Behind ``NUM_PROXIES`` reverse proxies the client is the address those proxies appended
to X-Forwarded-For, as DRF's throttles count it; otherwise the connecting address.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django_ratelimit.decorators import ratelimit

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def client_ip(group: str, request: HttpRequest) -> str:
    proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [part.strip() for part in forwarded.split(",")]
        return addresses[-min(proxies, len(addresses))]
    return str(request.META.get("REMOTE_ADDR", ""))


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "public/429.html", status=429)


def limit(rate: str, method: str | list[str] = ratelimit.ALL) -> Callable[[View], View]:
    """Limit a page per client address; over the limit the visitor gets a 429 page."""
    return cast(
        Callable[[View], View],
        ratelimit(key="public.ratelimits.client_ip", rate=rate, method=method, block=True),
    )
