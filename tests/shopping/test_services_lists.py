"""List workflows: create, resolve (memory first, then the store), swap, remember, send the difference."""

import json
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from shopping.models import Guidance, ListItem, Selection
from shopping.services import list_sending, resolving
from shopping.services import lists as list_services
from shopping.services.line_picks import packages_for
from tests.factories import GuidanceFactory, SelectionFactory, UserFactory
from tests.helpers import OTHER_STORE, STORE

pytestmark = pytest.mark.django_db

KROGER = "https://kroger.sandbox.test"
MILK_GALLON = "0001111041700"  # Kroger® 2% Reduced Fat Milk, 1 gal (out of stock at STORE)
HALF_GALLON = "0001111040057"  # Kroger® 2% Reduced Fat Milk, 1/2 gal (in stock at STORE)
ORGANIC_MILK = "0001111042908"  # Simple Truth Organic® Whole Milk, 1/2 gal


TWENTY_FIVE_TERMS = [
    *("milk", "eggs", "bananas", "ground beef", "bread", "butter", "coffee", "chicken breast", "apples"),
    *("cheddar cheese", "yogurt", "rice", "pasta", "orange juice", "paper towels", "cereal", "tomatoes"),
    *("onions", "potatoes", "bacon", "lettuce", "carrots", "broccoli", "spinach", "salmon"),
]


@pytest.fixture
def shopper(db):
    return UserFactory(preferred_location_id=STORE)


def new_list(owner, text, **kwargs):
    return list_services.create_list_from_text(owner=owner, text=text, **kwargs)


def resolved(shopping_list):
    resolving.resolve_list(shopping_list=shopping_list)
    return {item.term: item for item in shopping_list.items.all()}


@pytest.fixture
def fake_kroger(kroger_http):
    """Kroger at the HTTP boundary, for answers the sandbox cannot give (empty results, failures)."""
    return kroger_http


def search_answers(mock, answers):
    """Answer /v1/products by term: {term: [product payloads]}; anything else finds nothing."""

    def reply(request):
        term = re.search(r"filter\.term=([^&]+)", request.url).group(1).replace("+", " ")
        return 200, {}, json.dumps({"data": answers.get(term, []), "meta": {"pagination": {"total": 0}}})

    mock.add_callback("GET", re.compile(f"{KROGER}/v1/products.*"), callback=reply)


def payload(product_id, description, price="1.99", brand="", size="1 ct"):
    return {
        "productId": product_id,
        "upc": product_id,
        "description": description,
        "brand": brand,
        "items": [
            {
                "size": size,
                "price": {"regular": float(price), "promo": 0},
                "inventory": {"stockLevel": "HIGH"},
                "fulfillment": {"curbside": True, "delivery": True, "inStore": True, "shipToHome": False},
            }
        ],
    }


# --- Creating -------------------------------------------------------------------------------


def test_pasted_text_becomes_pending_lines_for_the_preferred_store(shopper):
    shopping_list = new_list(shopper, "milk, 2 lb ground beef\n- [ ] a dozen eggs\n\neggs x2", name="Weekly")
    assert (shopping_list.name, shopping_list.location_id) == ("Weekly", STORE)
    lines = [(i.raw_text, i.term, i.quantity, i.amount, i.unit, i.status) for i in shopping_list.items.all()]
    assert lines == [
        ("milk", "milk", 1, None, "", "pending"),
        ("2 lb ground beef", "ground beef", 1, Decimal("2.00"), "lb", "pending"),
        ("- [ ] a dozen eggs", "eggs", 1, Decimal("1.00"), "dozen", "pending"),
        ("eggs x2", "eggs", 2, None, "", "pending"),
    ]


def test_a_list_can_be_for_another_store(shopper):
    assert new_list(shopper, "milk", location_id=OTHER_STORE).location_id == OTHER_STORE


def test_without_a_store_no_list_is_created():
    with pytest.raises(list_services.NoStoreChosen):
        new_list(UserFactory(preferred_location_id=""), "milk")


# --- Picking order --------------------------------------------------------------------------


def product_lookup(mock, products):
    """Answer /v1/products?filter.productId= with these payloads (whatever ids are asked)."""
    body = json.dumps({"data": products, "meta": {"pagination": {"total": len(products)}}})
    mock.add(responses.GET, re.compile(f"{KROGER}/v1/products\\?.*filter.productId=.*"), body=body)


