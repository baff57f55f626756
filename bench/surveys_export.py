"""Export 100,000 survey responses x 50 questions: time the CSV export (target under 10 s)
and measure the XLSX export's peak memory (target under 300 MB).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/approdo_bench
    .venv/bin/python bench/surveys_export.py

The responses are generated once with bulk_create (campaign `bench-export-<N>`) and reused by
later runs. Each export runs in a fresh child process, so its peak resident memory
(getrusage maxrss) is the export's own. Its CPU time is printed beside the wall time, which
grows when other work shares the cores, and so is the CPU time Python's cycle collector
took (gc.callbacks). With --tracemalloc, Python's allocation peak is printed too (it slows the
run).
"""

import argparse
import datetime
import gc
import io
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "approdo.settings")
os.environ.setdefault("SECRET_KEY", "bench")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from approdo.organizations.models import Organization  # noqa: E402
from approdo.reports.datasets import get_dataset  # noqa: E402
from approdo.reports.writers import WRITERS  # noqa: E402
from approdo.surveys import actions  # noqa: E402
from approdo.surveys.models import Campaign, SurveyResponse  # noqa: E402

WORDS = (
    "accoglienza orientamento lavoro casa lingua scuola salute servizi comune zona rete "
    "progetto percorso mediazione formazione tirocinio sportello famiglia minori donne"
).split()


def form(questions: int) -> bytes:
    """An XLSForm with `questions` questions of five kinds in turn, choices of four."""
    kinds = ["text", "integer", "select_one opt", "select_multiple opt", "decimal"]
    rows = ["| survey |", "| | type | name | label |"]
    for n in range(questions):
        rows.append(f"| | {kinds[n % 5]} | q{n:02d} | Domanda {n} |")
    rows += ["| choices |", "| | list_name | name | label |"]
    rows += [f"| | opt | c{n} | Voce {n} |" for n in range(4)]
    rows += ["| settings |", "| | form_id | form_title |", "| | bench_export | Bench export |"]
    return "\n".join(rows).encode()


def answers(schema: dict) -> dict:
    result = {}
    for element in schema["children"]:
        kind, name = element["type"], element["name"]
        if kind == "text":
            result[name] = " ".join(random.choices(WORDS, k=random.randint(2, 12)))
        elif kind == "integer":
            result[name] = str(random.randint(0, 5000))
        elif kind == "decimal":
            result[name] = f"{random.uniform(0, 10000):.2f}"
        elif kind == "select_one":
            result[name] = f"c{random.randint(0, 3)}"
        else:
            result[name] = " ".join(sorted(random.sample(["c0", "c1", "c2", "c3"], 2)))
    return result


def generate(slug: str, total: int, questions: int) -> Campaign:
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is not None and campaign.responses.count() == total:
        return campaign
    file = io.BytesIO(form(questions))
    campaign = campaign or actions.import_xlsform(
        file,
        filename="bench_export.md",
        campaign_slug=slug,
        opens_at=timezone.now() - datetime.timedelta(days=1),
    )
    campaign.responses.all().delete()
    organizations = [
        Organization.objects.get_or_create(name=f"Bench export {n}", kind="associazione")[0]
        for n in range(50)
    ]
    schema = campaign.version.schema
    now = timezone.now()
    started = time.perf_counter()
    batch = []
    for n in range(total):
        batch.append(
            SurveyResponse(
                campaign=campaign,
                version=campaign.version,
                organization=organizations[n % len(organizations)],
                instance_id=uuid.uuid4(),
                status="submitted",
                answers=answers(schema),
                submitted_at=now,
            )
        )
        if len(batch) == 5000:
            SurveyResponse.objects.bulk_create(batch)
            batch = []
    SurveyResponse.objects.bulk_create(batch)
    print(f"generated {total} responses in {time.perf_counter() - started:.1f} s")
    return campaign


class CollectorClock:
    """The collections of Python's cycle collector and the CPU time they took (process time:
    other work on the cores does not count)."""

    def __init__(self) -> None:
        self.collections, self.seconds, self._started = 0, 0.0, 0.0
        gc.callbacks.append(self)

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.process_time()
        else:
            self.collections += 1
            self.seconds += time.process_time() - self._started


def export(slug: str, fmt: str, trace: bool) -> None:
    """Child process: one export to a temporary file; prints its figures."""
    if trace:
        import tracemalloc

        tracemalloc.start()
    collector = CollectorClock()
    dataset = get_dataset("survey_responses")
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        rows = WRITERS[fmt](dataset.sheets(dataset.clean_params({"campaign": slug})), out)
        size = out.tell()
    elapsed = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    maxrss_mb = usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime  # this process only (not PostgreSQL's)
    line = f"{fmt:5} {rows} rows  {elapsed:6.1f} s  {size / 1e6:6.1f} MB file"
    line += f"  cpu {cpu:.1f} s  maxrss {maxrss_mb:.0f} MB"
    line += f"  gc {collector.collections} collections, cpu {collector.seconds:.1f} s"
    if trace:
        line += f"  tracemalloc peak {tracemalloc.get_traced_memory()[1] / 1e6:.0f} MB"
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--formats", default="csv,xlsx,ods")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("SLUG", "FORMAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        export(*args.child, trace=args.tracemalloc)
        return
    call_command("migrate", verbosity=0)
    slug = f"bench-export-{args.responses}"
    campaign = generate(slug, args.responses, args.questions)
    print(
        f"campaign {campaign.slug}: {campaign.responses.count()} responses x "
        f"{campaign.version.question_count} questions"
    )
    for fmt in args.formats.split(","):
        command = [sys.executable, __file__, "--child", slug, fmt]
        if args.tracemalloc:
            command.append("--tracemalloc")
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
