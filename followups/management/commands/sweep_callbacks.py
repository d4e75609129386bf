from django.core.management.base import BaseCommand

from followups.services import callback_sweep


class Command(BaseCommand):
    help = "Run one callback sweep now: callbacks that have come due go to the call queue."

    def handle(self, *args, **options):
        self.stdout.write(f"callbacks queued: {callback_sweep()}")
