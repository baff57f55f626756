from django.core.management.base import BaseCommand, CommandError

from approdo.api.actions import create_token
from approdo.organizations.models import User


class Command(BaseCommand):
    help = "Create an API token for a user and print it (it is shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="E-mail address of the token's user.")
        parser.add_argument("--name", default="Command line", help="What the token is for.")

    def handle(self, *args, email, name, **options):
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with the e-mail address {email}.")
        token, plaintext = create_token(user, name=name)
        self.stderr.write(f"Token “{token.name}” created for {user.email}; it is shown only once:")
        self.stdout.write(plaintext)