def test_a_remembered_pick_wins_without_a_search_at_todays_price(shopper, fake_kroger):
    SelectionFactory(
        owner=shopper, term="Milk", location_id=STORE, product_id=MILK_GALLON, quantity=2, price="0.01"
    )
    shopping_list = new_list(shopper, "milk")
    product_lookup(fake_kroger, [payload(MILK_GALLON, "Kroger 2% Milk", price="3.49")])
    item = resolved(shopping_list)["milk"]
    lookups = [call for call in fake_kroger.calls if "/v1/products" in call.request.url]
    assert len(lookups) == 1 and "filter.term" not in lookups[0].request.url
    assert (item.status, item.source, item.product_id) == ("resolved", "memory", MILK_GALLON)
    assert item.reason == 'Remembered pick for "milk" at this store'
    assert (item.confidence, item.quantity, item.price, item.stock_level) == (1.0, 2, Decimal("3.49"), "HIGH")
    assert Selection.objects.get().last_used_at is not None


def test_a_remembered_pick_out_of_stock_today_needs_a_choice(shopper, kroger_sandbox):
    # The sandbox store has run out of the gallon of 2% milk.
    SelectionFactory(owner=shopper, term="milk", location_id=STORE, product_id=MILK_GALLON)
    item = resolved(new_list(shopper, "milk"))["milk"]
    assert (item.status, item.out_of_stock, item.product_id) == ("needs_choice", True, MILK_GALLON)
    assert "out of stock at this store today" in item.reason


def product_lookups(mock) -> list[dict]:
    """The query of every request made to Kroger with the app's token (all but fetching that
    token), as it went over HTTP."""
    return [
        {key: values[0] for key, values in parse_qs(urlsplit(call.request.url).query).items()}
        for call in mock.calls
        if not urlsplit(call.request.url).path.endswith("/oauth2/token")
    ]


def test_remembered_picks_are_checked_in_one_kroger_call_per_50(shopper, kroger_sandbox_http):
    terms = [f"thing {a}{b}" for a in "abcdef" for b in "abcdefghij"]  # 60 remembered lines
    for term in terms:
        SelectionFactory(owner=shopper, term=term, location_id=STORE, product_id=HALF_GALLON)
    shopping_list = new_list(shopper, "\n".join(terms))
    resolving.resolve_list(shopping_list=shopping_list)
    assert len(product_lookups(kroger_sandbox_http)) == 1  # one product, however many lines remember it
    assert set(shopping_list.items.values_list("status", flat=True)) == {"resolved"}
    for n, term in enumerate(terms[:55]):
        Selection.objects.filter(owner=shopper, term=term).update(product_id=f"{9000000000000 + n}")
    kroger_sandbox_http.calls.reset()
    resolving.resolve_list(
        shopping_list=shopping_list, item_ids=list(shopping_list.items.values_list("pk", flat=True))
    )
    lookups = product_lookups(kroger_sandbox_http)
    assert [len(params["filter.productId"].split(",")) for params in lookups] == [50, 5]


def test_a_store_specific_pick_beats_an_any_store_pick(shopper):
    SelectionFactory(owner=shopper, term="milk", location_id="", product_id=ORGANIC_MILK)
    SelectionFactory(owner=shopper, term="milk", location_id=STORE, product_id=MILK_GALLON)
    with responses.RequestsMock():
        assert resolved(new_list(shopper, "milk"))["milk"].product_id == MILK_GALLON


def test_an_any_store_pick_is_used_when_this_store_has_none(shopper):
    SelectionFactory(owner=shopper, term="milk", location_id="", product_id=ORGANIC_MILK)
    SelectionFactory(owner=shopper, term="milk", location_id=OTHER_STORE, product_id=MILK_GALLON)
    with responses.RequestsMock():
        item = resolved(new_list(shopper, "Milk"))["milk"]
    assert (item.product_id, item.reason) == (ORGANIC_MILK, 'Remembered pick for "milk" (any store)')


def test_another_shoppers_picks_are_never_used(shopper, kroger_sandbox):
    SelectionFactory(owner=UserFactory(), term="milk", location_id=STORE, product_id=ORGANIC_MILK)
    item = resolved(new_list(shopper, "milk"))["milk"]
    assert item.source == "rules"


