"""The hold a resolve takes on its list, raced for real: each taker has its own connection."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from shopping.services import resolving
from tests.factories import ShoppingListFactory

TAKERS = 6


@pytest.mark.django_db(transaction=True)
def test_of_resolves_started_at_the_same_moment_exactly_one_holds_the_list(user):
    shopping_list = ShoppingListFactory(owner=user)
    start = threading.Barrier(TAKERS)

    def take(_) -> bool:
        start.wait()
        try:
            resolving.take_lease(shopping_list)
            return True
        except resolving.ResolveInProgress:
            return False
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=TAKERS) as pool:
        taken = list(pool.map(take, range(TAKERS)))

    assert taken.count(True) == 1
    shopping_list.refresh_from_db()
    assert shopping_list.is_resolving
