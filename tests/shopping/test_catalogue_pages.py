"""The store finder and product search pages, against the sandbox (and failures via `responses`)."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shopping.models import CartSend, Selection
from tests.factories import GuidanceFactory
from tests.helpers import STORE

pytestmark = pytest.mark.django_db

BASE = "https://kroger.sandbox.test"
CINCINNATI = STORE
WHOLE_MILK = "0001111040060"  # on sale at the Cincinnati store: $3.69, now $2.99


@pytest.fixture
def shopper(user):
    user.preferred_location_id = CINCINNATI
    user.preferred_location_name = "Kroger - Over-the-Rhine"
    user.save()
    return user


def text(response) -> str:
    """The page's visible text, roughly: tags dropped, spacing collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


class TestStoreFinder:
    def test_signed_out_visitors_are_sent_to_sign_in(self, db):
        response = Client().get("/stores/")

        assert response.status_code == 302
        assert "next=/stores/" in response["Location"]

    def test_lists_stores_near_a_zip_with_address_and_todays_hours(self, logged_in_client, kroger_sandbox):
        response = logged_in_client.get("/stores/", {"zip_code": "45202"})

        page = text(response)
        assert response.status_code == 200
        assert "Kroger - Over-the-Rhine" in page
        assert "1400 Vine St, Cincinnati, OH 45202" in page
        assert re.search(r"\(513\) \d{3}-\d{4}", page)
        assert "Open 24 hours" in page  # the Corryville store
        assert re.search(r"Open today \d{1,2}(:\d\d)? [ap]m – (\d{1,2}(:\d\d)? [ap]m|midnight)", page)
        assert page.index("Over-the-Rhine") < page.index("Norwood")  # nearest first
        distances = [float(miles) for miles in re.findall(r"(\d+\.\d) mi\b", page)]
        assert len(distances) == page.count("Choose this store") and distances == sorted(distances)
        assert page.count("Choose this store") == response.content.decode().count('<li class="card') > 1

    def test_the_current_store_is_highlighted_not_offered(self, shopper, logged_in_client, kroger_sandbox):
        response = logged_in_client.get("/stores/", {"zip_code": "45202"})

        html = response.content.decode()
        current = html[html.index('aria-current="true"') :][:600]
        assert "Kroger - Over-the-Rhine" in current
        assert "Your store" in current
        assert text(response).count("Choose this store") == html.count('<li class="card') - 1

    def test_a_bad_zip_is_explained(self, logged_in_client, kroger_http):
        response = logged_in_client.get("/stores/", {"zip_code": "452"})

        assert "Enter a 5-digit ZIP code." in text(response)
        assert len(kroger_http.calls) == 0

    def test_choosing_a_store_saves_it(self, user, logged_in_client, kroger_sandbox):
        response = logged_in_client.post(
            "/stores/choose", {"location_id": CINCINNATI, "zip_code": "45202"}, follow=True
        )

        user.refresh_from_db()
        assert user.preferred_location_id == CINCINNATI
        assert user.preferred_location_address == "1400 Vine St, Cincinnati, OH 45202"
        assert "Kroger - Over-the-Rhine is now your store." in messages_of(response)
        assert "Your store" in text(response)

    def test_choosing_an_unknown_store_changes_nothing(self, shopper, logged_in_client, kroger_sandbox):
        response = logged_in_client.post("/stores/choose", {"location_id": "99999999"}, follow=True)

        shopper.refresh_from_db()
        assert shopper.preferred_location_id == CINCINNATI
        assert messages_of(response) == ["No Kroger store has the location ID 99999999."]

    def test_kroger_down_shows_a_friendly_banner(self, logged_in_client, kroger_http):
        kroger_http.get(
            f"{BASE}/v1/locations", status=500, json={"errors": {"reason": "Internal server error"}}
        )

        response = logged_in_client.get("/stores/", {"zip_code": "45202"})

        assert response.status_code == 200
        assert "We couldn't look up stores just now." in text(response)
        assert "Kroger is not responding right now." in text(response)


