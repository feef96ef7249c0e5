"""Consultations in `make bench`: the public pages, a response sent, and results at volume.

The budgets: the plan and an open consultation's page as fast as any public page (decision 35,
measured in the public pages' table); a response sent in under 150 ms at the 95th percentile
with 20 people sending at once, and exactly one response stored for each one accepted; the
results page of a consultation with 100,000 responses in under a second; and its CSV export
streamed in under 150 MB.

`prepare` tops the open consultation with the most questions up to the volume asked for, with
responses generated as the demo's are (consultations/demo.py) and written in bulk: PostgreSQL's
COPY where the database has it, so 100,000 responses take a minute, not a quarter of an hour.
Each measure then runs in a process of its own under the bench settings (pcc_portal/bench), with
the portal serving, and reads the bench database to check what the portal stored.
"""

from __future__ import annotations

import http.client
import io
import json
import random
import re
import resource
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from importlib import import_module
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection, transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from pcc_portal.models import User
from pcc_portal.registry import BenchCheck, BenchScenario
from pcc_portal.roles import ENGAGEMENT_OFFICER
from pcc_portal.services import set_roles

from . import demo
from .answering import field_name, questions_to_ask
from .exports import csv_lines, response_rows
from .forms import YES, place_choices
from .models import Answer, Consultation, Question, Response
from .results import Selection

RESULTS_BUDGET_SECONDS = 1.0
RESULTS_RUNS = 5
EXPORT_BUDGET_MB = 150
POST_BUDGET_P95_MS = 150
# Responses written per transaction while seeding: a few tens of megabytes of rows in memory.
BATCH = 5000
SEED = "bench"
ANALYST_EMAIL = "bench.analyst@example.invalid"
OPEN_NOW = re.compile(r'id="open-now"(.*?)id="upcoming"', re.DOTALL)
LINK = re.compile(r'href="(/consultations/[\w-]+/)"')
HIDDEN = 'name="{name}" value="([^"]*)"'
COMMENTS = (
    "Please do something about the speeding outside the school at drop-off time.",
    "A lower limit means nothing without enforcement.",
    "I support it for residential streets but not for the main road.",
    "",
)


# --- Which consultation, and seeding it -------------------------------------------------------


def bench_consultation() -> Consultation:
    """The open consultation with the most questions that is not sensitive, so the seeded
    answers and the posts touch every kind of question it can; the same one for every step."""
    consultation = (
        Consultation.objects.open()
        .filter(sensitive=False)
        .annotate(asked=Count("questions"))
        .order_by("-asked", "pk")
        .first()
    )
    if consultation is None:
        raise SystemExit("No open consultation to measure: load the demo data first.")
    return consultation


def _profile(consultation: Consultation) -> demo.Demo:
    """How the generated people answer: the demo's own weights for a demo consultation,
    evenly otherwise."""
    for known in demo.DEMOS:
        if known.slug == consultation.slug:
            return known
    return demo.Demo(
        slug=consultation.slug,
        title=consultation.title,
        summary="",
        why="",
        can_change="",
        cannot_change="",
        audience="",
        activity_areas=(),
        asks=(),
        responses=0,
    )


def _copy_text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | dict):
        value = json.dumps(value)
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def _copy(model, rows: list, *, with_pk: bool) -> None:
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_text(getattr(row, f.attname)) for f in fields) + "\n")
    buffer.seek(0)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN", buffer)


