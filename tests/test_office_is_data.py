"""Titles are data: neither the office's area nor the holder's title is written into code or
templates (decision 2). Only the office data files and migrations may name them."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    "pcc_portal",
    "engagement",
    "grants",
    "consultations",
    "delivery_plan",
    "templates",
    "static/portal",
]
FORBIDDEN = ("West Mercia", "Police and Crime Commissioner")


def offending_files(root: Path):
    for folder in SOURCES:
        for path in (root / folder).rglob("*"):
            if path.suffix not in {".py", ".html", ".txt", ".md", ".js", ".css"}:
                continue
            if "migrations" in path.parts or "data" in path.parts:
                continue
            text = path.read_text(encoding="utf-8").lower()
            for phrase in FORBIDDEN:
                if phrase.lower() in text:
                    yield f"{path.relative_to(root)}: {phrase}"


def test_no_office_name_or_title_in_code_or_templates():
    assert list(offending_files(ROOT)) == []


def test_the_check_finds_a_title_written_into_a_template(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text("<p>The police and crime commissioner</p>")
    (tmp_path / "pcc_portal" / "data").mkdir(parents=True)
    (tmp_path / "pcc_portal" / "data" / "office.md").write_text("West Mercia")  # data: allowed
    assert list(offending_files(tmp_path)) == ["templates/page.html: Police and Crime Commissioner"]


def test_the_stylesheet_uses_no_gov_uk_font_or_crown():
    css = (ROOT / "static" / "portal" / "portal.css").read_text(encoding="utf-8")
    assert "GDS Transport" not in css
    assert "@font-face" not in css
    # No crown, crest or other GOV.UK image is referenced: only MOJ Frontend's plain icons, copied.
    for url in re.findall(r"url\(([^)]*)\)", css):
        assert re.fullmatch(r"/static/moj-frontend/images/icon-[a-z-]+\.svg", url), url
        assert (ROOT / url.lstrip("/")).is_file(), url
    version = (ROOT / "static" / "govuk-frontend" / "VERSION").read_text().strip()
    assert version.startswith("5.")