class TestProductSearch:
    def test_results_show_price_size_aisle_and_stock(self, shopper, logged_in_client, kroger_sandbox):
        response = logged_in_client.get("/products/", {"term": "milk"})

        page = text(response)
        assert response.status_code == 200
        assert "Kroger® 2% Reduced Fat Milk" in page
        assert "$2.39" in page
        assert "1/2 gal" in page
        assert "Dairy" in page
        assert "Low stock" in page
        assert "Out of stock" in page
        assert "Prices and stock at Kroger - Over-the-Rhine" in page

    def test_an_out_of_stock_product_cannot_be_added_from_the_page(
        self, shopper, logged_in_client, kroger_sandbox
    ):
        response = logged_in_client.get("/products/", {"term": "milk"})

        cards = response.content.decode().split('<li class="card">')[1:]
        out = [card for card in cards if "Out of stock at this store" in card]
        available = [card for card in cards if "Out of stock" not in card]
        assert out and available
        for card in out:
            assert 'action="/products/add-to-cart"' not in card
            assert re.search(r'<button type="button" class="button button-small" disabled', card)
        for card in available:
            assert 'action="/products/add-to-cart"' in card and " disabled" not in card

    def test_a_sale_price_is_highlighted_with_the_regular_price_struck_through(
        self, shopper, logged_in_client, kroger_sandbox
    ):
        response = logged_in_client.get("/products/", {"term": "milk"})

        html = response.content.decode()
        card = html[html.index("Kroger® Vitamin D Whole Milk") :][:1500]
        assert re.search(r'class="price price-sale">\$2\.99<', card)
        assert re.search(r'class="price-was">.*<s>\$3\.69</s>', card)

    def test_without_a_store_the_page_says_to_choose_one(self, logged_in_client, kroger_sandbox):
        response = logged_in_client.get("/products/", {"term": "bananas"})

        page = text(response)
        assert "Choose a store to see prices and availability." in page
        assert "Bananas" in page
        assert "$" not in page

    def test_next_and_previous_pages(self, shopper, logged_in_client, kroger_sandbox):
        first = logged_in_client.get("/products/", {"term": "milk"})
        second = logged_in_client.get("/products/", {"term": "milk", "start": "12"})

        assert 'href="/products/?term=milk&amp;start=12" rel="next"' in first.content.decode()
        assert "Previous" not in text(first)
        assert 'href="/products/?term=milk&amp;start=0" rel="prev"' in second.content.decode()
        assert 'value="0001111040057"' in first.content.decode()  # the first result
        assert 'value="0001111040057"' not in second.content.decode()

    def test_a_short_term_is_explained_without_calling_kroger(self, logged_in_client, kroger_http):
        response = logged_in_client.get("/products/", {"term": "mi"})

        assert "Enter at least 3 characters." in text(response)
        assert len(kroger_http.calls) == 0

    def test_a_two_character_chinese_word_is_searched_as_kroger_takes_it(
        self, shopper, logged_in_client, kroger_http
    ):
        kroger_http.get(f"{BASE}/v1/products", json={"data": [], "meta": {"pagination": {"total": 0}}})

        response = logged_in_client.get("/products/", {"term": "牛奶"})

        assert "Enter at least 3 characters." not in text(response)
        searches = [urlsplit(call.request.url) for call in kroger_http.calls]
        terms = [parse_qs(url.query)["filter.term"][0] for url in searches if url.path == "/v1/products"]
        assert terms == ["牛 奶"]
        assert 'value="牛奶"' in response.content.decode()  # the box keeps what was typed

    @pytest.mark.parametrize("term", ["牛", "mi", "米 "])
    def test_a_term_too_short_even_for_that_is_explained(self, logged_in_client, kroger_http, term):
        response = logged_in_client.get("/products/", {"term": term})

        assert "Enter at least 3 characters." in text(response)
        assert len(kroger_http.calls) == 0

    @pytest.mark.parametrize(
        ("reply", "message"),
        [
            ({"status": 503, "json": {"errors": {"reason": "down"}}}, "Kroger is not responding right now."),
            ({"body": requests.exceptions.ReadTimeout("slow")}, "Kroger is not responding right now."),
            (
                {"status": 429, "json": {"errors": {"reason": "busy"}}},
                "Kroger is receiving too many requests",
            ),
        ],
    )
    def test_kroger_trouble_shows_a_friendly_banner(
        self, shopper, logged_in_client, kroger_http, reply, message
    ):
        kroger_http.get(f"{BASE}/v1/products", **reply)

        response = logged_in_client.get("/products/", {"term": "milk"})

        assert response.status_code == 200
        assert "We couldn't search Kroger just now." in text(response)
        assert message in text(response)


