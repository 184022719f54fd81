"""The selections API: remembered picks through /api/selections, as the owner and as a stranger."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.access import household_of
from accounts.models import ApiToken, Membership
from kroger.schemas import Product
from shopping.models import Selection
from shopping.services.memory import find_selection, remember_selection
from tests.factories import ApiTokenFactory, SelectionFactory
from tests.helpers import STORE, assert_list_queries_do_not_grow

pytestmark = pytest.mark.django_db

LIST = "/api/selections"
MILK = {
    "term": "Milk ",
    "location_id": STORE,
    "product_id": "0001111041700",  # Kroger® 2% Reduced Fat Milk, 1 gal, in the sandbox
    "quantity": 2,
    "source": "user",
    "reason": "The usual",
}
WHOLE_MILK = "0001111040060"


@pytest.fixture(autouse=True)
def kroger(kroger_sandbox):
    """Saving a pick looks its product up with Kroger (here the sandbox)."""
    return kroger_sandbox


def detail(pk):
    return f"/api/selections/{pk}"


def test_saving_a_new_pick_answers_201_with_krogers_details_of_the_product(api_client, user):
    response = api_client.post(LIST, MILK, format="json")

    assert response.status_code == 201
    body = response.json()
    assert (body["term"], body["normalized_term"], body["quantity"]) == ("Milk", "milk", 2)
    assert (body["description"], body["brand"], body["size"]) == (
        "Kroger® 2% Reduced Fat Milk",
        "Kroger",
        "1 gal",
    )
    assert body["price"] is not None and body["sold_by"] == "UNIT" and body["aisle"]
    assert body["image_url"].startswith(("http://", "https://"))
    assert body["last_used_at"] is not None
    assert Selection.objects.get(pk=body["id"]).owner == user


def test_posted_product_details_are_refused_for_krogers(api_client):
    """One rule for the page and the API: a pick's name, picture and price come from Kroger, so a
    client that posts its own is told so (400 naming each) and nothing is saved."""
    posted = {
        **MILK,
        "description": "Free milk",
        "image_url": "https://tracker.example/p.gif",
        "price": "0.01",
    }

    refused = api_client.post(LIST, posted, format="json")
    body = api_client.post(LIST, MILK, format="json").json()

    assert refused.status_code == 400
    assert set(refused.json()) == {"description", "image_url", "price"}
    assert (body["description"], body["image_url"].startswith("https://tracker")) == (
        "Kroger® 2% Reduced Fat Milk",
        False,
    )
    assert Selection.objects.count() == 1


def test_a_product_kroger_does_not_know_is_a_404_and_nothing_is_saved(api_client, user):
    response = api_client.post(LIST, {**MILK, "product_id": "1234567890123"}, format="json")
    pick = SelectionFactory(owner=user, term="eggs", product_id="0001111040144")
    changed = api_client.patch(detail(pick.pk), {"product_id": "1234567890123"}, format="json")

    assert (response.status_code, changed.status_code) == (404, 404)
    assert response.json() == {"code": "not_found", "detail": "Kroger has no product with ID 1234567890123."}
    assert list(Selection.objects.values_list("product_id", flat=True)) == ["0001111040144"]


def test_a_store_kroger_does_not_know_is_a_404_and_nothing_is_saved(api_client):
    response = api_client.post(LIST, {**MILK, "location_id": "99999999"}, format="json")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Kroger has no store with ID 99999999."}
    assert not Selection.objects.exists()


def test_kroger_down_is_a_503_and_nothing_is_saved(api_client, kroger):
    kroger.set_fault("products", status=503, error_rate=1.0)

    response = api_client.post(LIST, MILK, format="json")

    assert response.status_code == 503 and response.json()["code"] == "kroger_unavailable"
    assert not Selection.objects.exists()


def test_saving_the_same_term_at_the_same_store_replaces_the_pick_with_200(api_client, user):
    first = api_client.post(LIST, MILK, format="json").json()

    again = api_client.post(
        LIST, {**MILK, "term": "MILK!", "product_id": WHOLE_MILK, "quantity": 1}, format="json"
    )

    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert (again.json()["product_id"], again.json()["description"]) == (
        WHOLE_MILK,
        "Kroger® Vitamin D Whole Milk",
    )
    assert Selection.objects.filter(owner=user).count() == 1


def test_same_term_at_another_store_or_any_store_is_a_separate_pick(api_client, user):
    api_client.post(LIST, MILK, format="json")

    other_store = api_client.post(LIST, {**MILK, "location_id": "01400376"}, format="json")
    any_store = api_client.post(LIST, {**MILK, "location_id": ""}, format="json")

    assert (other_store.status_code, any_store.status_code) == (201, 201)
    assert Selection.objects.filter(owner=user).count() == 3


def test_another_users_pick_for_the_same_term_is_untouched(api_client, other_user):
    theirs = SelectionFactory(owner=other_user, term="milk", location_id=STORE, product_id="1" * 13)

    response = api_client.post(LIST, MILK, format="json")

    assert response.status_code == 201
    theirs.refresh_from_db()
    assert theirs.product_id == "1" * 13


def test_list_is_newest_use_first_and_filters_by_term_and_store(api_client, user):
    now = timezone.now()
    old = SelectionFactory(owner=user, term="eggs", last_used_at=now - timedelta(days=3))
    new = SelectionFactory(owner=user, term="Milk", location_id=STORE, last_used_at=now)
    never = SelectionFactory(owner=user, term="milk", location_id="", last_used_at=None)

    everything = api_client.get(LIST).json()["results"]
    milk = api_client.get(LIST, {"term": "  MILK "}).json()["results"]
    at_store = api_client.get(LIST, {"location_id": STORE}).json()["results"]
    any_store = api_client.get(LIST, {"location_id": ""}).json()["results"]

    assert [s["id"] for s in everything] == [new.pk, old.pk, never.pk]
    assert {s["id"] for s in milk} == {new.pk, never.pk}
    assert [s["id"] for s in at_store] == [new.pk]
    assert {s["id"] for s in any_store} == {old.pk, never.pk}


def test_owner_updates_quantity_and_deletes(api_client, user):
    pick = SelectionFactory(owner=user, quantity=1)

    patch = api_client.patch(detail(pick.pk), {"quantity": 3}, format="json")
    delete = api_client.delete(detail(pick.pk))

    assert patch.status_code == 200 and patch.json()["quantity"] == 3
    assert delete.status_code == 204
    assert not Selection.objects.filter(pk=pick.pk).exists()


def test_put_replaces_the_whole_pick_with_krogers_details_of_the_new_product(api_client, user):
    pick = SelectionFactory(owner=user, brand="Old brand", description="Old milk")

    response = api_client.put(detail(pick.pk), {**MILK, "product_id": WHOLE_MILK}, format="json")

    assert response.status_code == 200
    pick.refresh_from_db()
    assert (pick.normalized_term, pick.product_id, pick.description, pick.quantity) == (
        "milk", WHOLE_MILK, "Kroger® Vitamin D Whole Milk", 2,
    )  # fmt: skip


def test_changing_only_the_quantity_keeps_the_product_without_asking_kroger(api_client, user, kroger):
    pick = SelectionFactory(owner=user, location_id=STORE, product_id="1234567890123", quantity=1)
    kroger.set_fault("products", status=503, error_rate=1.0)  # would fail the request if Kroger were asked

    response = api_client.patch(detail(pick.pk), {"quantity": 4}, format="json")

    assert response.status_code == 200
    assert (response.json()["quantity"], response.json()["product_id"]) == (4, "1234567890123")


def test_renaming_onto_an_existing_term_and_store_is_a_400_not_a_crash(api_client, user):
    SelectionFactory(owner=user, term="milk", location_id="")
    eggs = SelectionFactory(owner=user, term="eggs", location_id="")

    response = api_client.patch(detail(eggs.pk), {"term": "Milk"}, format="json")

    assert response.status_code == 400
    assert "term" in response.json()


def test_strangers_picks_are_not_listed(api_client, other_user):
    SelectionFactory(owner=other_user, term="milk")

    assert api_client.get(LIST).json()["count"] == 0
    assert api_client.get(LIST, {"term": "milk"}).json()["count"] == 0


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_stranger_gets_404_on_someone_elses_pick(api_client, other_user, method):
    pick = SelectionFactory(owner=other_user, quantity=1)

    response = getattr(api_client, method)(detail(pick.pk), {**MILK, "quantity": 9}, format="json")

    assert response.status_code == 404
    pick.refresh_from_db()
    assert pick.quantity == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"term": ""}, "term"),
        ({"term": "?!…"}, "term"),
        ({"term": "t" * 201}, "term"),
        ({"product_id": "123"}, "product_id"),
        ({"product_id": "000111104170a"}, "product_id"),
        ({"product_id": 1111041700}, "product_id"),
        ({"location_id": "0140094"}, "location_id"),
        ({"location_id": "014009431"}, "location_id"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": 100}, "quantity"),
        ({"quantity": 10**30}, "quantity"),
        ({"quantity": "two"}, "quantity"),
        ({"quantity": None}, "quantity"),
        ({"source": "robot"}, "source"),
        ({"reason": "r" * 301}, "reason"),
    ],
)
def test_invalid_picks_get_field_errors(api_client, change, field):
    response = api_client.post(LIST, {**MILK, **change}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Selection.objects.exists()


def test_a_pick_needs_only_a_term_and_a_product(api_client):
    response = api_client.post(LIST, {"term": "eggs", "product_id": "0001111040144"}, format="json")

    assert response.status_code == 201
    assert (response.json()["quantity"], response.json()["location_id"]) == (1, "")


def test_huge_ids_in_the_url_are_404(api_client):
    assert api_client.get(detail(10**30)).status_code == 404
    assert api_client.get(detail(2**63)).status_code == 404


def test_list_query_count_does_not_grow_with_rows(api_client, user, django_assert_max_num_queries):
    assert_list_queries_do_not_grow(
        api_client,
        LIST,
        lambda n: SelectionFactory.create_batch(n, owner=user),
        django_assert_max_num_queries,
    )


class TestServices:
    """remember_selection / find_selection, the interface the list and cart code builds on."""

    def test_remember_then_find_prefers_the_store_specific_pick(self, user):
        product = {"product_id": "0001111041700", "description": "Milk", "image_url": "https://x.test/m.jpg"}
        remember_selection(owner=user, term="milk", location_id="", product=product)
        store_pick, created = remember_selection(
            owner=user, term="Milk", location_id=STORE, product={**product, "product_id": "2" * 13}
        )

        assert created
        assert find_selection(household=household_of(user), term="MILK ", location_id=STORE) == store_pick
        assert (
            find_selection(household=household_of(user), term="milk", location_id="01400376").location_id
            == ""
        )
        assert find_selection(household=household_of(user), term="eggs", location_id=STORE) is None

    def test_remember_keeps_krogers_product_snapshot(self, user):
        product = Product(
            product_id="0001111041700", upc="0001111041700", description="Kroger Milk", brand="Kroger",
            size="1 gal", sold_by="UNIT", images={"medium": "https://x.test/milk.jpg"},
            regular_price=Decimal("3.99"), promo_price=Decimal("3.50"), stock_level="LOW", aisle="Dairy",
        )  # fmt: skip

        selection, created = remember_selection(owner=user, term="milk", product=product, quantity=2)

        assert created
        assert (selection.brand, selection.image_url, selection.price, selection.quantity) == (
            "Kroger", "https://x.test/milk.jpg", Decimal("3.50"), 2,
        )  # fmt: skip
        assert (selection.regular_price, selection.stock_level, selection.aisle) == (
            Decimal("3.99"), "LOW", "Dairy",
        )  # fmt: skip

    def test_remember_replaces_and_reports_not_created(self, user):
        remember_selection(owner=user, term="eggs", product={"product_id": "1" * 13})
        selection, created = remember_selection(owner=user, term=" Eggs", product={"product_id": "2" * 13})

        assert not created
        assert selection.product_id == "2" * 13
        assert Selection.objects.count() == 1

    def test_remember_refuses_an_empty_term(self, user):
        with pytest.raises(ValueError):
            remember_selection(owner=user, term=" !? ", product={"product_id": "1" * 13})

    def test_find_never_returns_another_households_pick(self, user, other_user):
        remember_selection(owner=other_user, term="milk", product={"product_id": "1" * 13})

        assert find_selection(household=household_of(user), term="milk", location_id="") is None


def test_the_fast_pick_representation_equals_drfs_generic_one(user):
    from rest_framework import serializers

    from shopping.serializers.memory import SelectionSerializer

    picks = [
        SelectionFactory(owner=user, price=Decimal("2"), location_id=STORE),
        SelectionFactory(owner=user, price=None, image_url="https://example.com/a.png", source="rules"),
    ]
    picks[0].last_used_at = picks[0].created_at
    picks[0].save()
    generic = SelectionSerializer()
    household = household_of(user)
    instances = list(Selection.objects.for_household(household).select_related("owner"))

    fast = SelectionSerializer(instances, many=True).data
    from_rows = SelectionSerializer(SelectionSerializer.rows(household.pk)[:10], many=True).data

    assert fast == [serializers.ModelSerializer.to_representation(generic, pick) for pick in instances]
    assert {row["id"] for row in fast} == {pick.pk for pick in picks}
    assert from_rows == fast
    assert fast[0]["price"] == "2.00" and fast[1]["price"] is None


def test_the_listed_picks_show_the_sale_price_and_who_remembered_each(api_client, user):
    user.display_name = "Robin"
    user.save()
    SelectionFactory(owner=user, term="milk", regular_price=Decimal("3.99"), promo_price=Decimal("3.50"))
    SelectionFactory(owner=user, term="eggs", regular_price=Decimal("2.49"), promo_price=None)

    listed = api_client.get("/api/selections").json()["results"]

    assert {pick["term"]: pick["price"] for pick in listed} == {"milk": "3.50", "eggs": "2.49"}
    assert [pick["added_by"] for pick in listed] == [{"id": user.pk, "display_name": "Robin"}] * 2


def test_a_list_that_fits_on_one_page_is_counted_without_a_count_query(
    api_client, user, django_assert_max_num_queries
):
    SelectionFactory.create_batch(5, owner=user)

    # At most the caller's household and the page itself (one row more than fits, to know).
    with django_assert_max_num_queries(2) as one_page:
        whole = api_client.get("/api/selections").json()
        counted_one = any("COUNT(" in query["sql"] for query in one_page.captured_queries)
    with django_assert_max_num_queries(3) as several_pages:  # more than one page: COUNT(*) too
        first = api_client.get("/api/selections", {"page_size": 2}).json()
        counted_several = any("COUNT(" in query["sql"] for query in several_pages.captured_queries)
    last = api_client.get("/api/selections", {"page_size": 2, "page": 3}).json()

    assert (whole["count"], len(whole["results"]), whole["next"]) == (5, 5, None)
    assert (first["count"], len(first["results"])) == (5, 2) and first["next"]
    assert (last["count"], len(last["results"]), last["next"]) == (5, 1, None)
    assert (counted_one, counted_several) == (False, True)


def test_a_token_request_finds_the_household_with_the_token_itself(user, django_assert_num_queries):
    SelectionFactory.create_batch(3, owner=user)
    ApiTokenFactory(user=user, secret=(secret := ApiToken.new_secret()))
    client = APIClient(headers={"Authorization": f"Bearer {secret}"})
    client.get("/api/selections")  # the first use also records when the token was last used

    with django_assert_num_queries(2):  # the token (with the user and household), then the picks
        listed = client.get("/api/selections").json()

    assert listed["count"] == 3


def test_a_token_user_without_a_household_gets_one_and_no_picks(user):
    Membership.objects.filter(user=user).delete()  # made outside sign-in, e.g. in the admin
    ApiTokenFactory(user=user, secret=(secret := ApiToken.new_secret()))
    client = APIClient(headers={"Authorization": f"Bearer {secret}"})

    listed = client.get("/api/selections").json()

    assert listed["count"] == 0
    assert Membership.objects.filter(user=user, role=Membership.Role.OWNER).exists()
