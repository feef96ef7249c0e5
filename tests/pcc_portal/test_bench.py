"""`make bench`: how the apps' scenarios plug in and how their figures are written. The bench
itself is a measurement, not a test; these check its plumbing without gunicorn."""

import pytest

from pcc_portal import registry
from pcc_portal.bench import child
from pcc_portal.bench.run import (
    MARK,
    Options,
    Result,
    ScenarioReport,
    scenario_lines,
    section,
    write_report,
)
from pcc_portal.registry import BenchCheck, BenchScenario

FACTS = [("CPU", "Test CPU")]


@pytest.fixture
def scenario():
    seen = {}

    def prepare(*, volume):
        seen["volume"] = volume

    def measure(*, base_url, connections, duration, volume):
        seen["measured"] = (base_url, connections, duration, volume)
        return [
            BenchCheck("Page at volume", "0.20 s", "under 1 s", True),
            BenchCheck("Memory", "200 MB", "under 150 MB", False, note="peak of the process"),
        ]

    example = BenchScenario(
        key="example",
        title="Example",
        about="What was measured.",
        prepare=prepare,
        measures=(measure,),
    )
    registry.register_bench_scenario(example)
    yield example, seen
    registry.bench_scenarios.entries.pop("example", None)


def test_a_scenario_registers_once_under_its_key(scenario):
    example, _ = scenario
    registry.register_bench_scenario(example)
    assert registry.bench_scenarios.get("example") is example
    assert list(registry.bench_scenarios.entries).count("example") == 1


def test_a_child_step_prepares_then_measures_and_hands_back_the_checks(scenario):
    _, seen = scenario
    assert child.run_step("example", "prepare", {"volume": 250}) == []
    assert seen["volume"] == 250
    checks = child.run_step(
        "example",
        "0",
        {"base_url": "http://127.0.0.1:1", "connections": 3, "duration": 2, "volume": 250},
    )
    assert seen["measured"] == ("http://127.0.0.1:1", 3, 2, 250)
    assert [BenchCheck(**check) for check in checks][1].passed is False
    with pytest.raises(SystemExit, match="nothing-here"):
        child.run_step("nothing-here", "prepare", {})


def test_each_check_is_written_beside_its_budget_with_its_notes():
    report = ScenarioReport(
        title="Example",
        about="What was measured.",
        checks=[
            BenchCheck("Page at volume", "0.20 s", "under 1 s", True),
            BenchCheck("Memory", "200 MB", "under 150 MB", False, note="peak of the process"),
        ],
        prepared_seconds=12.4,
    )
    text = "\n".join(scenario_lines(report))
    assert "### Example\n\nWhat was measured.\n\nSeeded in 12 s" in text
    assert "| Page at volume | 0.20 s | under 1 s | pass |" in text
    assert "| Memory | 200 MB | under 150 MB | FAIL |" in text
    assert "- Memory: peak of the process" in text


def _result(name, path, rps, p95):
    return Result(name, path, rps, p95 / 2, p95, requests=int(rps * 10), errors=0)


def test_the_section_holds_the_table_then_each_scenario_then_the_machine():
    bare = [_result("Bare (first)", "/bench/bare/", 1000, 5)]
    pages = [_result("Home", "/", 400, 20), _result("Slow", "/slow/", 100, 80)]
    report = ScenarioReport("Example", "", [BenchCheck("Memory", "90 MB", "under 150 MB", True)])
    text = section(Options(), bare + bare, pages, FACTS, "wrk", [report])
    assert "| Home | `/` | 400 |" in text and "| pass |" in text
    assert "| Slow | `/slow/` | 100 |" in text and "FAIL (share, p95)" in text
    assert text.index("| Slow |") < text.index("### Example") < text.index("| machine | |")


def test_a_run_replaces_its_own_label_and_keeps_the_other(tmp_path):
    output = tmp_path / "benchmarks.md"
    write_report(output, "after", "## After\n\nfirst")
    write_report(output, "before", "## Before\n\nold")
    write_report(output, "after", "## After\n\nsecond")
    text = output.read_text()
    assert "first" not in text and "second" in text and "old" in text
    assert text.index(MARK.format(label="before", edge="start")) < text.index(
        MARK.format(label="after", edge="start")
    )
