"""The benchmark behind `make bench` (decision 35): not a test, a measurement.

One run: a fresh PostgreSQL database with the demo data, Redis, gunicorn with two workers under
production settings (`pcc_portal.settings.bench`, which adds a bare view), then each public page
loaded by 20 connections for a fixed time after a warm-up, beside the bare view, anonymous GETs.
The apps' own scenarios (`BenchScenario` in pcc_portal/registry.py) add pages to that table, seed
the volume they measure before gunicorn starts, and measure it while it serves, each step in a
process of its own under the bench settings (child.py). The figures and the machine they came
from go into `docs/benchmarks.md`, in the section named by `label` ("before" or "after"); the
other section is kept.

Load comes from `wrk` when it is installed, otherwise from a small Python load generator (whose
own CPU use lowers every figure; the share of the bare view is still comparable within a run).
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from pcc_portal.registry import BenchCheck, BenchScenario, bench_scenarios

ROOT = Path(__file__).resolve().parents[2]
BUDGET_SHARE = 0.25
BUDGET_P95_MS = 50.0
BARE_PATH = "/bench/bare/"
EVENT_DETAIL = "An event"
EVENT_CALENDAR_FILE = "An event's calendar file"
# Each public page: its name and its path (an event's paths are found on the events page).
PAGES = [
    ("Home", "/"),
    ("Charter", "/charter/"),
    ("Events", "/events/"),
    ("Past events", "/events/past/"),
    (EVENT_DETAIL, None),
    (EVENT_CALENDAR_FILE, None),
    ("Events feed", "/events.ics"),
    ("Accessibility statement", "/accessibility/"),
    ("Privacy notice", "/privacy/"),
    ("News", "/news/"),
    ("Newsletter sign-up", "/newsletter/subscribe/"),
]
EVENT_LINK = re.compile(r'href="(/events/[0-9a-f-]{36}/)"')
MARK = "<!-- bench:{label} {edge} -->"
INTRO = """# Benchmarks of the public pages

Written by `make bench` (`python manage.py bench`); see `pcc_portal/bench/run.py`. Each run builds
a database with the demo data on PostgreSQL, serves the portal with gunicorn (two sync workers,
production settings, Redis as the cache) and loads each public page with 20 connections for a
fixed time after a warm-up, anonymous GETs, beside a bare Django view (`/bench/bare/`, a fixed
response through the same middleware, on the same gunicorn, in the same run).

The budget (decision 35): each public page serves at least 25% of the bare view's requests per
second, with a 95th percentile latency under 50 ms. The figures are noisy when anything else runs
on the machine; the share of the bare view, measured in one run, is the figure to compare.

The apps add scenarios of their own (`BenchScenario` in `pcc_portal/registry.py`): each seeds the
volume it measures before the portal starts and measures it while the portal serves; its figures
follow the table, under its own heading, each beside its budget.
"""


@dataclass
class Options:
    duration: int = 10
    warmup: int = 2
    connections: int = 20
    workers: int = 2
    port: int = 8765
    database_url: str = "postgres://postgres@127.0.0.1:5432/pcc_bench"
    redis_url: str = "redis://127.0.0.1:6379/13"
    label: str = "after"
    output: Path = field(default_factory=lambda: ROOT / "docs" / "benchmarks.md")
    tool: str = "auto"
    # How many records a scenario seeds to measure at volume (100,000 responses, say).
    volume: int = 100_000


@dataclass
class Result:
    name: str
    path: str
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    requests: int
    errors: int
    sets_cookie: bool = False


@dataclass
class ScenarioReport:
    title: str
    about: str
    checks: list[BenchCheck]
    prepared_seconds: float | None = None


def say(text: str) -> None:
    print(text, flush=True)


# --- Preparing the database, Redis and the static files -----------------------------------------


def _admin_connection(database_url: str):
    import psycopg2

    parts = urlsplit(database_url)
    connection = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    connection.autocommit = True
    return connection, parts.path.lstrip("/")


def recreate_database(database_url: str) -> str:
    """Drop and create the bench database; returns the server's version."""
    connection, name = _admin_connection(database_url)
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or name in {"pcc_portal", "test_pcc_portal"}:
        raise SystemExit(f"Refusing to use the database {name!r} for the bench.")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return version


