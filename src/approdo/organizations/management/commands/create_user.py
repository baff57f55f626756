"""`approdo create-user EMAIL --role ROLE`: give someone a role, creating what is missing."""

import sys

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from approdo.organizations import actions
from approdo.organizations.models import Organization, Role
from approdo.territory.models import ASL, Zona


class Command(BaseCommand):
    help = (
        "Create an account (or update an existing one) with a role in an organisation, creating "
        "the organisation when missing. Prints a one-time password, or an invitation link."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--org", help="Organisation name (default for regional roles).")
        parser.add_argument("--org-kind", choices=Organization.Kind.values)
        parser.add_argument("--zona", help="Slug of the zona distretto (territory officers).")
        parser.add_argument("--asl", help="Slug of the ASL (territory officers).")
        parser.add_argument(
            "--password-stdin", action="store_true", help="Read the password from standard input."
        )
        parser.add_argument(
            "--invite",
            action="store_true",
            help="Send an invitation instead of creating the account.",
        )

    def handle(self, *args, **options):
        zona = self._lookup(Zona, options["zona"], "zona")
        asl = self._lookup(ASL, options["asl"], "ASL")
        password = None
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
            try:
                password_validation.validate_password(password)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        try:
            result = actions.provision_account(
                options["email"],
                role=options["role"],
                organization_name=options["org"],
                organization_kind=options["org_kind"],
                zona=zona,
                asl=asl,
                password=password,
                invite=options["invite"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self._report(result, options)

    def _lookup(self, model, slug, label):
        if not slug:
            return None
        try:
            return model.objects.get(slug=slug)
        except model.DoesNotExist:
            raise CommandError(f"Unknown {label}: {slug}") from None

    def _report(self, result: actions.Provisioned, options) -> None:
        organization = result.organization
        if result.organization_created:
            self.stdout.write(f"Created organisation {organization.name} ({organization.kind}).")
        if result.invitation is not None:
            self.stdout.write(
                f"Invited {result.invitation.email} to {organization.name} as {options['role']}."
            )
            self.stdout.write(f"Invitation link: {result.link}")
            return
        verb = "Created" if result.user_created else "Updated"
        self.stdout.write(f"{verb} {result.user.email}: {options['role']} of {organization.name}.")
        if result.user_created and not options["password_stdin"]:
            self.stdout.write(f"One-time password: {result.password}")
            self.stdout.write("Ask the person to change it at the first sign-in.")
