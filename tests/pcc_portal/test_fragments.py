"""Fragments kept by what they show (pcc_portal/fragments.py): drawn once, drawn afresh when
their signature or their template changes, fetched in one round trip."""

from unittest import mock

import pytest
from django.core.cache import cache

from pcc_portal import fragments

TEMPLATE = "includes/status_tag.html"


class State:
    def __init__(self, name, colour=""):
        self.staff_name = name
        self.public_name = name
        self.colour = colour


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def draw(items, drawn: list):
    def context(item):
        drawn.append(item.staff_name)
        return {"state": item}

    return fragments.render_each(
        TEMPLATE,
        items,
        context=context,
        signature=lambda item: (item.staff_name, item.colour),
    )


def test_each_item_is_drawn_once_then_served_from_the_cache():
    items = [State("Red", "red"), State("Green", "green")]
    first, second = [], []

    drawn_first = draw(items, first)
    drawn_again = draw(items, second)

    assert first == ["Red", "Green"]
    assert second == []
    assert drawn_again == drawn_first
    assert drawn_first[0].strip() == '<strong class="govuk-tag govuk-tag--red">Red</strong>'


def test_a_changed_item_is_drawn_afresh_and_the_others_are_not():
    items = [State("Red", "red"), State("Green", "green")]
    draw(items, [])
    items[1].colour = "blue"
    again = []

    markup = draw(items, again)

    assert again == ["Green"]
    assert 'govuk-tag--blue">Green' in markup[1]


def test_the_same_fragment_twice_on_a_page_is_drawn_once():
    drawn = []

    markup = draw([State("Red", "red"), State("Red", "red")], drawn)

    assert drawn == ["Red"]
    assert markup[0] == markup[1]


def test_values_are_escaped_as_the_template_escapes_them():
    markup = draw([State("<script>x</script>")], [])

    assert "<script>" not in markup[0]
    assert "&lt;script&gt;" in markup[0]


def test_a_changed_template_draws_everything_afresh():
    items = [State("Red", "red")]
    draw(items, [])
    fragments._template_digest.cache_clear()
    try:
        with mock.patch.object(fragments, "_template_digest", return_value="another-source"):
            again = []
            draw(items, again)
    finally:
        fragments._template_digest.cache_clear()

    assert again == ["Red"]


def test_one_round_trip_fetches_every_fragment():
    items = [State(f"State {n}") for n in range(50)]
    draw(items, [])

    with mock.patch.object(
        fragments.default_cache, "get_many", wraps=fragments.default_cache.get_many
    ) as get_many:
        draw(items, [])

    get_many.assert_called_once()
    assert len(get_many.call_args.args[0]) == 50


def test_nothing_to_draw_asks_nothing_of_the_cache():
    with mock.patch.object(fragments.default_cache, "get_many") as get_many:
        assert fragments.render_each(TEMPLATE, [], context=dict, signature=id) == []
    get_many.assert_not_called()
