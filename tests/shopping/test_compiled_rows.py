"""CompiledRows (shopping/models/compiled.py): SQL compiled once per shape, run with each call's
values, must give exactly the rows the queryset gives, for every shape and every later value."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.access import household_of
from shopping.models import Selection
from shopping.models.compiled import CompiledRows
from shopping.serializers.memory import SelectionSerializer
from tests.factories import SelectionFactory, UserFactory
from tests.helpers import STORE

pytestmark = pytest.mark.django_db

COLUMNS = ["id", "term", "location_id", "regular_price", "promo_price", "last_used_at", "owner__display_name"]


def picks(household: int, term: str | None = None, location_id: str | None = None):
    chosen = Selection.objects.filter(household=household)
    if term is not None:
        chosen = chosen.filter(normalized_term=term)
    if location_id is not None:
        chosen = chosen.filter(location_id=location_id)
    return chosen.values(*COLUMNS)


@pytest.fixture
def households():
    """Two households with picks at two stores and at any store, prices and use times mixed."""
    now = timezone.now()
    found = []
    for name in ("Ada", "Grace"):
        owner = UserFactory(display_name=name)
        for n, (term, store) in enumerate(
            [("milk", STORE), ("milk", ""), ("eggs", STORE), ("eggs", "01400376")]
        ):
            SelectionFactory(
                owner=owner,
                term=term,
                normalized_term=term,
                location_id=store,
                regular_price=Decimal(f"{n}.49") if store else None,
                promo_price=Decimal("0.99") if n == 2 else None,
                last_used_at=now - timedelta(hours=n) if n % 2 else None,
            )
        found.append(household_of(owner).pk)
    return found


SHAPES = [
    {},
    {"term": "milk"},
    {"location_id": STORE},
    {"term": "eggs", "location_id": ""},
    {"location_id": ""},
]


@pytest.mark.parametrize("values", SHAPES)
@pytest.mark.parametrize("limit", [1, 3, 51])
def test_every_shape_gives_the_querysets_rows_for_each_household_in_turn(households, values, limit):
    compiled = CompiledRows(Selection, picks, household=int, term=str, location_id=str)
    for household in [*households, *households]:  # the second round runs the SQL compiled in the first
        expected = list(picks(household, **values)[:limit])
        assert compiled(household=household, **values)[:limit] == expected
        assert all(row["owner__display_name"] for row in expected)


def test_a_later_call_runs_the_compiled_sql_with_its_own_values(households):
    compiled = CompiledRows(Selection, picks, household=int, term=str, location_id=str)
    compiled(household=households[0], term="milk")[:10]
    with CaptureQueriesContext(connection) as queries:
        rows = compiled(household=households[1], term="eggs")[:10]

    assert len(queries.captured_queries) == 1
    assert {row["term"] for row in rows} == {"eggs"} and len(rows) == 2
    assert {row["owner__display_name"] for row in rows} == {"Grace"}


def test_values_a_lookup_rewrites_still_find_the_right_rows(households):
    """A contains-lookup wraps its value (%milk%), so no stand-in shows: built every time, still right."""

    def containing(household: int, term: str):
        return Selection.objects.filter(household=household, term__contains=term).values(*COLUMNS)

    compiled = CompiledRows(Selection, containing, household=int, term=str)
    for household in households:
        for term in ("mil", "gg"):
            assert compiled(household=household, term=term)[:10] == list(containing(household, term)[:10])


def test_later_pages_counting_and_iterating_read_like_the_queryset(households):
    rows = CompiledRows(Selection, picks, household=int, term=str, location_id=str)(household=households[0])

    assert rows.count() == 4
    assert rows[2:4] == list(picks(households[0])[2:4])
    assert rows[1] == picks(households[0])[1]
    assert list(rows) == list(picks(households[0]))


def test_unknown_values_are_refused():
    with pytest.raises(TypeError, match="colour"):
        CompiledRows(Selection, picks, household=int)(household=1, colour="red")


def test_a_database_failure_reaches_the_caller_as_djangos_error(households):
    compiled = CompiledRows(Selection, picks, household=int, term=str, location_id=str)
    compiled(household=households[0])[:5]

    def refuse(execute, sql, params, many, context):
        raise DatabaseError("the database is down")

    with connection.execute_wrapper(refuse), pytest.raises(DatabaseError):
        compiled(household=households[0])[:5]


def test_the_picks_endpoint_reads_the_same_rows_as_the_model(households):
    household = households[1]
    shown = SelectionSerializer(SelectionSerializer.rows(household, term=" EGGS")[:50], many=True).data
    instances = Selection.objects.for_household(household).for_term("eggs").select_related("owner")

    assert shown == SelectionSerializer(list(instances), many=True).data
    assert [pick["price"] for pick in shown] == ["3.49", "0.99"]  # the one used lately first
