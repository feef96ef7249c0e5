from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pcc_portal.reference_data import known_offices, load_reference_data


class Command(BaseCommand):
    help = (
        "Load an office's reference data (policing areas, local authorities, the charter, the "
        "Police and Crime Plan's aims and objectives). Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--office",
            default=settings.DEFAULT_OFFICE,
            help=f"Which office's data file to load. Known: {', '.join(known_offices())}",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="Overwrite rows already present with the file's values (admin edits are lost).",
        )

    def handle(self, *args, office, update, **options):
        try:
            report = load_reference_data(office=office, update=update)
        except (ValueError, KeyError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Reference data for {office}:")
        for line in report.lines():
            self.stdout.write(f"  {line}")
