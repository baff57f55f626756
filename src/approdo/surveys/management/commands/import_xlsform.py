"""`approdo import-xlsform FILE --campaign SLUG [--publish] [--open-to-all] [--many-responses]`:
add a questionnaire version to a campaign (created unpublished unless --publish)."""

import datetime
import zoneinfo
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from approdo.surveys import actions

ROME = zoneinfo.ZoneInfo("Europe/Rome")


def parse_moment(text: str, *, end_of_day: bool = False) -> datetime.datetime:
    """A date (YYYY-MM-DD: the start of that day, or its end for closing dates) or an ISO
    datetime, in Europe/Rome time unless it states its offset."""
    text = text.strip()
    try:
        if len(text) == 10:
            day = datetime.date.fromisoformat(text)
            clock = datetime.time(23, 59, 59) if end_of_day else datetime.time(0, 0)
            return datetime.datetime.combine(day, clock, tzinfo=ROME)
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(text) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ROME)


class Command(BaseCommand):
    help = (
        "Import an XLSForm (.xlsx, .xls or .md) as the next version of its questionnaire and "
        "point the campaign at it, creating the campaign when missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--campaign", required=True, help="Slug of the campaign.")
        parser.add_argument("--title", help="Title of the campaign.")
        parser.add_argument("--opens", help="Opening date (YYYY-MM-DD) or ISO datetime.")
        parser.add_argument(
            "--closes", help="Closing date (YYYY-MM-DD: open until the end of that day)."
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the campaign (a new campaign is otherwise created unpublished, for "
            "coordinators to preview and publish).",
        )
        parser.add_argument(
            "--open-to-all",
            action="store_true",
            help="Address the campaign to every registered organisation.",
        )
        parser.add_argument(
            "--many-responses",
            action="store_true",
            help="Let an organisation send more than one response.",
        )

    def handle(self, *args, **options):
        problems = []
        moments = {}
        for key, end_of_day in (("opens", False), ("closes", True)):
            if options[key]:
                try:
                    moments[key] = parse_moment(options[key], end_of_day=end_of_day)
                except ValueError:
                    problems.append(
                        f"--{key}: “{options[key]}” is not a date (YYYY-MM-DD) or ISO datetime."
                    )
        path = Path(options["file"])
        if not path.is_file():
            problems.append(f"{path}: no such file.")
        if problems:
            raise CommandError("\n".join(problems))
        try:
            with path.open("rb") as file:
                campaign = actions.import_xlsform(
                    file,
                    filename=path.name,
                    campaign_slug=options["campaign"],
                    title=options["title"],
                    opens_at=moments.get("opens"),
                    closes_at=moments.get("closes"),
                    publish=options["publish"],
                    open_to_all=options["open_to_all"],
                    many_responses=options["many_responses"],
                )
        except actions.SurveyError as error:
            raise CommandError("\n".join(error.messages)) from None
        version = campaign.version
        state = "published" if campaign.is_published else "not published (use --publish)"
        self.stdout.write(
            f"Campaign {campaign.slug}: {version.questionnaire.slug} version {version.number}, "
            f"{version.question_count} questions; {state}."
        )
