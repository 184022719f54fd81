"""Remembered picks are keyed on the term as typed, with only Latin accents folded away: a mark
that makes another script's letter a different letter keeps two products apart."""

import pytest

from accounts.access import household_of
from shopping.services.memory import find_selections
from tests.factories import SelectionFactory, UserFactory
from tests.helpers import STORE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("remembered", "other"),
    [("ガム", "カム"), ("йогурт", "иогурт"), ("दूध", "दध")],
)
def test_a_mark_that_makes_another_letter_keeps_two_picks_apart(remembered, other):
    shopper = UserFactory()
    first = SelectionFactory(owner=shopper, term=remembered, location_id=STORE)
    second = SelectionFactory(owner=shopper, term=other, location_id=STORE)
    found = find_selections(household=household_of(shopper), terms={remembered, other}, location_id=STORE)
    assert {pick.pk for pick in found.values()} == {first.pk, second.pk}


def test_a_term_with_a_mark_finds_only_its_own_pick():
    shopper = UserFactory()
    SelectionFactory(owner=shopper, term="ガム", location_id=STORE)
    found = find_selections(household=household_of(shopper), terms={"カム"}, location_id=STORE)
    assert found == {}


@pytest.mark.parametrize("typed", ["cafe", "CAFE ", "Café", "café", "cafe\u0301"])
def test_latin_accents_case_and_spacing_still_find_the_same_pick(typed):
    shopper = UserFactory()
    pick = SelectionFactory(owner=shopper, term="Café", location_id=STORE)
    found = find_selections(household=household_of(shopper), terms={typed}, location_id=STORE)
    assert [selection.pk for selection in found.values()] == [pick.pk]


def test_half_width_katakana_finds_the_full_width_pick():
    shopper = UserFactory()
    pick = SelectionFactory(owner=shopper, term="ガム", location_id=STORE)
    found = find_selections(household=household_of(shopper), terms={"ｶﾞﾑ"}, location_id=STORE)
    assert [selection.pk for selection in found.values()] == [pick.pk]
