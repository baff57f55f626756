from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from approdo.funding.demo import create_demo_data as create_funding_demo_data
from approdo.governance.demo import create_demo_data as create_governance_demo_data
from approdo.organizations.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, create_demo_data
from approdo.practices.demo import create_demo_data as create_practices_demo_data
from approdo.surveys.demo import create_demo_data as create_survey_demo_data
from approdo.taxonomy.loading import load_taxonomies
from approdo.territory.boundaries import BoundariesError, load_boundaries
from approdo.territory.loading import load_territory


class Command(BaseCommand):
    help = "Load the territory, the boundaries when available and the demo data set (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--boundaries",
            default=settings.APPRODO_BOUNDARIES,
            help="Comuni GeoJSON with an istat_code property (path or URL).",
        )

    def handle(self, *args, boundaries, **options):
        counts = load_territory()
        self.stdout.write(f"Territory: {counts}")
        self.stdout.write(f"Taxonomies: {load_taxonomies()}")
        if boundaries:
            try:
                result = load_boundaries(boundaries)
            except BoundariesError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"Boundaries: {result.counts()}")
        else:
            self.stdout.write("Boundaries: none given (maps are hidden; tables remain).")
        accounts = create_demo_data()
        campaign = create_survey_demo_data()
        self.stdout.write(
            f"Survey campaign: {campaign.slug} ({campaign.responses.count()} responses)"
        )
        for create in [
            create_practices_demo_data,
            create_funding_demo_data,
            create_governance_demo_data,
        ]:
            if summary := create():
                self.stdout.write(summary)
        self.stdout.write(self.style.SUCCESS(f"\nDemo accounts (password: {DEMO_PASSWORD})"))
        for account in accounts:
            marker = "  [two-factor]" if account["totp"] else ""
            self.stdout.write(
                f"  {account['email']:<40} {account['role']:<17} {account['organization']}{marker}"
            )
        self.stdout.write(
            f"\nTwo-factor accounts use the TOTP secret {DEMO_TOTP_SECRET}: add it to an "
            "authenticator app, or print a code with `oathtool --totp -b SECRET`."
        )
