"""`make run` on a laptop: Ctrl-C stops the web server, the worker and beat, and make with them,
without an error (a hand check in a terminal: `make run`, wait, Ctrl-C, `echo $?` says 0)."""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FAKE_HONCHO = """#!/bin/sh
echo "honcho $@"
exit "$FAKE_HONCHO_STATUS"
"""


@pytest.fixture
def fake_bin(tmp_path):
    """A virtualenv's bin folder whose python does nothing and whose honcho exits with
    $FAKE_HONCHO_STATUS, so the run target's own shell is what is tested."""
    (tmp_path / "python").write_text("#!/bin/sh\nexit 0\n")
    (tmp_path / "honcho").write_text(FAKE_HONCHO)
    for name in ("python", "honcho"):
        (tmp_path / name).chmod(0o755)
    return tmp_path


def make_run(fake_bin, honcho_status: int) -> subprocess.CompletedProcess:
    if not (shutil.which("make") and shutil.which("bash")):
        pytest.skip("make and bash are not installed")
    return subprocess.run(  # noqa: S603
        ["make", "--no-print-directory", "-s", "-o", "install", "run", f"BIN={fake_bin}"],  # noqa: S607
        cwd=ROOT,
        # Run as from a terminal, not as a step of the `make test` that may be running this.
        env={
            **{
                k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")
            },
            "FAKE_HONCHO_STATUS": str(honcho_status),
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_honcho_stopped_by_ctrl_c_ends_make_run_without_an_error(fake_bin):
    # honcho answers SIGINT by stopping the three and exiting with 130.
    result = make_run(fake_bin, 130)
    assert "honcho --procfile Procfile.dev start" in result.stdout
    assert result.returncode == 0, result.stderr


def test_a_process_that_fails_still_fails_make_run(fake_bin):
    assert make_run(fake_bin, 1).returncode != 0


def test_the_worker_runs_without_pool_processes():
    lines = (ROOT / "Procfile.dev").read_text().splitlines()
    (worker,) = [line for line in lines if line.startswith("worker:")]
    assert "--pool=solo" in worker


def test_the_laptop_broker_lets_the_worker_see_a_stop_within_a_second(tmp_path):
    from kombu import Connection

    options = {
        name: str(tmp_path / folder)
        for name, folder in (
            ("data_folder_in", "queue"),
            ("data_folder_out", "queue"),
            ("processed_folder", "processed"),
            ("control_folder", "control"),
        )
    }
    with Connection(
        "filesystem://", transport="pcc_portal.file_broker:Transport", transport_options=options
    ) as connection:
        queue = connection.SimpleQueue("portal-idle")
        queue.consumer.consume()
        started = time.monotonic()
        # What Celery's loop asks for a broker that cannot wake it.
        with pytest.raises(socket.timeout):
            connection.drain_events(timeout=2.0)
        assert time.monotonic() - started < 1.0
        queue.close()
