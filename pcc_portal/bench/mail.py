"""Bulk email in `make bench` (decision 42): a mailing to 20,000 addresses through SMTP.

The measure starts a local SMTP sink (aiosmtpd, in a thread of its own process) and two Celery
workers (solo pool, each taking the "celery" and "bulk" queues, as `make run`'s does) under the
bench settings, with the SMTP backend pointed at the sink and the rate cap raised out of the
way. It writes the mailing with `send_bulk`, and once a few thousand have gone asks for a
password reset as a person would. The budgets: at least 200 emails a second from the commit to
the mailing's end; every address receives exactly one copy (no worker is killed, so there must
be no duplicate); the password reset leaves within 5 seconds of being asked for, while the
newsletter sends; and the peak resident memory of each worker.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from email.parser import BytesHeaderParser
from pathlib import Path

from django.conf import settings
from django.db import transaction

from pcc_portal.registry import BenchCheck, BenchScenario

RECIPIENTS = 20_000
WORKERS = 2
RATE_BUDGET = 200  # emails a second
RESET_BUDGET_SECONDS = 5.0
MEMORY_BUDGET_MB = 300
WITHIN = 600  # seconds for the whole mailing before the measure gives up
RESET_AFTER = 2_000  # sent, before the password reset is asked for
TEMPLATE = "pcc_portal/email/bulk_notice"
READER = "bench.reader@example.invalid"
HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[2]


class Sink:
    """An SMTP server on 127.0.0.1 that counts the Message-IDs it is given, and keeps nothing
    else."""

    def __init__(self):
        self.copies: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._controller = None
        self.port = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message_id = BytesHeaderParser().parsebytes(envelope.content).get("Message-ID", "")
        with self._lock:
            self.copies[message_id] += 1
        return "250 OK"

    def __enter__(self):
        from aiosmtpd.controller import Controller

        class BoundController(Controller):
            def __init__(self, handler, *, sock, port):
                super().__init__(handler, hostname=HOST, port=port, server_hostname="sink.local")
                self._sock = sock

            def _create_server(self):
                return self.loop.create_server(self._factory_invoker, sock=self._sock)

        # Bound here, with IPPROTO_TCP named so that asyncio sets TCP_NODELAY (see
        # tests/pcc_portal/smtp_sink.py): otherwise each reply of several lines waits 40 ms.
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.bind((HOST, 0))
        self.port = self._socket.getsockname()[1]
        self._controller = BoundController(self, sock=self._socket, port=self.port)
        self._controller.start()
        return self

    def __exit__(self, *exc_info):
        if self._controller is not None:
            self._controller.stop()
        if self._socket is not None:
            self._socket.close()
        return False

    def snapshot(self) -> Counter[str]:
        with self._lock:
            return Counter(self.copies)


def _start_worker(number: int, port: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": HOST,
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_USE_SSL": "0",
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_TIMEOUT": "10",
        "EMAIL_RATE_PER_MINUTE": "1000000",  # raised for the bench
    }
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "pcc_portal",
                "worker",
                "--pool=solo",
                "-Q",
                "celery,bulk",
                "-n",
                f"bench-mail-{number}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
            ],
            env=env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _peak_mb(process: subprocess.Popen) -> float:
    """A running process's peak resident memory (Linux's VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)


