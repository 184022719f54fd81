"""The API's JSON renderer (orjson) writes DRF's bytes for what our serializers produce."""

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.utils.functional import lazy
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict

from shopping.api.renderers import FastJSONRenderer
from tests.factories import SelectionFactory

lazy_text = lazy(lambda text: text, str)

leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.text(),  # control characters, U+2028/U+2029, any script
    st.decimals(allow_nan=False, allow_infinity=False, places=2, max_value=10**6, min_value=-(10**6)),
    st.datetimes(timezones=st.sampled_from([None, UTC, timezone(timedelta(hours=-5, minutes=-30))])),
    st.uuids(),
    st.text().map(lazy_text),
)
documents = st.recursive(
    leaves, lambda children: st.lists(children) | st.dictionaries(st.text(), children), max_leaves=30
)


@given(documents)
def test_any_document_of_our_kinds_renders_as_drfs_bytes(document):
    assert FastJSONRenderer().render(document) == JSONRenderer().render(document)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_read_back_as_the_same_numbers(number):
    assert json.loads(FastJSONRenderer().render({"confidence": number})) == {"confidence": number}


@pytest.mark.parametrize(
    "document",
    [{"big": 2**64}, {1: "a non-string key"}, ReturnDict({"line": "\u2028"}, serializer=None)],
)
def test_what_orjson_refuses_or_escapes_comes_out_as_drf_writes_it(document):
    assert FastJSONRenderer().render(document) == JSONRenderer().render(document)


def test_asking_for_indented_json_gets_drfs_pretty_printing():
    document = {"when": datetime(2026, 12, 2, tzinfo=UTC), "price": Decimal("1.50"), "id": uuid.UUID(int=1)}
    media = "application/json; indent=2"

    assert FastJSONRenderer().render(document, media) == JSONRenderer().render(document, media)
    assert b'\n  "when": "2026-12-02T00:00:00Z"' in FastJSONRenderer().render(document, media)


@pytest.mark.django_db
def test_the_apis_answers_are_drfs_bytes_and_pretty_printed_on_request(api_client, user):
    SelectionFactory(owner=user, term="milk\u2028", description="Lait entier \u00e9")

    response = api_client.get("/api/selections")
    pretty = api_client.get("/api/selections", HTTP_ACCEPT="application/json; indent=4")

    assert response.content == JSONRenderer().render(response.data)
    assert "\\u2028" in response.content.decode() and "é" in response.content.decode()
    assert pretty.content == JSONRenderer().render(pretty.data, "application/json; indent=4")
