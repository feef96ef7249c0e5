from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from delivery_plan.importing import (
    ImportRefused,
    describe,
    financial_year_around,
    import_plan,
    template_headers,
)

MAX_BYTES = 20 * 1024 * 1024


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"“{text}” is not a date: write it as 2026-04-01") from error


class Command(BaseCommand):
    help = (
        "Import a delivery plan from a spreadsheet (.xlsx or .csv) laid out as the template "
        "in delivery_plan/data/README.md, as a new plan. Every bad row is reported by its row "
        "number and nothing is imported unless every row is good."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xlsx or .csv file")
        parser.add_argument(
            "--plan", help="The new plan's name (the file's name if not given)", default=""
        )
        parser.add_argument(
            "--start", help="The plan's first day, e.g. 2026-04-01 (this financial year's)"
        )
        parser.add_argument(
            "--end", help="The plan's last day, e.g. 2028-03-31 (this financial year's)"
        )
        parser.add_argument(
            "--as-at",
            dest="as_at",
            help="The day statuses without a date of their own speak for (today's)",
        )
        parser.add_argument(
            "--historic",
            action="store_true",
            help="A plan reported on before: kept as it stands, nothing suggested or stale",
        )
        parser.add_argument("--owner", help="The email of the person who keeps the plan")

    def handle(self, *args, file, plan, start, end, as_at, historic, owner, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file {path}")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MB")
        first, last = financial_year_around(timezone.localdate())
        owner_user = None
        if owner:
            owner_user = get_user_model().objects.filter(email__iexact=owner).first()
            if owner_user is None:
                raise CommandError(f"Nobody signs in as {owner}")
        name = plan or path.stem.replace("-", " ").replace("_", " ").strip().capitalize()
        try:
            result = import_plan(
                data=path.read_bytes(),
                filename=path.name,
                name=name,
                period_start=_day(start) if start else first,
                period_end=_day(end) if end else last,
                owner=owner_user,
                is_current=not historic,
                as_at=_day(as_at) if as_at else None,
            )
        except ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            self.stderr.write("The template's columns: " + ", ".join(template_headers()))
            rows = len({p.row for p in refused.problems if p.row})
            have = "row has" if rows == 1 else "rows have"
            raise CommandError(
                f"Nothing was imported: {rows} {have} problems" if rows else "Nothing imported"
            ) from None
        for line in describe(result):
            self.stdout.write(line)
