from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from complaints import lookups  # noqa: F401 - registers ``__any``


class ServiceAdminConfig(admin_apps.AdminConfig):
    """Django's admin on ``ServiceAdminSite`` (``admin_site.py``), which also lets an
    organisation's administrators in."""

    default = False  # this module's default is ComplaintsConfig
    default_site = "complaints.admin_site.ServiceAdminSite"
