"""URL wiring: public pages, the REST API under /api/v1/, staff admin."""

from csp.decorators import csp_exempt
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


api_v1: list[URLPattern | URLResolver] = [
    path("", include("public.api.urls")),
    path("", include("workflow.api.urls")),
    path("", include("workflow.api.authority_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        csp_exempt()(SpectacularSwaggerView.as_view(url_name="schema")),
        name="api-docs",
    ),
]

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("api/v1/", include(api_v1)),
    path("admin/", admin.site.urls),
    path("staff/", include("workflow.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("public.urls")),
]