class TestAddToCart:
    def test_adds_and_says_what_was_added(self, shopper, logged_in_client, connect_kroger, kroger_sandbox):
        profile_id = connect_kroger(shopper)

        response = logged_in_client.post(
            "/products/add-to-cart",
            {
                "upc": "0001111040057",
                "quantity": "2",
                "description": "Kroger® 2% Reduced Fat Milk",
                "idempotency_key": "form-1",
                "next": "/products/?term=milk",
            },
            follow=True,
        )

        assert response.redirect_chain[-1][0] == "/products/?term=milk"
        assert messages_of(response) == ["Added 2 × Kroger® 2% Reduced Fat Milk to your Kroger cart."]
        assert kroger_sandbox.cart_for(profile_id) == [
            {"upc": "0001111040057", "quantity": 2, "modality": "PICKUP"}
        ]
        assert CartSend.objects.get(owner=shopper).status == CartSend.Status.SUCCEEDED

    def test_with_a_background_worker_the_form_still_says_at_once_that_it_went_in(
        self,
        broker,
        shopper,
        logged_in_client,
        connect_kroger,
        kroger_sandbox,
        django_capture_on_commit_callbacks,
    ):
        """One item, one Kroger call: the shopper pressed "Add" and learns the outcome on the next
        page, rather than "Sending…" with no page to follow it on."""
        profile_id = connect_kroger(shopper)
        form = {"upc": "0001111040057", "quantity": "1", "description": "Milk", "idempotency_key": "form-bg"}

        with django_capture_on_commit_callbacks() as queued:
            response = logged_in_client.post("/products/add-to-cart", form, follow=True)

        assert messages_of(response) == ["Added 1 × Milk to your Kroger cart."]
        assert kroger_sandbox.cart_for(profile_id) == [
            {"upc": "0001111040057", "quantity": 1, "modality": "PICKUP"}
        ]
        assert queued == [] and CartSend.objects.get(owner=shopper).status == CartSend.Status.SUCCEEDED

    def test_a_double_submitted_form_adds_once(
        self, shopper, logged_in_client, connect_kroger, kroger_sandbox
    ):
        profile_id = connect_kroger(shopper)
        form = {"upc": "0001111040057", "quantity": "1", "description": "Milk", "idempotency_key": "form-2"}

        logged_in_client.post("/products/add-to-cart", form)
        response = logged_in_client.post("/products/add-to-cart", form, follow=True)

        assert messages_of(response)[-1] == "1 × Milk was already added to your Kroger cart."
        assert kroger_sandbox.cart_for(profile_id)[0]["quantity"] == 1

    def test_an_unsafe_next_url_is_ignored(self, shopper, logged_in_client, connect_kroger, kroger_sandbox):
        connect_kroger(shopper)

        response = logged_in_client.post(
            "/products/add-to-cart",
            {"upc": "0001111040057", "quantity": "1", "next": "https://evil.example/"},
        )

        assert response["Location"] == "/products/"

    def test_a_bad_quantity_is_explained(self, shopper, logged_in_client):
        response = logged_in_client.post(
            "/products/add-to-cart", {"upc": "0001111040057", "quantity": "0"}, follow=True
        )

        assert messages_of(response)[0].startswith("That item could not be added:")
        assert not CartSend.objects.exists()

    def test_a_lost_kroger_connection_is_explained(self, shopper, logged_in_client, kroger_sandbox):
        response = logged_in_client.post(
            "/products/add-to-cart",
            {"upc": "0001111040057", "quantity": "1", "description": "Milk"},
            follow=True,
        )

        assert messages_of(response) == [
            "1 × Milk was not added. Your Kroger connection has expired. "
            "Please reconnect your Kroger account."
        ]

    def test_no_answer_from_kroger_tells_the_shopper_to_check_their_cart(
        self, shopper, logged_in_client, settings
    ):
        from tests.factories import KrogerTokenFactory

        settings.KROGER_MAX_RETRIES = 0
        KrogerTokenFactory(user=shopper)
        with responses.RequestsMock() as mock:
            mock.put(f"{BASE}/v1/cart/add", body=requests.exceptions.ReadTimeout("no answer"))
            response = logged_in_client.post(
                "/products/add-to-cart",
                {"upc": "0001111040057", "quantity": "1", "description": "Milk"},
                follow=True,
            )

        assert "may or may not be in your Kroger cart" in messages_of(response)[0]
        assert CartSend.objects.get(owner=shopper).status == CartSend.Status.UNKNOWN