def flush_redis(redis_url: str) -> str:
    """Empty the bench's Redis database; returns the server's version."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    return client.info("server")["redis_version"]


def bench_environment(options: Options, var: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pcc_portal.settings.bench",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": options.database_url,
        "REDIS_URL": options.redis_url,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{options.port}",
        # Plain HTTP on the loopback: no redirect to HTTPS.
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(var / "static"),
        "LOG_LEVEL": "WARNING",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def manage(env: dict[str, str], *args: str, log: Path) -> None:
    with log.open("a") as out:
        out.write(f"$ manage.py {' '.join(args)}\n")
        out.flush()
        result = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed; see {log}")


def run_child(
    env: dict[str, str], scenario: BenchScenario, step: str, arguments: dict, *, log: Path
) -> list[BenchCheck]:
    """One step of a scenario ("prepare" or a measure's number) in a process of its own."""
    with tempfile.TemporaryDirectory() as folder, log.open("a") as out:
        output = Path(folder) / "checks.json"
        out.write(f"$ bench step {scenario.key} {step} {json.dumps(arguments)}\n")
        out.flush()
        result = subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-m",
                "pcc_portal.bench.child",
                scenario.key,
                step,
                json.dumps(arguments),
                str(output),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
        if result.returncode != 0 or not output.exists():
            raise SystemExit(f"{scenario.title}: step {step} failed; see {log}")
        return [BenchCheck(**check) for check in json.loads(output.read_text())]


# --- Serving ------------------------------------------------------------------------------------


def get(port: int, path: str, timeout: float = 10) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, headers, body
    finally:
        connection.close()


def start_gunicorn(options: Options, env: dict[str, str], log: Path) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "pcc_portal.wsgi",
            "--workers",
            str(options.workers),
            "--bind",
            f"127.0.0.1:{options.port}",
            "--log-level",
            "warning",
            "--error-logfile",
            str(log),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start; see {log}")
        try:
            if get(options.port, BARE_PATH, timeout=2)[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    stop(process)
    raise SystemExit(f"gunicorn did not answer within a minute; see {log}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- Load ---------------------------------------------------------------------------------------

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\n{"requests":%d,"duration_us":%d,"p50_us":%d,"p95_us":%d,"errors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.timeout + e.status))
end
"""


def wrk_load(url: str, connections: int, seconds: int, script: Path) -> dict:
    threads = max(1, min(2, os.cpu_count() or 1))
    result = subprocess.run(  # noqa: S603
        [
            shutil.which("wrk") or "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = [row for row in result.stdout.splitlines() if row.startswith("{")][-1]
    figures = json.loads(line)
    elapsed = figures["duration_us"] / 1e6
    return {
        "requests": figures["requests"],
        "rps": figures["requests"] / elapsed if elapsed else 0.0,
        "p50_ms": figures["p50_us"] / 1000,
        "p95_ms": figures["p95_us"] / 1000,
        "errors": figures["errors"],
    }


def python_load(url: str, connections: int, seconds: int) -> dict:
    """A plain load generator: `connections` threads, each sending one GET after another."""
    parts = urlsplit(url)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker():
        mine, failed = [], 0
        while (started := time.perf_counter()) < deadline:
            try:
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                connection.request("GET", parts.path or "/")
                response = connection.getresponse()
                response.read()
                connection.close()
                ok = response.status < 400
            except OSError:
                ok = False
            if ok:
                mine.append(time.perf_counter() - started)
            else:
                failed += 1
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    began = time.perf_counter()
    workers = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()

    def percentile(share: float) -> float:
        if not latencies:
            return 0.0
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": percentile(0.50),
        "p95_ms": percentile(0.95),
        "errors": errors[0],
    }


# --- The machine --------------------------------------------------------------------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine(postgres: str, redis_version: str, tool: str) -> list[tuple[str, str]]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or platform.machine(),
    )
    memory = next(
        (
            f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
            for line in _read("/proc/meminfo").splitlines()
            if line.startswith("MemTotal:")
        ),
        "unknown",
    )
    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    if _git("status", "--porcelain", "--untracked-files=no"):
        commit += " (with uncommitted changes)"
    import django
    import gunicorn

    load = ", ".join(f"{figure:.2f}" for figure in os.getloadavg())
    return [
        ("CPU", cpu),
        ("Cores", str(os.cpu_count())),
        ("Memory", memory),
        ("Load average at the start (1, 5, 15 min)", load),
        ("Operating system", platform.platform()),
        ("Python", platform.python_version()),
        ("Django", django.get_version()),
        ("gunicorn", gunicorn.__version__),
        ("PostgreSQL", postgres),
        ("Redis", redis_version),
        ("Load generator", tool),
        ("Git commit", commit),
    ]


def _git(*args: str) -> str:
    try:
        result = subprocess.run(  # noqa: S603
            ["git", *args],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


# --- The report ---------------------------------------------------------------------------------


def verdict(result: Result, bare_rps: float) -> tuple[str, str]:
    share = result.requests_per_second / bare_rps if bare_rps else 0.0
    misses = []
    if share < BUDGET_SHARE:
        misses.append("share")
    if result.p95_ms >= BUDGET_P95_MS:
        misses.append("p95")
    if result.errors:
        misses.append("errors")
    return f"{share:.0%}", "pass" if not misses else "FAIL (" + ", ".join(misses) + ")"


def scenario_lines(report: ScenarioReport) -> list[str]:
    lines = [f"### {report.title}", ""]
    if report.about:
        lines += [report.about.strip(), ""]
    if report.prepared_seconds is not None:
        lines += [f"Seeded in {report.prepared_seconds:,.0f} s before the portal started.", ""]
    lines += ["| measure | measured | budget | result |", "| --- | --- | --- | --- |"]
    lines += [
        f"| {check.name} | {check.figure} | {check.budget} | {'pass' if check.passed else 'FAIL'} |"
        for check in report.checks
    ]
    notes = [f"- {check.name}: {check.note}" for check in report.checks if check.note]
    return [*lines, *([""] + notes if notes else []), ""]


def section(
    options: Options,
    bare: list[Result],
    pages: list[Result],
    facts,
    tool: str,
    scenarios: list[ScenarioReport] = (),
) -> str:
    bare_rps = sum(run.requests_per_second for run in bare) / len(bare)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## {options.label.capitalize()}",
        "",
        f"Measured {when}: gunicorn with {options.workers} sync workers, production settings, "
        f"PostgreSQL and Redis, the demo data; {tool}, {options.connections} connections, each "
        f"page for {options.duration} s after a {options.warmup} s warm-up, anonymous GETs. The "
        f"bare view was measured first and last; the shares are of the mean of the two, "
        f"{bare_rps:,.0f} requests/s.",
        "",
        "| page | path | requests/s | p50 | p95 | share of bare | sets a cookie | budget |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]

    def row(result: Result, share: str, outcome: str) -> str:
        return (
            f"| {result.name} | `{result.path}` | {result.requests_per_second:,.0f} | "
            f"{result.p50_ms:.1f} ms | {result.p95_ms:.1f} ms | {share} | "
            f"{'yes' if result.sets_cookie else 'no'} | {outcome} |"
        )

    lines.append(row(bare[0], "100%", ""))
    for result in pages:
        lines.append(row(result, *verdict(result, bare_rps)))
    lines.append(row(bare[-1], "100%", ""))
    errors = sum(result.errors for result in pages + bare)
    if errors:
        lines += ["", f"{errors} requests failed (socket errors, timeouts or error statuses)."]
    passed = all(verdict(result, bare_rps)[1] == "pass" for result in pages)
    lines += [
        "",
        f"Budget: {'every public page passes' if passed else 'not every public page passes'} "
        f"(at least {BUDGET_SHARE:.0%} of the bare view's requests/s and p95 under "
        f"{BUDGET_P95_MS:.0f} ms).",
        "",
        *(line for report in scenarios for line in scenario_lines(report)),
        "| machine | |",
        "| --- | --- |",
        *(f"| {name} | {value} |" for name, value in facts),
    ]
    return "\n".join(lines)


def write_report(output: Path, label: str, body: str) -> None:
    start, end = MARK.format(label=label, edge="start"), MARK.format(label=label, edge="end")
    block = f"{start}\n{body}\n{end}"
    text = output.read_text() if output.exists() else INTRO
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        # "before" goes above "after", whichever is written first.
        other = MARK.format(label="after", edge="start")
        if label == "before" and other in text:
            text = text.replace(other, f"{block}\n\n{other}", 1)
        else:
            text = text.rstrip("\n") + f"\n\n{block}\n"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text if text.endswith("\n") else text + "\n")


# --- The run ------------------------------------------------------------------------------------


def main(options: Options) -> int:
    began = time.monotonic()
    var = ROOT / "var" / "bench"
    var.mkdir(parents=True, exist_ok=True)
    log = var / "bench.log"
    log.write_text("")
    use_wrk = options.tool == "wrk" or (options.tool == "auto" and shutil.which("wrk"))
    if options.tool == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk).")
    tool = "wrk" if use_wrk else "the Python load generator"
    if use_wrk:
        version = subprocess.run(  # noqa: S603
            [shutil.which("wrk"), "-v"], capture_output=True, text=True, check=False
        )
        tool = (version.stdout or version.stderr).splitlines()[0].split(" Copyright")[0].strip()

    say(f"Preparing the bench database ({options.database_url}) and Redis ({options.redis_url})")
    postgres = recreate_database(options.database_url)
    redis_version = flush_redis(options.redis_url)
    facts = machine(postgres, redis_version, tool)
    env = bench_environment(options, var)
    manage(env, "migrate", "--noinput", "-v0", log=log)
    demo_env = {**env, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "pcc_portal.settings.local"}
    manage(demo_env, "load_demo_data", log=log)
    manage(env, "collectstatic", "--noinput", "-v0", log=log)
    scenarios = bench_scenarios.values()
    prepared: dict[str, float] = {}
    for scenario in scenarios:
        if scenario.prepare is not None:
            say(f"Seeding {scenario.title} (volume {options.volume:,})")
            started = time.monotonic()
            run_child(env, scenario, "prepare", {"volume": options.volume}, log=log)
            prepared[scenario.key] = time.monotonic() - started
    flush_redis(options.redis_url)
    say(f"Prepared in {time.monotonic() - began:.0f} s; starting gunicorn")

    server = start_gunicorn(options, env, log)
    try:
        pages = []
        for name, path in PAGES:
            if path is None:
                status, _, body = get(options.port, "/events/")
                match = EVENT_LINK.search(body)
                if match is None:
                    raise SystemExit("The events page lists no event to measure.")
                path = match.group(1)
                if name == EVENT_CALENDAR_FILE:
                    path = path.rstrip("/") + ".ics"
            pages.append((name, path))
        for scenario in scenarios:
            if scenario.public_pages is not None:
                pages += scenario.public_pages(lambda path: get(options.port, path))
        cookies = {}
        for _name, path in [("Bare Django view", BARE_PATH), *pages]:
            status, headers, _ = get(options.port, path)
            if status != 200:
                raise SystemExit(f"{path} answered {status}, not 200; see {log}")
            cookies[path] = "set-cookie" in headers

        with tempfile.TemporaryDirectory() as folder:
            script = Path(folder) / "report.lua"
            script.write_text(WRK_SCRIPT)

            def measure(name: str, path: str) -> Result:
                url = f"http://127.0.0.1:{options.port}{path}"
                if use_wrk:
                    wrk_load(url, options.connections, options.warmup, script)
                    figures = wrk_load(url, options.connections, options.duration, script)
                else:
                    python_load(url, options.connections, options.warmup)
                    figures = python_load(url, options.connections, options.duration)
                result = Result(
                    name=name,
                    path=path,
                    requests_per_second=figures["rps"],
                    p50_ms=figures["p50_ms"],
                    p95_ms=figures["p95_ms"],
                    requests=figures["requests"],
                    errors=figures["errors"],
                    sets_cookie=cookies[path],
                )
                say(
                    f"  {name:<26} {result.requests_per_second:8.0f} req/s   "
                    f"p50 {result.p50_ms:6.1f} ms   p95 {result.p95_ms:6.1f} ms"
                    + (f"   errors {result.errors}" if result.errors else "")
                )
                return result

            bare = [measure("Bare Django view (first)", BARE_PATH)]
            results = [measure(name, path) for name, path in pages]
            bare.append(measure("Bare Django view (last)", BARE_PATH))

        reports = []
        arguments = {
            "base_url": f"http://127.0.0.1:{options.port}",
            "connections": options.connections,
            "duration": options.duration,
            "volume": options.volume,
        }
        for scenario in scenarios:
            checks = []
            for number in range(len(scenario.measures)):
                for check in run_child(env, scenario, str(number), arguments, log=log):
                    say(
                        f"  {check.name:<40} {check.figure:<28} "
                        f"{'pass' if check.passed else 'FAIL'} ({check.budget})"
                    )
                    checks.append(check)
            reports.append(
                ScenarioReport(
                    title=scenario.title,
                    about=scenario.about,
                    checks=checks,
                    prepared_seconds=prepared.get(scenario.key),
                )
            )
    finally:
        stop(server)

    load = ", ".join(f"{figure:.2f}" for figure in os.getloadavg())
    facts.append(("Load average at the end (1, 5, 15 min)", load))
    write_report(
        options.output, options.label, section(options, bare, results, facts, tool, reports)
    )
    bare_rps = sum(run.requests_per_second for run in bare) / len(bare)
    misses = [result.name for result in results if verdict(result, bare_rps)[1] != "pass"]
    misses += [check.name for report in reports for check in report.checks if not check.passed]
    say(
        "Every public page and measure is within its budget."
        if not misses
        else f"Over the budget: {', '.join(misses)}."
    )
    say(f"Written to {options.output} ({options.label}) in {time.monotonic() - began:.0f} s")
    return 1 if misses else 0
