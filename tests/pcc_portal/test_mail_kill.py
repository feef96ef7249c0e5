"""Decision 15's kill test: a 1,000-recipient send through a real Celery worker into a local SMTP
sink, the worker killed (SIGKILL, its whole process group) three times along the way and started
again each time. Every recipient must get the email, and the copies beyond one each must number no
more than the kills. It runs twice: 1,000 single emails (`send_email`, a task each) and one bulk
mailing to 1,000 addresses (`send_bulk`, batches over one SMTP connection, decision 42).

Each kill lands at the one moment that makes a duplicate: the sink has recorded the message and
holds back its "250 OK", so the row stays "sending" although the email has gone. Kills at other
moments make no second copy: the worker has nothing in hand, or the email has not gone yet, or the
row is already sent, or (killed inside the claim's transaction) the row is still "pending" with
its task unacknowledged, which the sweep queues again only five minutes past due, too late for a
test of this length.

How a stranded row comes back: in production through the sweep (`sweep_outbound_messages`, every
five minutes), once its claim is older than CELERY_TASK_TIME_LIMIT plus a minute; for a bulk
mailing the sweep also queues a batch for it, since the killed batch took its rows' task with it
(the rest of the claimed chunk comes back too, sent once, having never gone). The task the
killed worker held also returns from Redis when the broker's visibility timeout runs out, but that
is six times the time limit, an hour in production, so the sweep is the path relied on. Here the
worker and the test use a 10-second time limit (claims stale after 70 s, the real rule), the
worker's visibility timeout is set back to production's hour, and the test runs the sweep every
few seconds where beat would every five minutes.

Heavy (about 90 seconds, most of it waiting for the claims to go stale): it runs once, in the
PostgreSQL and Redis pass (PORTAL_FULL_SUITE=1).
It talks only to 127.0.0.1: the sink, and the PostgreSQL and Redis the pass names.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction

from pcc_portal.celery import app
from pcc_portal.mail.services import BulkRecipient, send_bulk, send_email
from pcc_portal.models import BulkDelivery, OfficeProfile, OutboundMessage
from pcc_portal.tasks import sweep_outbound_messages
from tests.pcc_portal.smtp_sink import HOST, SMTPSink

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(
        not os.environ.get("PORTAL_FULL_SUITE"),
        reason="the worker-kill test runs once, in the full (PostgreSQL and Redis) pass: "
        "set PORTAL_FULL_SUITE=1",
    ),
]

Status = OutboundMessage.Status
RECIPIENTS = 1000
KILL_AT = (150, 450, 750)  # kill when the sink holds the 150th, 450th and 750th distinct message
TEMPLATE = "tests/email/newsletter"
QUEUE = "pcc-portal-mail-kill-test"  # the test's own queue: no other test's leftovers
TIME_LIMIT = 10  # seconds; services.stale_after() is then 70 s
VISIBILITY_TIMEOUT = 3600  # production's: 6 x the default 600-second time limit
SWEEP_EVERY = 3  # seconds
WITHIN = 240  # seconds for the whole send, kills and sweeps included
WORKER_SETTINGS = '''\
"""Written by tests/pcc_portal/test_mail_kill.py for the worker it starts."""

from pcc_portal.settings.test import *  # noqa: F403

TEMPLATES = [{{**TEMPLATES[0], "DIRS": [{templates!r}, *TEMPLATES[0]["DIRS"]]}}]  # noqa: F405
# test.py keeps mail in memory; this worker talks SMTP to the sink (EMAIL_HOST and EMAIL_PORT).
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CELERY_TASK_ROUTES = {{"pcc_portal.tasks.*": {{"queue": {queue!r}}}}}
CELERY_BROKER_TRANSPORT_OPTIONS = {{"visibility_timeout": {visibility}}}
'''


# The rows each kind of send writes: one outbound email per recipient, or one bulk delivery.
ROWS = {"single": OutboundMessage, "bulk": BulkDelivery}


@pytest.mark.timeout(WITHIN + 120)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("kind", ["single", "bulk"])
def test_killed_workers_lose_no_email_and_send_at_most_one_copy_too_many_each(
    tmp_path, settings, kind
):
    rows_of = ROWS[kind]
    templates = _write_templates(tmp_path / "templates")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [templates, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    settings.CELERY_TASK_TIME_LIMIT = TIME_LIMIT  # the sweep's idea of stale, as the worker's
    # Batches side by side (one at a time on the one worker process): a kill stops one of them.
    settings.BULK_EMAIL_SENDERS = 4
    (tmp_path / "mail_kill_settings.py").write_text(
        WORKER_SETTINGS.format(
            templates=str(templates), queue=QUEUE, visibility=VISIBILITY_TIMEOUT
        ),
        encoding="utf-8",
    )
    OfficeProfile.objects.create(
        office_name="Office of the Commissioner for Anyshire",
        area_name="Anyshire",
        holder_title="Commissioner",
    )
    routes, eager = app.conf.task_routes, app.conf.task_always_eager
    app.conf.update(task_routes={"pcc_portal.tasks.*": {"queue": QUEUE}}, task_always_eager=False)
    _clear_queue()
    kills, held, requeued, worker = 0, [], 0, None
    try:
        with SMTPSink(hold_at=KILL_AT) as sink:
            with transaction.atomic():
                _send(kind)
            # Committed: 1,000 deliveries (or the mailing's batches) are queued.
            started = time.monotonic()
            deadline = started + WITHIN
            env = _worker_env(tmp_path, sink.port)
            worker = _start_worker(env, tmp_path, 1)
            for threshold in KILL_AT:
                message_id = _wait_for_hold(sink, worker, deadline, threshold, tmp_path, rows_of)
                _kill(worker)
                kills += 1
                held.append(message_id)
                sink.release()
                worker = _start_worker(env, tmp_path, kills + 1)
            # Beat's sweep, every few seconds instead of five minutes: the only way back for the
            # rows the kills left "sending" (the broker's visibility timeout is an hour).
            last_sweep = 0.0
            while rows_of.objects.exclude(status=Status.SENT).exists():
                _check(worker, deadline, "every message to be sent", sink, tmp_path, rows_of)
                if time.monotonic() - last_sweep >= SWEEP_EVERY:
                    requeued += sweep_outbound_messages()
                    last_sweep = time.monotonic()
                time.sleep(0.2)
            seconds = time.monotonic() - started
            _stop(worker)
            received = sink.snapshot()
            unacknowledged = _clear_queue()
    finally:
        if worker is not None:
            _kill(worker)
        _clear_queue()
        app.conf.update(task_routes=routes, task_always_eager=eager)

    rows = dict(rows_of.objects.values_list("message_id", "to_email"))
    copies = Counter(message.message_id for message in received)
    duplicates = len(received) - RECIPIENTS
    print(
        f"\nmail kill test ({kind}): {kills} kills, {len(received)} messages received for "
        f"{RECIPIENTS} recipients, {len(copies)} unique Message-IDs, {duplicates} duplicates, "
        f"{requeued} requeued by the sweep, {unacknowledged} tasks left unacknowledged by "
        f"killed workers, {seconds:.1f} s"
    )
    assert Counter(rows_of.objects.values_list("status", flat=True)) == {Status.SENT: RECIPIENTS}
    assert len(rows) == RECIPIENTS
    assert set(copies) == set(rows), "some recipient did not get the email"
    assert {(message.message_id, message.recipients) for message in received} == {
        (message_id, (to,)) for message_id, to in rows.items()
    }
    assert duplicates <= kills
    # Each kill came after its message was delivered: the sweep sent it again, same Message-ID.
    assert [copies[message_id] for message_id in held] == [2] * kills
    assert requeued >= kills
    for message in received:
        number = int(message.recipients[0].removeprefix("resident").partition("@")[0])
        assert f"Dear Resident {number},".encode() in message.raw


def _send(kind: str) -> None:
    if kind == "single":
        for number in range(RECIPIENTS):
            send_email(
                to=f"resident{number:04d}@example.org",
                subject="Community newsletter, issue 7",
                template=TEMPLATE,
                context={"name": f"Resident {number}", "issue": 7},
            )
    else:
        send_bulk(
            subject="Community newsletter, issue 7",
            template=TEMPLATE,
            context={"issue": 7},
            recipients=[
                BulkRecipient(
                    f"resident{number:04d}@example.org",
                    {"name": f"Resident {number}"},
                    f"https://portal.example.org/newsletter/unsubscribe/{number}/",
                )
                for number in range(RECIPIENTS)
            ],
        )


def _write_templates(folder: Path) -> Path:
    emails = folder / "tests" / "email"
    emails.mkdir(parents=True)
    (emails / "newsletter.txt").write_text(
        "Dear {{ name }},\n\nIssue {{ issue }} of our newsletter.\n\n{{ office.office_name }}\n",
        encoding="utf-8",
    )
    (emails / "newsletter.html").write_text(
        "<p>Dear {{ name }},</p><p>Issue {{ issue }} of our newsletter.</p>"
        "<p>{{ office.office_name }}</p>",
        encoding="utf-8",
    )
    return folder


def _worker_env(tmp_path: Path, smtp_port: int) -> dict[str, str]:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")])),
        "DJANGO_SETTINGS_MODULE": "mail_kill_settings",
        "SECRET_KEY": django_settings.SECRET_KEY,
        "DEBUG": "0",
        # The test database this test is using, not the one DATABASE_URL names.
        "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or HOST}:{db['PORT'] or 5432}/"
        + quote(db["NAME"], safe=""),
        "REDIS_URL": os.environ["REDIS_URL"],
        "EMAIL_HOST": HOST,
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_USE_SSL": "0",
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_TIMEOUT": "10",
        "EMAIL_RATE_PER_MINUTE": "100000",
        "CELERY_TASK_TIME_LIMIT": str(TIME_LIMIT),
        "CELERY_TASK_SOFT_TIME_LIMIT": str(TIME_LIMIT - 2),
    }


def _start_worker(env: dict[str, str], tmp_path: Path, number: int) -> subprocess.Popen:
    # The production pool, one process: one delivery in hand at a time, so a kill strands at
    # most one sent message. A session of its own, so that killpg reaches the pool's child too.
    with open(tmp_path / f"worker-{number}.log", "wb") as log:
        return subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "pcc_portal",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "-Q",
                QUEUE,
                "-n",
                f"mail-kill-{number}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
            ],
            env=env,
            cwd=django_settings.BASE_DIR,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _wait_for_hold(
    sink: SMTPSink, worker, deadline: float, threshold: int, logs: Path, rows_of
) -> str:
    while True:
        _check(
            worker, deadline, f"the sink to receive its {threshold}th message", sink, logs, rows_of
        )
        message_id = sink.wait_for_hold(timeout=0.5)
        if message_id is not None:
            return message_id


def _check(
    worker, deadline: float, waiting_for: str, sink: SMTPSink, logs: Path, rows_of=OutboundMessage
) -> None:
    """Fail, with what the sink and the rows show and the worker's last words, if the worker has
    died by itself or time is up."""
    if worker.poll() is not None:
        problem = f"the worker stopped by itself (exit {worker.returncode})"
    elif time.monotonic() > deadline:
        problem = f"gave up after {WITHIN} s waiting for {waiting_for}"
    else:
        return
    statuses = dict(Counter(rows_of.objects.values_list("status", flat=True)))
    tails = "\n".join(
        f"--- {log.name}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-20:])
        for log in sorted(logs.glob("worker-*.log"))
    )
    pytest.fail(
        f"{problem}: the sink has {sink.count()} messages ({sink.distinct()} unique); rows "
        f"{statuses}\n{tails}"
    )


def _kill(worker: subprocess.Popen) -> None:
    """SIGKILL the worker and its pool. Only while it is not yet reaped: until then its process
    group id cannot belong to anyone else."""
    if worker.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)


def _stop(worker: subprocess.Popen) -> None:
    """A warm shutdown, as a deploy would do; killed if it takes too long."""
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        _kill(worker)


def _clear_queue() -> int:
    """Empty the test's queue, and drop the deliveries killed workers left unacknowledged on it,
    which Redis would otherwise hand back to a worker of a later run an hour from now. Returns
    how many of those there were."""
    dropped = 0
    with app.connection_for_write() as broker:
        channel = broker.default_channel
        channel.queue_purge(QUEUE)
        client = channel.client
        for tag, value in client.hscan_iter(channel.unacked_key):
            if json.loads(value)[-1] == QUEUE:  # kombu keeps [message, exchange, routing key]
                client.zrem(channel.unacked_index_key, tag)
                client.hdel(channel.unacked_key, tag)
                dropped += 1
    return dropped
