import logging
import time

from django.core.management import BaseCommand
from django.db import InterfaceError, OperationalError, connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from approdo.core.faults import discard_connection, is_lost_connection
from approdo.core.workers import HeartbeatThread, beat, forget
from approdo.reports.actions import recover_stale_exports, resume_interrupted_export

logger = logging.getLogger("approdo.worker")

EXPORT_TASK = "approdo.reports.tasks.build_export"


class ReconnectingWorker(Worker):
    """django-tasks' database worker that remembers the task it was running when its database
    connection was lost (the task's result could not be saved either)."""

    interrupted: DBTaskResult | None = None

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.interrupted = db_task_result
        super().run_task(db_task_result)  # raises only when the result cannot be saved
        self.interrupted = None


class Command(BaseCommand):
    help = (
        "Run background tasks (the django-tasks database worker; options after -- go to "
        "db_worker). Exports left running by a worker that died are queued again first. "
        "A lost database connection does not stop the worker: it reconnects with backoff, "
        "and the task it interrupted is marked failed (an export is queued again). "
        "The worker beats a heartbeat row every few seconds, shown by /api/v1/status and the "
        "admin."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-backoff",
            type=float,
            default=30.0,
            help="Longest wait in seconds between attempts to reach the database (default 30).",
        )
        parser.add_argument("args", nargs="*", help="Options passed to db_worker, after --.")

    def handle(self, *args, **options):
        worker_options = vars(DbWorkerCommand().create_parser("approdo", "worker").parse_args(args))
        worker_options.pop("reload", None)  # a supervisor restarts us; no reloader
        worker_id = worker_options["worker_id"]
        self.max_backoff = options["max_backoff"]
        DbWorkerCommand(stdout=self.stdout, stderr=self.stderr).configure_logging(
            options["verbosity"]
        )
        heartbeat = HeartbeatThread(worker_id)
        heartbeat.start()
        try:
            self.wait_for_database()
            if recovered := recover_stale_exports():
                self.stdout.write(f"Stale exports queued again or failed: {recovered}")
            self.run_worker(worker_options)
        finally:
            heartbeat.stop()
            heartbeat.join(timeout=5)  # its last beat must not come after forget()
            try:
                forget(worker_id)
            except (OperationalError, InterfaceError):
                pass

    def run_worker(self, worker_options: dict) -> None:
        keys = (
            "queue_names",
            "interval",
            "batch",
            "backend_name",
            "startup_delay",
            "max_tasks",
            "worker_id",
            "excluded_queue_names",
        )
        worker_options["queue_names"] = worker_options.pop("queue_name").split(",")
        exclude = worker_options.pop("exclude_queues")
        worker_options["excluded_queue_names"] = exclude.split(",") if exclude else []
        while True:
            worker = ReconnectingWorker(**{key: worker_options[key] for key in keys})
            worker.configure_signals()
            try:
                worker.run()
                return  # --batch or --max-tasks done, or asked to stop
            except (OperationalError, InterfaceError) as error:
                if not is_lost_connection(error):
                    raise
                logger.warning("Worker: database connection lost (%s); reconnecting", error)
                discard_connection()
                self.wait_for_database()
                beat(worker_options["worker_id"], reconnected=True)
                self.resume(worker.interrupted, error)

    def wait_for_database(self) -> None:
        """Block until a query succeeds, waiting 0.5 s, 1 s, 2 s, ... up to --max-backoff."""
        delay = 0.5
        while True:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
                return
            except (OperationalError, InterfaceError) as error:
                discard_connection()
                logger.warning(
                    "Worker: database unreachable (%s); next try in %.1f s", error, delay
                )
                time.sleep(delay)
                delay = min(delay * 2, self.max_backoff)

    def resume(self, interrupted: DBTaskResult | None, error: BaseException) -> None:
        """The task that was running when the connection was lost did not finish: its result
        is marked failed with the error, and an export is queued again."""
        if interrupted is None:
            return
        try:
            interrupted.refresh_from_db()
        except DBTaskResult.DoesNotExist:
            return
        if interrupted.status == "RUNNING":
            interrupted.set_failed(error)
        if interrupted.task_path == EXPORT_TASK and interrupted.args_kwargs.get("args"):
            export_id = interrupted.args_kwargs["args"][0]
            if resume_interrupted_export(export_id):
                self.stdout.write(f"Export {export_id} queued again after a lost connection")