def test_unremembered_lines_are_searched_at_the_store_and_ranked(shopper, kroger_sandbox):
    # Lines with one obvious pick at this store ("milk" alone needs a choice: whole or 2%?).
    items = resolved(new_list(shopper, "whole milk, organic bananas, a dozen eggs"))
    assert {item.status for item in items.values()} == {"resolved"}
    milk = items["whole milk"]
    assert "Whole Milk" in milk.description and "Chocolate" not in milk.description
    assert "Organic" in items["organic bananas"].description
    assert items["eggs"].size == "12 ct"
    assert milk.regular_price is not None and milk.image_url.startswith("http")
    assert 1 <= len(milk.alternatives) <= 5
    assert all(alt["product_id"] != milk.product_id for alt in milk.alternatives)


def test_guidance_decides_and_the_reason_names_it(shopper, kroger_sandbox):
    GuidanceFactory(owner=shopper, text="Free-range eggs; organic bananas")
    items = resolved(new_list(shopper, "eggs, bananas"))
    assert {item.status for item in items.values()} == {"resolved"}
    assert "Free Range" in items["eggs"].description
    assert items["eggs"].reason.startswith("Your guidance: “Free-range eggs”")
    assert "Organic" in items["bananas"].description
    assert items["bananas"].reason.startswith("Your guidance: “organic bananas”")


def test_a_poor_match_needs_the_shoppers_choice(shopper, fake_kroger):
    search_answers(fake_kroger, {"banana": [payload("0004300020540", "Jell-O Banana Cream Pudding")]})
    item = resolved(new_list(shopper, "banana"))["banana"]
    assert (item.status, item.get_status_display()) == ("needs_choice", "Needs your choice")
    assert item.product_id == "0004300020540"


def test_when_nothing_matches_the_head_noun_is_tried(shopper, fake_kroger):
    search_answers(fake_kroger, {"spinach": [payload("0001111091234", "Simple Truth Organic Baby Spinach")]})
    item = resolved(new_list(shopper, "organic baby spinach leaves"))["organic baby spinach leaves"]
    assert item.product_id == "0001111091234"
    assert item.status == "needs_choice"
    assert (
        item.reason
        == 'Nothing matched "organic baby spinach leaves", so searched for "spinach": please check'
    )


def test_nothing_found_is_said_plainly(shopper, fake_kroger):
    search_answers(fake_kroger, {})
    item = resolved(new_list(shopper, "dragonfruit"))["dragonfruit"]
    assert (item.status, item.reason, item.product_id) == (
        "not_found",
        'Nothing for "dragonfruit" at this store',
        "",
    )


def test_a_kroger_failure_marks_the_line_and_a_later_resolve_retries_it(shopper, fake_kroger):
    fake_kroger.get(re.compile(f"{KROGER}/v1/products.*"), status=503, json={"errors": {"reason": "down"}})
    shopping_list = new_list(shopper, "milk")
    item = resolved(shopping_list)["milk"]
    assert item.status == "error"
    assert item.reason == "Kroger is not responding right now. Please try again in a few minutes."
    fake_kroger.replace(
        responses.GET,
        re.compile(f"{KROGER}/v1/products.*"),
        json={"data": [payload(MILK_GALLON, "Kroger 2% Milk")]},
    )
    assert resolved(shopping_list)["milk"].status == "resolved"


@pytest.mark.parametrize("lines", [3, 25])
def test_remembered_lines_cost_a_constant_number_of_queries_and_searched_lines_one_save_each(
    shopper, kroger_sandbox, django_assert_max_num_queries, lines
):
    """Each searched line is saved the moment it is picked (a killed resolve keeps it)."""
    terms = TWENTY_FIVE_TERMS
    for term in terms[:lines:2]:
        SelectionFactory(owner=shopper, term=term, location_id=STORE, product_id=MILK_GALLON)
    GuidanceFactory(owner=shopper, text="organic milk")
    shopping_list = new_list(shopper, "\n".join(terms[:lines]))
    searched = lines // 2
    with django_assert_max_num_queries(10 + searched):
        resolving.resolve_list(shopping_list=shopping_list)
    assert not shopping_list.items.filter(status="pending").exists()


