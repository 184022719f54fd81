"""A typed product search term: one rule for the catalogue page and GET /api/products, and the
API schema's statement of it (shopping/search_terms.py)."""

import re
from urllib.parse import parse_qs, urlsplit

import jsonschema_rs
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from shopping.parsing import kroger_search_term
from shopping.search_terms import CJK_LETTERS, TERM_SCHEMA, search_term_problem

BASE = "https://kroger.sandbox.test"
MILK_AT_KROGER = {
    "data": [{"productId": "0001111041700", "upc": "0001111041700", "description": "Kroger 2% Milk"}],
    "meta": {"pagination": {"start": 0, "limit": 12, "total": 1}},
}


def page_error(response) -> str:
    found = re.search(r'<p class="field-error" id="term-error">([^<]*)</p>', response.content.decode())
    return found.group(1).replace("&amp;", "&").replace("&#x27;", "'") if found else ""


def searched_terms(mock) -> list[str]:
    urls = [urlsplit(call.request.url) for call in mock.calls]
    return [parse_qs(url.query)["filter.term"][0] for url in urls if url.path == "/v1/products"]


@pytest.mark.django_db
class TestPageAndApiAgree:
    @pytest.mark.parametrize(
        ("term", "message"),
        [
            ("ab", "Enter at least 3 characters."),
            ("牛", "Enter at least 3 characters."),
            ("米 ", "Enter at least 3 characters."),
            ("milk & eggs", "Use letters, numbers and spaces only (remove characters like & # @ ! ?)."),
            ("one two three four five six seven eight nine", "Use at most 8 words."),
            ("m" * 101, "Use at most 100 characters."),
        ],
    )
    def test_both_refuse_a_term_with_the_same_message(
        self, logged_in_client, api_client, kroger_http, term, message
    ):
        page = logged_in_client.get("/products/", {"term": term})
        api = api_client.get("/api/products", {"term": term})

        assert page_error(page) == message
        assert (api.status_code, api.json()) == (400, {"term": [message]})
        assert searched_terms(kroger_http) == []

    @pytest.mark.parametrize("term", ["牛奶", "ミルク", "whole milk", "2% milk", "crème fraîche"])
    def test_both_search_kroger_with_the_same_term(self, logged_in_client, api_client, kroger_http, term):
        kroger_http.get(f"{BASE}/v1/products", json=MILK_AT_KROGER)

        page = logged_in_client.get("/products/", {"term": term})
        api = api_client.get("/api/products", {"term": term})

        assert page_error(page) == "" and api.status_code == 200
        assert set(searched_terms(kroger_http)) == {kroger_search_term(term)}
        assert [product["description"] for product in api.json()["results"]] == ["Kroger 2% Milk"]
        assert "Kroger 2% Milk" in page.content.decode()

    def test_a_two_character_chinese_word_is_searched_spaced_by_both(
        self, logged_in_client, api_client, kroger_http
    ):
        kroger_http.get(f"{BASE}/v1/products", json=MILK_AT_KROGER)

        logged_in_client.get("/products/", {"term": "牛奶"})
        api = api_client.get("/api/products", {"term": "牛奶"})

        assert searched_terms(kroger_http) == ["牛 奶", "牛 奶"]
        assert api.json()["results"][0]["product_id"] == "0001111041700"

    @pytest.mark.parametrize("term", ["牛奶", "whole milk"])
    def test_the_sandbox_gives_both_the_same_products(
        self, shopper, logged_in_client, api_client, kroger_sandbox, term
    ):
        page = logged_in_client.get("/products/", {"term": term})
        api = api_client.get("/api/products", {"term": term, "limit": "12"})  # the page shows 12

        assert page_error(page) == "" and api.status_code == 200
        on_page = re.findall(r'name="product_id" value="(\d{13})"', page.content.decode())
        assert [product["product_id"] for product in api.json()["results"]] == on_page
        # The sandbox's catalogue is in English: "牛 奶" finds nothing there, on either.
        assert bool(on_page) == (term == "whole milk")

    def test_spaces_around_and_between_words_are_collapsed_by_both(
        self, logged_in_client, api_client, kroger_http
    ):
        kroger_http.get(f"{BASE}/v1/products", json=MILK_AT_KROGER)

        logged_in_client.get("/products/", {"term": "  whole \t milk "})
        api_client.get("/api/products", {"term": "  whole \t milk "})

        assert searched_terms(kroger_http) == ["whole milk", "whole milk"]


def test_the_two_character_words_are_the_ones_kroger_search_term_spaces():
    """The schema's CJK class and `kroger_search_term` name the same letters (within the BMP)."""
    bmp = [chr(code) for code in range(0x10000)]
    spaced = {char for char in bmp if char.isalnum() and kroger_search_term(char * 2) == f"{char} {char}"}
    assert spaced == {char for char in bmp if re.fullmatch(CJK_LETTERS, char)}


# JSON Schema's own reading of the pattern (ECMA-262, as schemathesis checks it), not Python's.
schema_accepts = jsonschema_rs.validator_for(TERM_SCHEMA).is_valid
TERMS = st.text(
    alphabet=st.sampled_from("ab牛奶ミé_-'.,%/&#?! \t\n\x1c\x85\u3000\ufeff\U00020000") | st.characters(),
    max_size=110,
)


@settings(max_examples=500, derandomize=True, database=None)
@given(TERMS)
@example("牛奶")
@example("ab")
@example("a b")
@example("milk\n")
@example("x" * 100)
@example("x" * 101)
@example("one two three four five six seven eight")
@example("\U00020000\U00020001")
def test_the_schema_accepts_exactly_the_terms_the_rule_accepts(term):
    assert schema_accepts(term) == (search_term_problem(term) == "")


@pytest.mark.parametrize("term", ["牛奶", "ミルク", "パン", "a b", "café", "молоко", "2% milk", " milk "])
def test_the_schema_admits_these_terms(term):
    assert schema_accepts(term)
    assert re.search(TERM_SCHEMA["pattern"], term)


@pytest.mark.parametrize("term", ["ab", "mi", "牛", "é", "ab\n", "milk & eggs", "milk\ufeff", ""])
def test_the_schema_refuses_these_terms(term):
    assert not schema_accepts(term)
    assert not re.search(TERM_SCHEMA["pattern"], term) or len(term) < TERM_SCHEMA["minLength"]
