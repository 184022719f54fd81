"""Request bodies refuse properties they do not take, and the schema says so (additionalProperties: false)."""

import pytest
from django.test import Client

from shopping.models import CartSend, Guidance, Selection, ShoppingList
from tests.factories import GuidanceFactory, SelectionFactory, ShoppingListFactory
from tests.helpers import STORE

pytestmark = pytest.mark.django_db

MILK = "0001111041700"


def test_a_typo_in_a_new_guidance_line_is_a_400_and_nothing_is_saved(api_client):
    response = api_client.post(
        "/api/guidance", {"text": "Organic milk", "applies_too": "milk"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["applies_too"]
    assert not Guidance.objects.exists()


def test_a_read_only_field_sent_back_is_refused_and_the_pick_is_unchanged(api_client, user):
    pick = SelectionFactory(owner=user, quantity=1)

    response = api_client.patch(
        f"/api/selections/{pick.pk}", {"quantity": 3, "normalized_term": "x"}, format="json"
    )

    assert response.status_code == 400
    assert "normalized_term" in response.json()
    pick.refresh_from_db()
    assert pick.quantity == 1


def test_an_unknown_property_inside_a_cart_item_is_refused_before_kroger_is_called(api_client):
    response = api_client.post(
        "/api/cart", {"items": [{"upc": MILK, "quantity": 1, "qty": 2}]}, format="json"
    )

    assert response.status_code == 400
    assert "qty" in response.json()["items"]["0"]
    assert not CartSend.objects.exists()


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/lists", {"text": "milk", "store": STORE}),
        ("patch", "/api/lists/{list}", {"name": "Week", "colour": "red"}),
        ("post", "/api/lists/{list}/send-to-cart", {"confirm": True, "force": True}),
        ("post", "/api/guidance/reorder", {"ids": [], "order": "asc"}),
        ("patch", "/api/guidance/{guidance}", {"txt": "x"}),
        ("patch", "/api/user", {"display_name": "Sam", "email": "sam@example.com"}),
        ("put", "/api/user/location", {"location_id": STORE, "zip": "45202"}),
        ("post", "/api/tokens", {"name": "Tablet", "scope": "all"}),
    ],
)
def test_every_kind_of_request_body_refuses_an_unknown_property(api_client, user, method, path, body):
    shopping_list = ShoppingListFactory(owner=user, name="Before")
    guidance = GuidanceFactory(owner=user, text="Before")
    url = path.format(list=shopping_list.pk, guidance=guidance.pk)

    response = getattr(api_client, method)(url, body, format="json")

    assert response.status_code == 400, response.content
    unknown = set(body) - {"text", "name", "confirm", "ids", "display_name", "location_id"}
    assert unknown <= set(response.json())
    assert ShoppingList.objects.get().name == "Before" and Guidance.objects.get().text == "Before"
    assert not Selection.objects.exists()


def test_every_request_body_in_the_schema_is_closed(db):
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    bodies = {
        content["schema"]["$ref"].rsplit("/", 1)[1]
        for operations in schema["paths"].values()
        for operation in operations.values()
        if isinstance(operation, dict) and "requestBody" in operation
        for content in operation["requestBody"]["content"].values()
    }

    assert bodies and all(components[name]["additionalProperties"] is False for name in bodies)
    assert components["CartItemInputRequest"]["additionalProperties"] is False  # nested, too