# --- Changing a line ------------------------------------------------------------------------


def test_choosing_an_alternative_swaps_and_keeps_the_old_pick_as_an_alternative(shopper, kroger_sandbox):
    item = resolved(new_list(shopper, "milk"))["milk"]
    old, new = item.product_id, item.alternatives[2]["product_id"]
    list_services.choose_product(item=item, product_id=new)
    item.refresh_from_db()
    assert (item.product_id, item.source, item.status, item.reason) == (
        new,
        "user",
        "resolved",
        "Your choice",
    )
    assert old in [alt["product_id"] for alt in item.alternatives]
    assert new not in [alt["product_id"] for alt in item.alternatives]


def test_a_product_outside_the_alternatives_is_checked_with_kroger_for_the_store(shopper, kroger_sandbox):
    item = resolved(new_list(shopper, "bananas"))["bananas"]
    list_services.choose_product(item=item, product_id=MILK_GALLON)
    item.refresh_from_db()
    assert (item.product_id, item.description) == (MILK_GALLON, "Kroger® 2% Reduced Fat Milk")
    assert item.regular_price is not None


@pytest.mark.parametrize("product_id", ["9999999999999", "12345", "0001111041700; DROP TABLE"])
def test_a_product_kroger_does_not_sell_here_cannot_be_chosen(shopper, kroger_sandbox, product_id):
    item = resolved(new_list(shopper, "milk"))["milk"]
    before = item.product_id
    with pytest.raises(list_services.ProductNotAvailable):
        list_services.choose_product(item=item, product_id=product_id)
    item.refresh_from_db()
    assert item.product_id == before


def test_confirming_a_needs_choice_pick_resolves_it_and_asks_to_remember_it(shopper, fake_kroger):
    pudding = payload("0004300020540", "Jell-O Banana Cream Pudding", brand="Jell-O")
    search_answers(fake_kroger, {"banana": [pudding]})
    item = resolved(new_list(shopper, "banana"))["banana"]
    assert (item.status, item.ask_to_remember) == ("needs_choice", False)
    list_services.choose_product(item=item, product_id="0004300020540")
    item.refresh_from_db()
    assert (item.status, item.reason, item.ask_to_remember) == ("resolved", "Your choice", True)
    assert item.suggested_guidance == "Prefer Jell-O for banana"

    list_services.remember_item(item=item)
    item.refresh_from_db()
    assert item.ask_to_remember is False


def test_swapping_a_line_the_picker_was_sure_of_does_not_ask(shopper):
    item = new_list(shopper, "milk").items.get()
    whole = {"product_id": "0001111040060", "description": "Kroger® Vitamin D Whole Milk"}
    item.status, item.source, item.product_id, item.alternatives = "resolved", "rules", MILK_GALLON, [whole]
    item.save()
    list_services.choose_product(item=item, product_id=whole["product_id"])  # a stored alternative
    item.refresh_from_db()
    assert (item.product_id, item.source, item.ask_to_remember) == (whole["product_id"], "user", False)


def test_searching_again_searches_the_new_words_and_keeps_the_lines_term(shopper, kroger_sandbox):
    item = resolved(new_list(shopper, "milk"))["milk"]
    list_services.search_again(item=item, text="Chopped  Bananas!")
    item.refresh_from_db()
    assert (item.term, item.search_text) == ("milk", "Chopped Bananas!")
    assert "Banana" in item.description


def test_searching_again_for_the_lines_own_term_goes_back_to_it(shopper, kroger_sandbox):
    item = resolved(new_list(shopper, "milk"))["milk"]
    list_services.search_again(item=item, text="bananas")
    list_services.search_again(item=item, text="Milk")
    item.refresh_from_db()
    assert (item.term, item.search_text) == ("milk", "")
    assert "Milk" in item.description


def test_a_pick_found_by_searching_again_is_remembered_for_what_the_list_says(shopper, kroger_sandbox):
    item = resolved(new_list(shopper, "milk"))["milk"]
    list_services.search_again(item=item, text="organic whole milk")
    list_services.choose_product(item=item, product_id=item.alternatives[0]["product_id"])
    selection = list_services.remember_item(item=item, guidance_text="Organic for the kids")
    assert selection.term == "milk"
    assert Guidance.objects.get(owner=shopper).applies_to == "milk"
    with responses.RequestsMock():  # no routes: the next list must not search at all
        again = resolved(new_list(shopper, "milk"))["milk"]
    assert (again.status, again.source, again.product_id) == ("resolved", "memory", item.product_id)


