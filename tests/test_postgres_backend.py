"""Our PostgreSQL backend (shopper/postgresql): timestamps read by `datetime.fromisoformat` must be
exactly the values, and the errors, Django's own loader gives."""

from datetime import UTC, datetime, timedelta, timezone

import psycopg
import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from django.utils import timezone as django_timezone
from hypothesis import given
from hypothesis import strategies as st

from shopper.postgresql.base import UtcTimestamptzLoader
from shopping.models import Selection
from tests.factories import SelectionFactory

TIMESTAMPTZ = psycopg.adapters.types["timestamptz"].oid


class DjangosLoader(BaseTzLoader):
    timezone = UTC  # what Django registers on a connection whose time zone is UTC


def loaded(loader: type, text: bytes):
    try:
        return loader(TIMESTAMPTZ).load(text)
    except psycopg.DataError as exc:
        return ("DataError", str(exc))


def as_postgres_writes_it(value: datetime, offset_minutes: int) -> bytes:
    """A timestamptz as PostgreSQL's ISO DateStyle prints it: microseconds only when there are
    some, trailing zeros dropped, and the offset as +HH or +HH:MM."""
    local = value.astimezone(timezone(timedelta(minutes=offset_minutes)))
    text = local.strftime("%Y-%m-%d %H:%M:%S")
    if local.microsecond:
        text += f".{local.microsecond:06d}".rstrip("0")
    sign = "+" if offset_minutes >= 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    return f"{text}{sign}{hours:02d}{f':{minutes:02d}' if minutes else ''}".encode()


@given(
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)),
    st.sampled_from([0, 0, 0, 60, -300, 330, -570, 765]),
)
def test_any_timestamp_postgresql_writes_loads_as_djangos_loader_loads_it(value, offset_minutes):
    text = as_postgres_writes_it(value, offset_minutes)
    ours = loaded(UtcTimestamptzLoader, text)
    assert ours == loaded(DjangosLoader, text)
    assert ours == value and ours.tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    [
        b"infinity",
        b"-infinity",
        b"2026-12-02 06:50:11+00 BC",
        b"10000-01-01 00:00:00+00",
        b"02.12.2026 06:50:11 UTC",
    ],
)
def test_what_fromisoformat_cannot_read_gets_djangos_own_value_or_error(text):
    assert loaded(UtcTimestamptzLoader, text) == loaded(DjangosLoader, text)


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_connections_read_timestamps_with_our_loader():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI's PostgreSQL leg runs this)")
    used = SelectionFactory(last_used_at=datetime(2026, 3, 4, 5, 6, 7, 89, tzinfo=UTC))
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(TIMESTAMPTZ, psycopg.pq.Format.TEXT)
    assert loader is UtcTimestamptzLoader
    row = Selection.objects.values("last_used_at", "created_at").get(pk=used.pk)
    assert row["last_used_at"] == datetime(2026, 3, 4, 5, 6, 7, 89, tzinfo=UTC)
    assert row["last_used_at"].tzinfo is UTC
    assert abs(django_timezone.now() - row["created_at"]) < timedelta(minutes=5)
