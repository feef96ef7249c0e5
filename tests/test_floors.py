"""The floors: pcc_portal knows nothing of the apps above it (decision 32). They plug themselves
in through pcc_portal/registry.py, so this floor and the base layout can be read, tested and
reused without them. Settings and the root URLconf are where the apps are named, and nowhere
else on this floor."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ABOVE = ("engagement", "grants", "consultations", "delivery_plan")
ALLOWED = {ROOT / "pcc_portal" / "urls.py"}
ALLOWED_DIRS = {ROOT / "pcc_portal" / "settings"}
# "engagement.view_contact", "engagement:charter", "engagement/email/...": a name of the app.
NAMED = re.compile(r"\b(" + "|".join(ABOVE) + r")[.:/]\w")
# The layout and this floor's own templates.
TEMPLATES = [
    ROOT / "templates" / "base.html",
    *sorted((ROOT / "templates" / "pcc_portal").rglob("*.html")),
    *sorted((ROOT / "templates" / "includes").rglob("*.html")),
]


def floor_python_files():
    for path in sorted((ROOT / "pcc_portal").rglob("*.py")):
        if path in ALLOWED or any(d in path.parents for d in ALLOWED_DIRS):
            continue
        yield path


def names_of_apps_above(source: str) -> list[str]:
    found = [m.group(0) for m in NAMED.finditer(source)]
    try:
        tree = ast.parse(source)
    except SyntaxError:  # a template
        return found
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in ABOVE]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in ABOVE:
                found.append(node.module)
        elif isinstance(node, ast.Constant) and node.value in ABOVE:
            found.append(repr(node.value))
    return found


@pytest.mark.parametrize(
    "path", list(floor_python_files()) + TEMPLATES, ids=lambda p: str(p.relative_to(ROOT))
)
def test_the_portal_floor_names_no_app_above_it(path):
    assert names_of_apps_above(path.read_text(encoding="utf-8")) == []


def test_the_check_finds_what_it_looks_for():
    for line in (
        "from engagement.models import Contact",
        "import grants",
        "PERMS = ('engagement.view_contact',)",
        "APPS = ('consultations',)",
        "# the delivery_plan/templates folder",
    ):
        assert names_of_apps_above(line), line
    assert names_of_apps_above("{% url 'engagement:charter' %}") == ["engagement:c"]
    # The word on its own, as the office uses it, is not an app's name.
    assert names_of_apps_above('"""Community engagement. Grants are one-off."""') == []
