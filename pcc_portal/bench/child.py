"""One step of an app's bench scenario, in a process of its own under the bench settings.

`python -m pcc_portal.bench.child <app label> prepare|<measure number> <keyword arguments as
JSON> <output file>`: the bench (run.py) starts it with the same environment as gunicorn, so the
step reads and writes the bench database and cache, and a step that reads its own peak memory
reads only its own. The checks a measure returns are written to the output file as JSON.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path


def run_step(key: str, step: str, arguments: dict) -> list[dict]:
    from pcc_portal.registry import bench_scenarios

    scenario = bench_scenarios.get(key)
    if scenario is None:
        raise SystemExit(f"No bench scenario is registered as {key!r}.")
    if step == "prepare":
        scenario.prepare(**arguments)
        return []
    measure = scenario.measures[int(step)]
    return [asdict(check) for check in measure(**arguments)]


def main(argv: list[str]) -> None:
    key, step, arguments, output = argv
    import django

    django.setup()
    checks = run_step(key, step, json.loads(arguments))
    Path(output).write_text(json.dumps(checks))


if __name__ == "__main__":
    main(sys.argv[1:])
