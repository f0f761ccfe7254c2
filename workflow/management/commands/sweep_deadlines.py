import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from complaints import clock
from workflow.sweeps import deadlines_sweep, moment_parse


class Command(BaseCommand):
    help = "Flag late cases as the periodic sweep does; prints one JSON object of counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--at", help="ISO datetime to run as if it were now (with offset).")
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")

    def handle(self, *args: Any, at: str | None, dry_run: bool, **options: Any) -> None:
        try:
            now = moment_parse(at) if at else clock.now()
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(deadlines_sweep(now=now, dry_run=dry_run)))