def test_searching_again_with_other_words_searches_even_when_the_term_is_remembered(shopper, kroger_sandbox):
    SelectionFactory(owner=shopper, term="milk", location_id=STORE, product_id=MILK_GALLON)
    item = resolved(new_list(shopper, "milk"))["milk"]
    assert item.source == "memory"
    list_services.search_again(item=item, text="bananas")
    item.refresh_from_db()
    assert item.source != "memory" and "Banana" in item.description


def test_remembering_a_line_makes_the_next_list_skip_the_search(shopper, kroger_sandbox):
    item = resolved(new_list(shopper, "milk"))["milk"]
    list_services.choose_product(item=item, product_id=item.alternatives[0]["product_id"])
    selection = list_services.remember_item(item=item, guidance_text="Prefer whole milk")
    assert (selection.term, selection.location_id, selection.product_id) == ("milk", STORE, item.product_id)
    assert Guidance.objects.get(owner=shopper).applies_to == "milk"
    with responses.RequestsMock():
        again = resolved(new_list(shopper, "Milk"))["milk"]
    assert (again.product_id, again.source) == (item.product_id, "memory")


def test_a_line_without_a_product_cannot_be_remembered(shopper):
    item = new_list(shopper, "milk").items.get()
    with pytest.raises(list_services.ItemHasNoProduct):
        list_services.remember_item(item=item)


# --- Sending --------------------------------------------------------------------------------


@pytest.fixture
def sent_list(shopper, kroger_sandbox, connect_kroger):
    profile_id = connect_kroger(shopper)
    shopping_list = new_list(shopper, "whole milk x2\norganic bananas\na dozen eggs")
    resolving.resolve_list(shopping_list=shopping_list)
    list_sending.send_list_to_cart(shopping_list=shopping_list, user=shopper)
    shopping_list.refresh_from_db()
    return shopping_list, profile_id


def cart(kroger_sandbox, profile_id):
    return {row["upc"]: row["quantity"] for row in kroger_sandbox.cart_for(profile_id)}


def test_sending_puts_exactly_the_picked_products_in_the_cart(sent_list, kroger_sandbox):
    shopping_list, profile_id = sent_list
    picked = {item.product_id: item.quantity for item in shopping_list.items.all()}
    assert cart(kroger_sandbox, profile_id) == picked
    assert all(item.in_cart for item in shopping_list.items.all())
    assert shopping_list.last_sent_at is not None
    assert shopping_list.cart_sends.get().status == "succeeded"


def test_lines_that_need_a_choice_are_not_sent(shopper, fake_kroger, connect_kroger):
    search_answers(fake_kroger, {"banana": [payload("0004300020540", "Jell-O Banana Cream Pudding")]})
    shopping_list = new_list(shopper, "banana")
    resolving.resolve_list(shopping_list=shopping_list)
    result = list_sending.send_list_to_cart(shopping_list=shopping_list, user=shopper)
    assert (result.plan.lines, result.cart_send) == ([], None)
    assert result.detail.startswith("Nothing new to send")


def test_sending_again_needs_confirmation_and_sends_only_the_difference(sent_list, kroger_sandbox):
    shopping_list, profile_id = sent_list
    items = {item.term: item for item in shopping_list.items.all()}
    items["whole milk"].quantity = 3  # one more
    items["whole milk"].save()
    list_services.choose_product(item=items["eggs"], product_id=items["eggs"].alternatives[0]["product_id"])
    new_eggs = items["eggs"].product_id
    ListItem.objects.create(shopping_list=shopping_list, raw_text="lemons", term="lemons", position=9)
    resolving.resolve_list(shopping_list=shopping_list)
    lemons = shopping_list.items.get(term="lemons").product_id
    before = cart(kroger_sandbox, profile_id)

    with pytest.raises(list_sending.ConfirmationRequired) as asked:
        list_sending.send_list_to_cart(shopping_list=shopping_list, user=shopper_of(shopping_list))
    changes = [(line.item.term, line.quantity, line.change) for line in asked.value.plan.lines]
    assert changes == [("whole milk", 1, "more"), ("eggs", 1, "changed"), ("lemons", 1, "new")]
    assert [item.term for item in asked.value.plan.left_in_cart] == ["eggs"]
    assert cart(kroger_sandbox, profile_id) == before

    list_sending.send_list_to_cart(shopping_list=shopping_list, user=shopper_of(shopping_list), confirm=True)
    after = cart(kroger_sandbox, profile_id)
    milk = items["whole milk"].product_id
    assert after[milk] == before[milk] + 1
    assert after[new_eggs] == 1 and after[lemons] == 1
    assert list_sending.plan_send(shopping_list).lines == []


