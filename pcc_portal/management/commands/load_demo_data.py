from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pcc_portal.demo import DEMO_PASSWORD, create_demo_users
from pcc_portal.demo_mail import send_demo_digests
from pcc_portal.registry import demo_fillers, demo_finishers


class Command(BaseCommand):
    help = (
        "Fill every app with believable demo records dated around today, and create one demo "
        "user per role. Only where DEBUG is on. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--office", default=settings.DEFAULT_OFFICE)

    def handle(self, *args, office, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data is for a development machine: set DEBUG=1 to load it.")
        call_command("load_reference_data", office=office, stdout=self.stdout)
        # People first: the apps' demo records are made by, and for, the demo users.
        logins = create_demo_users()
        today = timezone.localdate()
        for label, fill in demo_fillers.items():
            self.stdout.write(f"Demo data: {label}")
            fill(today=today, stdout=self.stdout)
        for label, finish in demo_finishers.items():
            self.stdout.write(f"Demo data: {label}, drawing on every app")
            finish(today=today, stdout=self.stdout)
        # The digests read every app's reminders: they come last.
        self.stdout.write("Demo data: reminder digests")
        send_demo_digests(today=today, stdout=self.stdout)
        self.stdout.write("")
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for role, email in logins:
            self.stdout.write(f"  {role:<26} {email}")