def _write(responses: list[Response], answers: list[list[Answer]]) -> None:
    """One batch of responses and their answers, in one transaction."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # COPY takes no RETURNING, so the responses' ids are drawn from their sequence first.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [Response._meta.db_table, len(responses)],
                )
                for response, (pk,) in zip(responses, cursor.fetchall(), strict=True):
                    response.pk = pk
            _copy(Response, responses, with_pk=True)
        else:
            Response.objects.bulk_create(responses)
        rows = []
        for response, its_answers in zip(responses, answers, strict=True):
            for answer in its_answers:
                answer.response_id = response.pk
                rows.append(answer)
        if connection.vendor == "postgresql":
            _copy(Answer, rows, with_pk=False)
        else:
            Answer.objects.bulk_create(rows, batch_size=2000)


def seed_responses(
    *, consultation: Consultation, count: int, seed: str = SEED, batch: int = BATCH
) -> int:
    """Add `count` generated responses, with their answers, to the consultation; returns how
    many. Valid by construction, as the demo's are (demo._respond): required questions answered,
    choices from the question's own options, "show only if" questions only when shown, spread
    over its open window up to now, a few online ones suspect, the rest keyed in by its owner."""
    if count <= 0:
        return 0
    profile = _profile(consultation)
    chance = random.Random(f"{seed}:{consultation.slug}")  # noqa: S311  bench data
    places = demo.Places.load()
    questions = list(
        Question.objects.filter(consultation=consultation)
        .select_related("scale")
        .prefetch_related("options", "scale__points", "show_if_options")
        .order_by("position", "id")
    )
    start = timezone.localtime(consultation.opens_at)
    end = min(consultation.closes_at, timezone.now())
    channels, channel_weights = zip(*demo.CHANNELS, strict=True)
    made = 0
    while made < count:
        responses, answers = [], []
        for number in range(made, min(made + batch, count)):
            channel = chance.choices(channels, channel_weights)[0]
            response = Response(
                consultation=consultation,
                channel=channel,
                submitted_at=demo._moment(chance, start, end),
            )
            if channel == Response.Channel.ONLINE:
                response.client_key = f"{chance.getrandbits(128):032x}"
                if chance.random() < demo.SUSPECT_SHARE:
                    response.suspect = True
                    response.suspect_reasons = list(chance.choice(demo.SUSPECT_REASONS))
            else:
                response.keyed_in_by_id = consultation.owner_id
            answers.append(demo._respond(chance, profile, questions, response, places, number))
            responses.append(response)
        _write(responses, answers)
        made += len(responses)
    return made


def prepare(*, volume: int) -> None:
    """Top the bench consultation up to `volume` responses, then let the planner see them, as
    autovacuum would on a table that grew this much."""
    consultation = bench_consultation()
    missing = volume - consultation.responses.count()
    made = seed_responses(consultation=consultation, count=missing)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Response, Answer):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    print(f"{consultation.slug}: {made:,} responses added, {volume:,} in all", flush=True)


# --- Talking to the portal --------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    seconds: float

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")

    def cookies(self) -> dict[str, str]:
        found = {}
        for key, value in self.headers:
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                found[name.strip()] = rest.split(";", 1)[0]
        return found


def request(
    base_url: str, method: str, path: str, *, headers=None, body: bytes | None = None
) -> Reply:
    parts = urlsplit(base_url)
    began = time.perf_counter()
    link = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        link.request(method, path, body=body, headers=headers or {})
        reply = link.getresponse()
        content = reply.read()
        return Reply(reply.status, reply.getheaders(), content, time.perf_counter() - began)
    finally:
        link.close()


def staff_cookie() -> str:
    """A session for an engagement officer who has passed two-factor sign-in, as the Cookie
    header that carries it: the bench signs in as the test client does, without a form."""
    user = User.objects.filter(email=ANALYST_EMAIL).first()
    if user is None:
        user = User.objects.create_user(email=ANALYST_EMAIL, full_name="Bench analyst")
    set_roles(user=user, roles=[ENGAGEMENT_OFFICER])
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="Bench", confirmed=True
    )
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# --- The public pages -------------------------------------------------------------------------


def public_pages(get) -> list[tuple[str, str]]:
    """The plan, and the first consultation it lists as open now."""
    plan = reverse("consultations:list")
    status, _, body = get(plan)
    match = OPEN_NOW.search(body) if status == 200 else None
    link = LINK.search(match.group(1)) if match else None
    if link is None:
        raise SystemExit(f"{plan} lists no open consultation to measure.")
    return [("Consultations", plan), ("An open consultation", link.group(1))]


# --- The results page at volume ---------------------------------------------------------------


def measure_results_page(*, base_url: str, **_) -> list[BenchCheck]:
    consultation = bench_consultation()
    count = consultation.responses.count()
    path = reverse("consultations_staff:results", args=[consultation.pk])
    cookie = {"Cookie": staff_cookie()}
    first = request(base_url, "GET", path, headers=cookie)
    if first.status != 200:
        raise SystemExit(f"{path} answered {first.status} to a signed-in engagement officer.")
    times = [request(base_url, "GET", path, headers=cookie).seconds for _ in range(RESULTS_RUNS)]
    slowest = max(times)
    return [
        BenchCheck(
            name=f"Results page, {count:,} responses",
            figure=(
                f"{statistics.median(times):.2f} s median, {slowest:.2f} s slowest "
                f"of {RESULTS_RUNS}"
            ),
            budget=f"each under {RESULTS_BUDGET_SECONDS:.0f} s",
            passed=slowest < RESULTS_BUDGET_SECONDS,
            note=(
                f"`{path}` as a signed-in engagement officer, one GET after another; "
                f"the first, not counted, took {first.seconds:.2f} s"
            ),
        )
    ]


# --- The CSV export at volume -----------------------------------------------------------------


def _rss_mb() -> float:
    """This process's resident memory now (Linux)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize() / 2**20
    except OSError:
        return 0.0


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_csv_export(*, base_url: str, **_) -> list[BenchCheck]:
    consultation = bench_consultation()
    selection = Selection(with_suspect=True)
    # Warm the imports and the connection, so the rest is the export's own.
    consultation.responses.exists()
    at_rest = _rss_mb()
    began = time.perf_counter()
    lines = size = 0
    rows = response_rows(consultation=consultation, selection=selection, include_emails=True)
    for line in csv_lines(rows):
        lines += 1
        size += len(line.encode())
    seconds = time.perf_counter() - began
    peak = _peak_rss_mb()
    written = max(0, lines - 2)  # the byte-order mark and the header

    path = reverse("consultations_staff:export_csv", args=[consultation.pk])
    parts = urlsplit(base_url)
    link = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    began = time.perf_counter()
    link.request("GET", path, headers={"Cookie": staff_cookie()})
    reply = link.getresponse()
    first_bytes = reply.read(1)
    until_first = time.perf_counter() - began
    served = len(first_bytes)
    while chunk := reply.read(2**16):
        served += len(chunk)
    served_in = time.perf_counter() - began
    # Built whole, the body would come with its length; streamed, gunicorn sends it in chunks.
    streamed = reply.status == 200 and reply.getheader("Content-Length") is None
    encoding = reply.getheader("Transfer-Encoding") or "none"
    link.close()
    return [
        BenchCheck(
            name=f"CSV export, {written:,} responses: peak memory",
            figure=(
                f"{peak:.0f} MB peak ({peak - at_rest:.0f} MB over the {at_rest:.0f} MB at rest)"
            ),
            budget=f"under {EXPORT_BUDGET_MB} MB",
            passed=peak < EXPORT_BUDGET_MB,
            note=(
                "the export's generator (`response_rows` into `csv_lines`, every line read "
                f"and dropped) in a fresh process of its own, {size / 2**20:.0f} MB in "
                f"{seconds:.1f} s; "
                "the peak is the process's whole peak resident memory (`ru_maxrss`), Python and "
                "Django included"
            ),
        ),
        BenchCheck(
            name="CSV export over HTTP",
            figure=(
                f"{served / 2**20:.0f} MB in {served_in:.1f} s, first bytes after "
                f"{until_first:.2f} s, transfer encoding {encoding}"
            ),
            budget="streamed (no Content-Length), every line served",
            passed=streamed and served >= size,
            note=f"`{path}` through gunicorn as a signed-in engagement officer",
        ),
    ]


