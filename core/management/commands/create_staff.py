import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.models import Outlet, ServiceCentre
from core.roles import Role
from core.services import user_create


class Command(BaseCommand):
    help = "Create a staff member with a role and outlet(s), centre or headquarters scope."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="Full name, e.g. 王芳")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--outlet", action="append", default=[], help="Outlet code; repeat for several")
        parser.add_argument("--centre", help="Centre code (centre staff see all its outlets)")
        parser.add_argument("--headquarters", action="store_true", help="Headquarters: sees all outlets")
        parser.add_argument("--phone", default="")
        parser.add_argument(
            "--password",
            help="Password; better: set STAFF_PASSWORD in the environment, or omit both to be asked",
        )

    def handle(self, *args, **opts):
        outlets = list(Outlet.objects.filter(code__in=opts["outlet"]))
        unknown = sorted(set(opts["outlet"]) - {o.code for o in outlets})
        if unknown:
            raise CommandError(f"Unknown outlet code(s): {', '.join(unknown)}")
        centre = None
        if opts["centre"]:
            centre = ServiceCentre.objects.filter(code=opts["centre"]).first()
            if centre is None:
                raise CommandError(f"Unknown centre code: {opts['centre']}")
        password = opts["password"] or os.environ.get("STAFF_PASSWORD") or self._ask_password()
        try:
            user = user_create(
                username=opts["username"],
                name=opts["name"],
                password=password,
                role=Role(opts["role"]),
                outlets=outlets,
                centre=centre,
                is_headquarters=opts["headquarters"],
                phone=opts["phone"],
                actor=None,
            )
        except ValidationError as exc:
            messages = [f"{field}: {' '.join(errs)}" for field, errs in exc.message_dict.items()]
            raise CommandError("; ".join(messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Created {user.username} ({Role(opts['role']).label})."))

    def _ask_password(self) -> str:
        if not os.isatty(0):
            raise CommandError("No password given: use --password or STAFF_PASSWORD.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
