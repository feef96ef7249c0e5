"""/api/docs/ keeps to the portal's Content-Security-Policy: no inline style or script, and
every script and stylesheet from the portal itself."""

import re
from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline_styles = 0
        self.style_attributes = 0
        self.inline_scripts = 0
        self.sources = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.style_attributes += 1
        if tag == "style":
            self.inline_styles += 1
        if tag == "script":
            if "src" in attrs:
                self.sources.append(attrs["src"])
            else:
                self._in_script = True
        if tag == "link" and attrs.get("rel") in ("stylesheet", "icon"):
            self.sources.append(attrs["href"])

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1


@pytest.fixture
def docs(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = Page()
    page.feed(response.content.decode())
    return response, page


def test_the_docs_page_has_no_inline_style_or_script(docs):
    _, page = docs
    assert (page.inline_styles, page.style_attributes, page.inline_scripts) == (0, 0, 0)


def test_the_docs_page_loads_only_from_the_portal(docs):
    _, page = docs
    assert page.sources
    for source in page.sources:
        assert re.match(r"^/(static|api)/", source), source


def test_the_docs_page_keeps_the_policy(docs):
    response, _ = docs
    policy = response["Content-Security-Policy"]
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_the_docs_stylesheet_is_served(client, docs):
    _, page = docs
    ours = [s for s in page.sources if s.endswith("api-docs.css")]
    assert ours
