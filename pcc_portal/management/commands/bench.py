from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pcc_portal.bench.run import Options, main


class Command(BaseCommand):
    help = (
        "Measure the public pages beside a bare Django view on gunicorn (production settings, "
        "PostgreSQL, Redis, the demo data) and write the figures into docs/benchmarks.md. "
        "A benchmark, not a test: `make bench`."
    )

    def add_arguments(self, parser):
        defaults = Options()
        parser.add_argument("--duration", type=int, default=defaults.duration, help="seconds")
        parser.add_argument("--warmup", type=int, default=defaults.warmup, help="seconds")
        parser.add_argument("--connections", type=int, default=defaults.connections)
        parser.add_argument("--workers", type=int, default=defaults.workers)
        parser.add_argument("--port", type=int, default=defaults.port)
        parser.add_argument("--database-url", default=defaults.database_url)
        parser.add_argument("--redis-url", default=defaults.redis_url)
        parser.add_argument("--label", choices=["before", "after"], default=defaults.label)
        parser.add_argument("--output", type=Path, default=defaults.output)
        parser.add_argument("--tool", choices=["auto", "wrk", "python"], default=defaults.tool)
        parser.add_argument(
            "--volume",
            type=int,
            default=defaults.volume,
            help="How many records each app's scenario seeds to measure at volume.",
        )
        parser.add_argument(
            "--fail-over-budget",
            action="store_true",
            help="Exit with status 1 when a page misses the budget.",
        )

    def handle(self, *args, fail_over_budget, **options):
        keys = Options.__dataclass_fields__
        status = main(Options(**{key: value for key, value in options.items() if key in keys}))
        if status and fail_over_budget:
            raise CommandError("A public page or a measure misses its budget.")