# --- A response sent --------------------------------------------------------------------------


def answer_maker(consultation: Consultation):
    """post(chance) -> the form fields of one valid response, answers drawn at random: each
    required question answered, optional ones now and then, no "About you" section."""
    questions = questions_to_ask(consultation)
    places = []
    for value, label in place_choices():
        # A policing area's group of choices, or a choice of its own; "" is the prompt.
        places += [code for code, _ in label] if isinstance(label, list) else [value]
    places = [code for code in places if code]

    def post(chance: random.Random) -> list[tuple[str, str]]:
        fields = []
        for question in questions:
            if question.show_if_question_id or (not question.required and chance.random() < 0.3):
                continue
            name, kind = field_name(question), question.kind
            if kind == Question.Kind.SINGLE_CHOICE:
                fields.append((name, str(chance.choice(list(question.options.all())).pk)))
            elif kind == Question.Kind.MULTIPLE_CHOICE:
                options = list(question.options.all())
                picked = chance.sample(options, chance.randint(1, len(options)))
                fields += [(name, str(option.pk)) for option in picked]
            elif kind == Question.Kind.SCALE:
                fields.append((name, str(chance.choice(list(question.scale.points.all())).pk)))
            elif kind == Question.Kind.YES_NO:
                fields.append((name, chance.choice([YES, "no"])))
            elif kind == Question.Kind.NUMBER:
                fields.append((name, str(chance.randint(0, 7))))
            elif kind in (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT):
                fields.append((name, chance.choice(COMMENTS) or "No comment."))
            elif kind == Question.Kind.WHERE_YOU_LIVE:
                fields.append((name, chance.choice(places)))
            elif kind == Question.Kind.RESPONDENT_TYPE:
                fields.append((name, Response.RespondentType.RESIDENT))
            elif kind == Question.Kind.EMAIL:
                fields += [
                    (name, f"resident{chance.randrange(10**6)}@example.invalid"),
                    (field_name(question, "feedback"), "on"),
                ]
        return fields

    return post


@dataclass
class Posted:
    """What the posters saw: each POST's status and time, and the GETs that failed."""

    statuses: list[int]
    seconds: list[float]
    form_failures: int = 0

    @property
    def accepted(self) -> int:
        return self.statuses.count(302)

    @property
    def refused(self) -> int:
        return len(self.statuses) - self.accepted + self.form_failures