def shopper_of(shopping_list):
    return shopping_list.owner


def test_a_second_send_with_nothing_changed_adds_nothing(sent_list, kroger_sandbox):
    shopping_list, profile_id = sent_list
    before = cart(kroger_sandbox, profile_id)
    result = list_sending.send_list_to_cart(
        shopping_list=shopping_list, user=shopping_list.owner, confirm=True
    )
    assert result.cart_send is None
    assert cart(kroger_sandbox, profile_id) == before


def test_two_lines_with_the_same_product_go_as_one_cart_item(shopper, kroger_sandbox, connect_kroger):
    profile_id = connect_kroger(shopper)
    SelectionFactory(owner=shopper, term="milk", location_id=STORE, product_id=HALF_GALLON)
    SelectionFactory(owner=shopper, term="2% milk", location_id=STORE, product_id=HALF_GALLON)
    shopping_list = new_list(shopper, "milk\n2% milk x2")
    resolving.resolve_list(shopping_list=shopping_list)
    list_sending.send_list_to_cart(shopping_list=shopping_list, user=shopper)
    assert kroger_sandbox.cart_for(profile_id) == [{"upc": HALF_GALLON, "quantity": 3, "modality": "PICKUP"}]


def test_a_remembered_product_kroger_does_not_sell_here_is_held_back_not_sent(
    shopper, kroger_sandbox, connect_kroger
):
    profile_id = connect_kroger(shopper)
    # A pick typed into the selections API with a made-up UPC, and a real one from memory.
    SelectionFactory(owner=shopper, term="unicorn milk", location_id="", product_id="0000000000042")
    SelectionFactory(owner=shopper, term="milk", location_id="", product_id=HALF_GALLON, price="0.01")
    shopping_list = new_list(shopper, "unicorn milk\nmilk")
    # Remembered: no search, and both picks are checked with Kroger when resolving (so the made-up
    # one needs a choice at once) and again when sending.
    resolving.resolve_list(shopping_list=shopping_list)
    unicorn = shopping_list.items.get(term="unicorn milk")
    assert unicorn.status == "needs_choice"
    ListItem.objects.filter(pk=unicorn.pk).update(status="resolved")  # as if settled before Kroger changed

    result = list_sending.send_list_to_cart(shopping_list=shopping_list, user=shopper)

    assert kroger_sandbox.cart_for(profile_id) == [{"upc": HALF_GALLON, "quantity": 1, "modality": "PICKUP"}]
    unicorn = shopping_list.items.get(term="unicorn milk")
    assert (unicorn.status, unicorn.sent_product_id) == ("needs_choice", "")
    assert "not sell the remembered product at this store" in unicorn.reason
    assert [item.term for item in result.plan.held_back] == ["unicorn milk"]
    assert "Not sent: unicorn milk (not sold here)" in result.detail
    milk = shopping_list.items.get(term="milk")
    assert milk.in_cart and milk.price > Decimal("0.01")  # today's price, not the remembered one


def test_confirming_a_remembered_pick_checks_it_with_kroger_for_the_store(shopper, kroger_sandbox):
    SelectionFactory(owner=shopper, term="unicorn milk", location_id="", product_id="0000000000042")
    SelectionFactory(owner=shopper, term="milk", location_id="", product_id=MILK_GALLON, description="old")
    items = resolved(new_list(shopper, "unicorn milk\nmilk"))

    with pytest.raises(list_services.ProductNotAvailable):
        list_services.choose_product(item=items["unicorn milk"], product_id="0000000000042")
    milk = list_services.choose_product(item=items["milk"], product_id=MILK_GALLON)

    assert (milk.source, milk.description) == ("user", "Kroger® 2% Reduced Fat Milk")  # fresh from Kroger
    assert milk.regular_price is not None
    assert MILK_GALLON not in [a["product_id"] for a in milk.alternatives]


