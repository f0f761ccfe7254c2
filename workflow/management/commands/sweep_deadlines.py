import json
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from complaints import clock
from workflow.sweeps import REQUEUE_WINDOW, deadlines_sweep, moment_parse

# A year covers any broker outage; a larger number would reach past the dates Python keeps.
MAX_LOOK_BACK_DAYS = 366


class Command(BaseCommand):
    help = "Flag late cases as the periodic sweep does; prints one JSON object of counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--at", help="ISO datetime to run as if it were now (with offset).")
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")
        parser.add_argument(
            "--look-back-days",
            type=int,
            default=REQUEUE_WINDOW.days,
            help="How many days back to seek letters and notes still missing "
            f"(default {REQUEUE_WINDOW.days}; more after a broker outage).",
        )

    def handle(
        self, *args: Any, at: str | None, dry_run: bool, look_back_days: int, **options: Any
    ) -> None:
        if not 1 <= look_back_days <= MAX_LOOK_BACK_DAYS:
            raise CommandError(f"--look-back-days must be from 1 to {MAX_LOOK_BACK_DAYS}.")
        try:
            now = moment_parse(at) if at else clock.now()
        except ValueError as error:
            raise CommandError(str(error)) from error
        result = deadlines_sweep(now=now, dry_run=dry_run, look_back=timedelta(days=look_back_days))
        self.stdout.write(json.dumps(result))
