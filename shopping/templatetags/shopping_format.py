"""Say times as people do: "Open today 6 am – 11 pm", "Open 24 hours", "5 minutes ago", "just now"."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

register = template.Library()

# Kroger sends 24-hour "HH:MM" strings; a close of 00:00 or 23:59 means the store shuts at midnight.
MIDNIGHT_CLOSES = {"00:00", "23:59", "24:00"}


def humane_time(value: str, *, closing: bool = False) -> str:
    """ "06:00" -> "6 am", "13:30" -> "1:30 pm", "12:00" -> "noon", a closing "00:00" -> "midnight"."""
    try:
        hour, minute = (int(part) for part in value.split(":")[:2])
    except (AttributeError, ValueError):
        return value or ""
    if closing and value in MIDNIGHT_CLOSES:
        return "midnight"
    if (hour, minute) == (12, 0):
        return "noon"
    if (hour, minute) == (0, 0):
        return "midnight"
    suffix = "am" if hour < 12 else "pm"
    hour = hour % 12 or 12
    return f"{hour} {suffix}" if minute == 0 else f"{hour}:{minute:02d} {suffix}"


@register.filter
def hours_today(day, open24: bool = False) -> str:
    """A DayHours for today (or None) as one phrase; open24 is the store-wide 24-hour flag."""
    if open24 or getattr(day, "open24", False):
        return "Open 24 hours"
    opens, closes = getattr(day, "open", None), getattr(day, "close", None)
    if not opens or not closes:
        return "Hours not listed today"
    if opens == "00:00" and closes in MIDNIGHT_CLOSES:
        return "Open 24 hours"
    return f"Open today {humane_time(opens)} – {humane_time(closes, closing=True)}"


@register.filter
def ago(value: datetime | None) -> str:
    """ "just now" within the first minute, else "5 minutes ago" (Django's timesince)."""
    if not value:
        return ""
    if (timezone.now() - value).total_seconds() < 60:
        return "just now"
    return f"{timesince(value)} ago"