def test_the_assistant_picks_among_the_stores_candidates_when_configured(shopper, fake_kroger, settings):
    from tests.shopping.test_picking_assistant import StandIn

    llm = StandIn()
    llm.thread.start()
    try:
        settings.LLM_API_BASE_URL, settings.LLM_MODEL, settings.LLM_API_KEY = llm.url, "test-model", ""
        fake_kroger.add_passthru(llm.url)
        search_answers(
            fake_kroger,
            {
                "eggs": [
                    payload("0001111060933", "Kroger Grade A Large Eggs", "2.49"),
                    payload("0007797502101", "Vital Farms Pasture-Raised Large Eggs", "6.49"),
                ]
            },
        )
        llm.answer("0007797502101", "Pasture-raised, as you like.")
        item = resolved(new_list(shopper, "eggs"))["eggs"]
    finally:
        llm.release.set()
        llm.server.shutdown()
        llm.server.server_close()
    # The assistant overruled the rules' pick (the cheaper Kroger eggs), so the shopper confirms it.
    assert (item.product_id, item.source, item.status) == ("0007797502101", "assistant", "needs_choice")
    assert item.reason == "Assistant's pick: Pasture-raised, as you like."
    assert [alt["product_id"] for alt in item.alternatives] == ["0001111060933"]


def test_searching_again_for_symbols_only_says_the_term_is_too_short(shopper, kroger_sandbox):
    item = resolved(new_list(shopper, "milk"))["milk"]
    list_services.search_again(item=item, text="%%&&")
    item.refresh_from_db()
    assert (item.term, item.search_text, item.status, item.product_id) == ("milk", "%%&&", "not_found", "")
    assert item.reason == "Too short to search for: type a longer name"


def test_the_amount_on_the_line_sets_how_many_packages_to_buy(shopper, fake_kroger):
    beef = [payload("0001111097777", "Kroger 80% Lean Ground Beef", "4.99", size="1 lb")]
    search_answers(fake_kroger, {"ground beef": beef})
    item = resolved(new_list(shopper, "2 lb ground beef"))["ground beef"]
    assert (item.size, item.quantity) == ("1 lb", 2)


@pytest.mark.parametrize(
    ("amount", "unit", "size", "packages"),
    [
        (Decimal(2), "lb", "1 lb", 2),
        (Decimal("1.5"), "lb", "1.4 lb", 1),
        (Decimal("1.5"), "lb", "3 lb", 1),
        (Decimal(16), "oz", "8 oz", 2),
        (Decimal(1), "gal", "1/2 gal", 2),
        (Decimal(1), "cup", "5 lb", 1),
        (None, "", "1 lb", 1),
        (Decimal(3), "", "1 lb", 1),
    ],
)
def test_packages_for_the_amount_on_the_line(amount, unit, size, packages):
    assert packages_for(amount, unit, size) == packages


def test_the_page_resolving_one_line_resolves_its_remembered_siblings_in_the_same_lookup(
    shopper, kroger_sandbox_http, django_assert_max_num_queries
):
    for term in ("milk", "skim milk", "oat milk"):
        SelectionFactory(owner=shopper, term=term, location_id=STORE, product_id=HALF_GALLON)
    shopping_list = new_list(shopper, "milk\nskim milk\noat milk\norganic bananas")
    first = shopping_list.items.get(term="milk")
    with django_assert_max_num_queries(8):
        resolved_now = resolving.resolve_line(item=first)
    assert sorted(item.term for item in resolved_now) == ["milk", "oat milk", "skim milk"]
    lookups = product_lookups(kroger_sandbox_http)
    assert len(lookups) == 1 and "filter.productId" in lookups[0]
    statuses = dict(shopping_list.items.values_list("term", "status"))
    assert statuses == {
        "milk": "resolved",
        "skim milk": "resolved",
        "oat milk": "resolved",
        "organic bananas": "pending",
    }
