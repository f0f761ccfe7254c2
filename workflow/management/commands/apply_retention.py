import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from complaints import clock
from workflow.retention import retention_apply
from workflow.sweeps import moment_parse


class Command(BaseCommand):
    help = (
        "Anonymise finished cases past their organisation's retention period, as the daily "
        "task does; prints one JSON object of counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--at", help="ISO datetime to run as if it were now (with offset).")
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")

    def handle(self, *args: Any, at: str | None, dry_run: bool, **options: Any) -> None:
        try:
            now = moment_parse(at) if at else clock.now()
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(retention_apply(now=now, dry_run=dry_run)))
