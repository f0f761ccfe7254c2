from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Handling")

    def ready(self) -> None:
        from workflow.intake_settings import intake_settings_signals_connect

        intake_settings_signals_connect()