def measure_bulk_send(*, recipients: int = RECIPIENTS, **_) -> list[BenchCheck]:
    from pcc_portal.mail.services import BulkRecipient, send_bulk
    from pcc_portal.models import BulkMailing, OutboundMessage, User
    from pcc_portal.password_reset import send_password_reset

    reader, _ = User.objects.get_or_create(email=READER, defaults={"full_name": "Bench Reader"})
    site = settings.SITE_URL.rstrip("/")
    log = Path(os.environ.get("BENCH_MAIL_LOG", "/tmp/bench-mail-workers.log"))  # noqa: S108
    workers: list[subprocess.Popen] = []
    with Sink() as sink:
        try:
            workers = [_start_worker(number, sink.port, log) for number in range(WORKERS)]
            time.sleep(3)  # the workers connect before the clock starts
            with transaction.atomic():
                mailing = send_bulk(
                    subject="Community newsletter (bench)",
                    template=TEMPLATE,
                    context={
                        "heading": "News from the office",
                        "body": "What the office did this week, and what comes next.",
                    },
                    recipients=(
                        BulkRecipient(
                            f"reader{number:06d}@example.invalid",
                            {"name": f"Reader {number}"},
                            f"{site}/newsletter/unsubscribe/bench-{number}/",
                        )
                        for number in range(recipients)
                    ),
                )
            started = time.monotonic()
            deadline = started + WITHIN
            reset = None
            peaks = [0.0] * len(workers)
            while time.monotonic() < deadline:
                mailing.refresh_from_db(fields=["status"])
                if mailing.status == BulkMailing.Status.DONE:
                    break
                if any(worker.poll() is not None for worker in workers):
                    raise SystemExit(f"A bench mail worker stopped by itself; see {log}")
                if reset is None and mailing.progress()["sent"] >= min(
                    RESET_AFTER, recipients // 4
                ):
                    reset = send_password_reset(user=reader)
                peaks = [max(peak, _peak_mb(w)) for peak, w in zip(peaks, workers, strict=True)]
                time.sleep(0.2)
            seconds = time.monotonic() - started
            if reset is not None:
                reset_deadline = time.monotonic() + 60
                while time.monotonic() < reset_deadline:
                    reset.refresh_from_db()
                    if reset.status == OutboundMessage.Status.SENT:
                        break
                    time.sleep(0.1)
            peaks = [max(peak, _peak_mb(w)) for peak, w in zip(peaks, workers, strict=True)]
        finally:
            for worker in workers:
                _stop(worker)
        received = sink.snapshot()

    progress = mailing.progress()
    ours = set(mailing.deliveries.values_list("message_id", flat=True))
    copies = sum(received[message_id] for message_id in ours)
    unique = sum(1 for message_id in ours if received[message_id])
    rate = progress["sent"] / seconds if seconds else 0.0
    done = mailing.status == BulkMailing.Status.DONE
    if reset is not None and reset.sent_at is not None:
        waited = (reset.sent_at - reset.created_at).total_seconds()
        during = mailing.deliveries.filter(sent_at__gt=reset.sent_at).exists()
        reset_figure = f"{waited:.2f} s" + ("" if during else " (after the newsletter ended)")
        reset_passed = waited < RESET_BUDGET_SECONDS and during
    else:
        reset_figure, reset_passed = "not sent", False
    return [
        BenchCheck(
            name=f"Newsletter to {recipients:,} addresses: emails a second",
            figure=f"{rate:,.0f} a second ({progress['sent']:,} in {seconds:.1f} s)",
            budget=f"at least {RATE_BUDGET} a second",
            passed=done and rate >= RATE_BUDGET,
            note=(
                f"{WORKERS} workers (solo pool, queues celery and bulk), SMTP to a local aiosmtpd "
                f"sink, the rate cap raised; from the commit to the mailing's end; "
                f"{progress['failed']} failed, {progress['remaining']} left"
            ),
        ),
        BenchCheck(
            name="Newsletter: copies received",
            figure=f"{unique:,} addresses, {copies:,} messages, {copies - unique} duplicates",
            budget=f"{recipients:,} addresses, no duplicate",
            passed=unique == recipients and copies == recipients,
            note="no worker was killed, so each Message-ID must arrive once",
        ),
        BenchCheck(
            name="Password reset asked for during the newsletter: waited",
            figure=reset_figure,
            budget=f"under {RESET_BUDGET_SECONDS:.0f} s, before the newsletter ends",
            passed=reset_passed,
            note=(
                "from writing the row to its SMTP call's end; the same workers take single "
                "mail between the newsletter's batches"
            ),
        ),
        BenchCheck(
            name="Newsletter: peak worker memory",
            figure=" and ".join(f"{peak:.0f} MB" for peak in peaks),
            budget=f"under {MEMORY_BUDGET_MB} MB each",
            passed=bool(peaks) and max(peaks) < MEMORY_BUDGET_MB,
            note="each worker's peak resident memory (VmHWM), Python, Django and Celery included",
        ),
    ]


SCENARIO = BenchScenario(
    key="pcc_portal",
    title="Bulk email",
    about=(
        f"A newsletter to {RECIPIENTS:,} addresses through `send_bulk`: batches over one SMTP "
        f"connection each, sent by {WORKERS} Celery workers into a local SMTP sink (aiosmtpd) "
        "with `EMAIL_RATE_PER_MINUTE` raised out of the way; a password reset is asked for "
        f"once {RESET_AFTER:,} have gone. See `pcc_portal/bench/mail.py`."
    ),
    measures=(measure_bulk_send,),
)
