"""Times as people say them: store hours in the store finder, "sent 5 minutes ago"."""

from datetime import timedelta

import pytest
import time_machine
from django.template import Context, Template
from django.utils import timezone

from kroger.schemas import DayHours
from shopping.templatetags.shopping_format import ago, hours_today, humane_time


@pytest.mark.parametrize(
    ("clock", "closing", "said"),
    [
        ("06:00", False, "6 am"),
        ("07:30", False, "7:30 am"),
        ("12:00", False, "noon"),
        ("13:05", False, "1:05 pm"),
        ("23:00", True, "11 pm"),
        ("00:00", True, "midnight"),
        ("23:59", True, "midnight"),
        ("00:30", False, "12:30 am"),
        ("soon", False, "soon"),  # not a clock time: shown as Kroger sent it
    ],
)
def test_clock_times_read_as_people_say_them(clock, closing, said):
    assert humane_time(clock, closing=closing) == said


@pytest.mark.parametrize(
    ("day", "store_open24", "said"),
    [
        (DayHours(open="06:00", close="23:00"), False, "Open today 6 am – 11 pm"),
        (DayHours(open="06:00", close="00:00"), False, "Open today 6 am – midnight"),
        (DayHours(open="07:00", close="21:30"), False, "Open today 7 am – 9:30 pm"),
        (DayHours(open24=True), False, "Open 24 hours"),
        (DayHours(open="00:00", close="23:59"), False, "Open 24 hours"),
        (DayHours(open="06:00", close="23:00"), True, "Open 24 hours"),  # the store-wide flag wins
        (DayHours(), False, "Hours not listed today"),
        (None, False, "Hours not listed today"),
    ],
)
def test_todays_hours(day, store_open24, said):
    assert hours_today(day, store_open24) == said


def test_hours_filter_in_a_template():
    rendered = Template("{% load shopping_format %}{{ day|hours_today:open24 }}").render(
        Context({"day": DayHours(open="08:00", close="22:00"), "open24": False})
    )

    assert rendered == "Open today 8 am – 10 pm"


def test_ago_says_just_now_for_the_first_minute_then_counts():
    sent = timezone.now()
    with time_machine.travel(sent + timedelta(seconds=20), tick=False):
        assert ago(sent) == "just now"
    with time_machine.travel(sent + timedelta(minutes=5, seconds=3), tick=False):
        assert ago(sent) == "5\xa0minutes ago"
    assert ago(None) == ""