def post_responses(
    *, base_url: str, path: str, make_answers, posters: int, duration: float
) -> Posted:
    """`posters` people at once, each getting the form (its one-time token and CSRF cookie)
    then sending it, again and again for `duration` seconds. Only the POSTs are timed."""
    csrf_name = settings.CSRF_COOKIE_NAME
    posted = Posted(statuses=[], seconds=[])
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def poster(number: int) -> None:
        chance = random.Random(f"{SEED}:poster:{number}")  # noqa: S311  bench data
        statuses, seconds, failures = [], [], 0
        while time.perf_counter() < deadline:
            form = request(base_url, "GET", path)
            page = form.body.decode("utf-8", "replace")
            csrf = form.cookies().get(csrf_name)
            middleware = re.search(HIDDEN.format(name="csrfmiddlewaretoken"), page)
            token = re.search(HIDDEN.format(name="form_token"), page)
            if form.status != 200 or not (csrf and middleware and token):
                failures += 1
                continue
            fields = [
                ("csrfmiddlewaretoken", middleware.group(1)),
                ("form_token", token.group(1)),
                ("website", ""),
                *make_answers(chance),
            ]
            sent = request(
                base_url,
                "POST",
                path,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"{csrf_name}={csrf}",
                },
                body=urlencode(fields).encode(),
            )
            statuses.append(sent.status)
            seconds.append(sent.seconds)
        with lock:
            posted.statuses += statuses
            posted.seconds += seconds
            posted.form_failures += failures

    threads = [threading.Thread(target=poster, args=(n,)) for n in range(posters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return posted


def measure_response_posts(
    *, base_url: str, connections: int, duration: int, **_
) -> list[BenchCheck]:
    consultation = bench_consultation()
    path = reverse("consultations:detail", args=[consultation.slug])
    responses = Response.objects.filter(consultation=consultation)
    last_before = responses.aggregate(last=Max("pk"))["last"] or 0
    began = time.perf_counter()
    posted = post_responses(
        base_url=base_url,
        path=path,
        make_answers=answer_maker(consultation),
        posters=connections,
        duration=duration,
    )
    elapsed = time.perf_counter() - began
    posted_now = responses.filter(pk__gt=last_before)
    stored = posted_now.count()
    flagged = Counter(
        reason
        for reasons in posted_now.values_list("suspect_reasons", flat=True)
        for reason in reasons
    )
    p95 = percentile(posted.seconds, 0.95) * 1000
    median = percentile(posted.seconds, 0.50) * 1000
    others = sorted({status for status in posted.statuses if status != 302})
    return [
        BenchCheck(
            name=f"A response sent, {connections} posters at once",
            figure=(
                f"p95 {p95:.0f} ms, p50 {median:.0f} ms, "
                f"{len(posted.statuses) / elapsed:.0f} posts/s"
            ),
            budget=f"p95 under {POST_BUDGET_P95_MS} ms",
            passed=bool(posted.seconds) and p95 < POST_BUDGET_P95_MS,
            note=(
                f"`{path}`, each poster getting the form (its one-time token and CSRF cookie) "
                f"and sending it, again and again for {duration} s; only the POSTs are timed"
            ),
        ),
        BenchCheck(
            name="Responses stored, against posts accepted",
            figure=(
                f"{stored:,} stored, {posted.accepted:,} accepted (302) of "
                f"{len(posted.statuses):,} sent"
                + (f"; other answers: {', '.join(map(str, others))}" if others else "")
                + (f"; {posted.form_failures} forms not got" if posted.form_failures else "")
            ),
            budget="equal, none refused",
            passed=stored == posted.accepted and posted.refused == 0,
            note=(
                "every poster comes from one address, so the bench settings raise the flood "
                "limit (CONSULTATION_FLOOD_PER_MINUTE); the posts were stored and flagged as "
                "decision 20 says: "
                + (", ".join(f"{reason} {n:,}" for reason, n in flagged.most_common()) or "none")
            ),
        ),
    ]


SCENARIO = BenchScenario(
    key="consultations",
    title="Consultations",
    about=(
        "The plan (`/consultations/`) and an open consultation's page are rows of the table "
        "above. Before the portal started, the open consultation with the most questions was "
        "topped up to the volume with generated responses and their answers (as the demo's, "
        "written with PostgreSQL's COPY), and the tables analysed. Each measure below ran in a "
        "process of its own under the bench settings while gunicorn served."
    ),
    public_pages=public_pages,
    prepare=prepare,
    measures=(measure_results_page, measure_csv_export, measure_response_posts),
)
