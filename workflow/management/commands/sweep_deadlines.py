import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime

from complaints import clock
from workflow.sweeps import deadlines_sweep


class Command(BaseCommand):
    help = "Flag late cases as the periodic sweep does; prints one JSON object of counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--at", help="ISO datetime to run as if it were now (with offset).")
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")

    def handle(self, *args: Any, at: str | None, dry_run: bool, **options: Any) -> None:
        now = clock.now()
        if at:
            parsed = parse_datetime(at)
            if parsed is None or parsed.tzinfo is None:
                raise CommandError(
                    "--at needs an ISO datetime with an offset, e.g. 2026-12-29T08:00+02:00"
                )
            now = parsed
        self.stdout.write(json.dumps(deadlines_sweep(now=now, dry_run=dry_run)))
