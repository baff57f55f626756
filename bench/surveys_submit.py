"""100 concurrent API clients submit 10,000 survey responses to PostgreSQL through gunicorn,
10% of them sent twice (same instance_id and answers); prints responses per second and
p50/p95 latency and checks that exactly 10,000 responses are stored, none duplicated.
It also prints the CPU time the server spent per request (gunicorn workers and their
PostgreSQL connections, read from /proc), which other work on the machine changes far less
than the rates (it still grows on a busy machine: compare runs made side by side).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/approdo_bench
    .venv/bin/python bench/surveys_submit.py

Loopback only (127.0.0.1); the whole run is bounded by --deadline seconds.
"""

import argparse
import asyncio
import copy
import datetime
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {
    "DJANGO_SETTINGS_MODULE": "approdo.settings",
    "SECRET_KEY": "bench",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "127.0.0.1",
    "APPRODO_SSL_REDIRECT": "0",
    "APPRODO_API_RATE_LIMIT": str(10**9),
    # Each worker keeps its connection for the whole run, so that the CPU time of the
    # PostgreSQL processes serving it can be read at the end.
    "APPRODO_CONN_MAX_AGE": "3600",
}
for key, value in ENV.items():
    os.environ.setdefault(key, value)
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("Set DATABASE_URL to a PostgreSQL database (it is migrated and written to).")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from approdo.api.actions import create_token  # noqa: E402
from approdo.organizations.models import Membership, Organization, User  # noqa: E402
from approdo.surveys import actions  # noqa: E402
from approdo.surveys.demo import FORM, RESPONSES  # noqa: E402
from approdo.surveys.models import SurveyResponse  # noqa: E402


def encode(port: int, path: str, token: str, body: dict) -> bytes:
    """The whole HTTP request, built before the clock starts so that the clients spend their
    CPU on sending and reading, not on JSON."""
    payload = json.dumps(body).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + payload


async def send(port: int, request: bytes) -> int:
    """One request on its own connection (gunicorn's sync workers close it after answering)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        status_line = await reader.readline()
        await reader.read()  # headers and body, until the server closes
        return int(status_line.split()[1])
    finally:
        writer.close()


async def send_all(port: int, requests_: list[bytes], clients: int, deadline: float):
    """`clients` concurrent clients (coroutines: a Python thread per client would take the CPU
    the server needs on a two-core machine) sending the requests in order."""
    latencies: list[float] = []
    codes: dict[int, int] = {}
    position = iter(range(len(requests_)))
    stop = time.monotonic() + deadline

    async def client() -> None:
        for index in position:
            if time.monotonic() > stop:
                return
            start = time.perf_counter()
            try:
                code = await asyncio.wait_for(send(port, requests_[index]), timeout=60)
            except (OSError, TimeoutError, ValueError, IndexError):
                code = -1
            latencies.append(time.perf_counter() - start)
            codes[code] = codes.get(code, 0) + 1

    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, codes


def wait_until_up(port: int) -> None:
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(
                    b"GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                )
                if b" 200 " in sock.recv(64):
                    return
        except OSError:
            pass
        time.sleep(0.3)
    sys.exit("The server did not start.")


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU time of each process (Linux /proc; a vanished process is left out)."""
    tick = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / tick
    return seconds


def server_pids(master: int) -> tuple[list[int], list[int]]:
    """(gunicorn worker pids, pids of the PostgreSQL connections to this database)."""
    from django.db import connection

    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        backends = [row[0] for row in cursor.fetchall()]
    return [int(pid) for pid in children], backends


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def generate(run: str, clients: int):
    """A campaign open to every organisation (many responses each) and one organisation,
    member and API token per client."""
    with FORM.open("rb") as file:
        campaign = actions.import_xlsform(
            file,
            filename=FORM.name,
            campaign_slug=f"bench-{run}",
            title=f"Bench {run}",
            opens_at=timezone.now() - datetime.timedelta(days=1),
            closes_at=timezone.now() + datetime.timedelta(days=30),
        )
    campaign.open_to_all = True
    campaign.many_responses = True
    campaign.save()
    tokens = []
    for n in range(clients):
        organization = Organization.objects.create(name=f"Bench {run} {n}", kind="associazione")
        user = User.objects.create_user(email=f"bench-{run}-{n}@example.org", password=None)
        Membership.objects.create(user=user, organization=organization, role="org_member")
        _token, plaintext = create_token(user, name="bench")
        tokens.append((organization.pk, plaintext))
    return campaign, tokens


def payloads(total: int, tokens: list, resend_share: float) -> list[tuple[int, dict]]:
    """(client, body) to send: `total` distinct responses, a share of them twice, shuffled."""
    base = next(answers for name, status, answers in RESPONSES if status == "submitted")
    jobs = []
    for n in range(total):
        client = n % len(tokens)
        answers = copy.deepcopy(base)
        answers["titolo"] = f"Progetto di prova numero {n}"
        answers["beneficiari_totale"] = str(random.randint(310, 900))
        body = {
            "instance_id": str(uuid.uuid4()),
            "organization": tokens[client][0],
            "answers": answers,
            "submit": True,
        }
        jobs.append((client, body))
    resent = random.sample(jobs, int(total * resend_share))
    jobs.extend(resent)
    random.shuffle(jobs)
    return jobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--resend", type=float, default=0.10)
    parser.add_argument("--deadline", type=float, default=600, help="seconds for the run")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    run = timezone.now().strftime("%Y%m%d%H%M%S")
    campaign, tokens = generate(run, args.clients)
    jobs = payloads(args.responses, tokens, args.resend)

    port = free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "approdo.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    try:
        wait_until_up(port)
        time.sleep(3)  # every worker has booted: its start-up is not counted below
        workers, backends = server_pids(server.pid)
        cpu_before = cpu_seconds(workers), cpu_seconds(backends)
        path = f"/api/v1/campaigns/{campaign.slug}/responses"
        requests_ = [encode(port, path, tokens[owner][1], body) for owner, body in jobs]
        started = time.perf_counter()
        latencies, codes = asyncio.run(send_all(port, requests_, args.clients, args.deadline))
        wall = time.perf_counter() - started
        workers, backends = server_pids(server.pid)
        python_cpu = cpu_used(cpu_before[0], cpu_seconds(workers))
        database_cpu = cpu_used(cpu_before[1], cpu_seconds(backends))
    finally:
        server.terminate()
        server.wait(timeout=30)

    stored = SurveyResponse.objects.filter(campaign=campaign)
    distinct = stored.values("instance_id").distinct().count()
    latencies.sort()
    print(f"requests sent:       {len(latencies)} ({args.clients} clients, {args.workers} workers)")
    print(f"status codes:        {dict(sorted(codes.items()))}")
    print(f"wall time:           {wall:.1f} s")
    print(f"requests/s:          {len(latencies) / wall:.0f}")
    print(f"new responses/s:     {codes.get(201, 0) / wall:.0f}")
    print(f"latency p50:         {statistics.median(latencies) * 1000:.0f} ms")
    print(f"latency p95:         {latencies[int(len(latencies) * 0.95)] * 1000:.0f} ms")
    sent = max(len(latencies), 1)
    print(
        f"server CPU/request:  {python_cpu / sent * 1000:.1f} ms Python (workers), "
        f"{database_cpu / sent * 1000:.1f} ms PostgreSQL (their connections)"
    )
    print(f"stored:              {stored.count()} (distinct instance ids {distinct})")
    ok = stored.count() == args.responses == distinct and codes.get(201) == args.responses
    print("RESULT:", "OK" if ok else "MISMATCH")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