class TestRememberFor:
    def test_remembers_the_product_for_the_term_at_my_store(self, shopper, logged_in_client, kroger_sandbox):
        response = logged_in_client.post(
            "/products/remember",
            {"product_id": WHOLE_MILK, "term": "milk", "next": "/products/?term=milk"},
            follow=True,
        )

        selection = Selection.objects.get(owner=shopper)
        assert (selection.term, selection.location_id, selection.product_id) == (
            "milk",
            CINCINNATI,
            WHOLE_MILK,
        )
        assert selection.description == "Kroger® Vitamin D Whole Milk"
        assert messages_of(response) == ["Remembered Kroger® Vitamin D Whole Milk for “milk” at your store."]

    def test_a_bad_term_is_explained(self, shopper, logged_in_client, kroger_sandbox):
        response = logged_in_client.post(
            "/products/remember", {"product_id": WHOLE_MILK, "term": "x"}, follow=True
        )

        assert messages_of(response) == ["Not remembered: Enter at least 3 characters."]
        assert not Selection.objects.exists()

    def test_a_two_character_chinese_word_can_be_remembered(self, shopper, logged_in_client, kroger_sandbox):
        logged_in_client.post("/products/remember", {"product_id": WHOLE_MILK, "term": "牛奶"})

        assert Selection.objects.get(owner=shopper).term == "牛奶"


def cards_of(response) -> list[str]:
    return re.findall(r'<li class="card[^"]*">(.*?)</li>', response.content.decode(), re.S)


def name_of(card: str) -> str:
    return re.search(r'<h2 class="product-name">(.*?)</h2>', card).group(1)


class TestExclusionsOnTheSearchPage:
    def test_every_peanut_product_is_marked_with_the_reason(self, shopper, logged_in_client, kroger_sandbox):
        GuidanceFactory(owner=shopper, text="no peanuts - allergy")

        with CaptureQueriesContext(connection) as queries:
            response = logged_in_client.get("/products/", {"term": "peanut butter"})

        peanut = [card for card in cards_of(response) if "peanut" in name_of(card).lower()]
        assert len(peanut) >= 2
        for card in peanut:
            seen = " ".join(re.sub(r"<[^>]+>", " ", card).split())
            assert "⚠ Excluded" in seen and "no peanuts - allergy" in seen, name_of(card)
            # Still possible, but only on purpose: the add form sits behind "Add anyway…".
            if 'action="/products/add-to-cart"' in card:
                assert card.index('<details class="excluded-add">') < card.index("/products/add-to-cart")
        guidance_reads = [q for q in queries.captured_queries if "shopping_guidance" in q["sql"]]
        assert len(guidance_reads) == 1

    def test_without_that_guidance_nothing_is_marked(self, shopper, logged_in_client, kroger_sandbox):
        GuidanceFactory(owner=shopper, text="organic milk")

        response = logged_in_client.get("/products/", {"term": "peanut butter"})

        assert cards_of(response)
        assert "Excluded" not in text(response) and "Add anyway" not in text(response)

    def test_the_search_page_takes_a_bounded_number_of_queries(
        self, shopper, logged_in_client, kroger_sandbox, django_assert_max_num_queries
    ):
        GuidanceFactory.create_batch(5, owner=shopper, text="no peanuts - allergy")

        with django_assert_max_num_queries(5):  # session, user, household, guidance (+ a spare)
            assert logged_in_client.get("/products/", {"term": "peanut butter"}).status_code == 200
