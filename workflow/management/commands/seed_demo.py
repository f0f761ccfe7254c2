from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workflow.demo import demo_seed


class Command(BaseCommand):
    help = "Create (idempotently) a demo organisation, units, users and a few cases. DEBUG only."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo refuses to run with DEBUG off (demo passwords are 'demo')."
            )
        summary = demo_seed()
        self.stdout.write(self.style.SUCCESS(summary))
