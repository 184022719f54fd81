"""Two household members at one line while one chooses another product for it, or remembers
its pick, through the API and the list page: a change made meanwhile (also while Kroger is
being asked about the chosen product) is kept, and the chooser is told so with the line as it is
now, never written over silently; a remember made from an older version remembers nothing."""

import pytest

from shopping.models import ListItem, Selection
from tests.helpers import signed_in
from tests.shopping.line_edits import (
    form_version,
    item_path,
    page,
    patch,
    patch_from_what_they_read,
    resolved_line,
)

pytestmark = pytest.mark.django_db

CONFLICT = "Someone else changed this line a moment ago"
BANANAS = "0000000094011"  # Simple Truth Organic® Bananas: never one of whole milk's own products


def _outside_the_line(line) -> str:
    assert BANANAS not in [alt["product_id"] for alt in line["alternatives"]] + [line["product_id"]]
    return BANANAS


def _remember(user, line, body):
    return signed_in(user).post(item_path(line) + "/remember", body, format="json")


# --- Choosing a product, through the API ------------------------------------------------------


def test_a_change_made_while_kroger_is_asked_about_the_chosen_product_refuses_the_choice(
    members, kroger_meanwhile
):
    sam, alex = members
    line = resolved_line(sam)
    skipped = []

    def alex_skips_it_from_what_he_reads():
        skipped.append(patch_from_what_they_read(alex, line, {"skipped": True}))

    kroger_meanwhile(alex_skips_it_from_what_he_reads)
    answer = patch(sam, line, {"product_id": _outside_the_line(line), "version": line["version"]})

    assert skipped[0].status_code == 200  # Alex's change went ahead while Kroger was asked
    now = signed_in(sam).get(item_path(line)).json()
    assert answer.status_code == 409 and answer.json()["code"] == "edit_conflict"
    assert answer.json()["item"] == now  # the line as it is now, with its version
    assert now["skipped"] is True and now["product_id"] == line["product_id"]  # kept, not overwritten


def test_a_choice_without_a_version_is_made_over_a_change_made_while_kroger_is_asked(
    members, kroger_meanwhile, kroger_sandbox_http
):
    sam, alex = members
    line = resolved_line(sam)
    quantity = []

    def alex_changes_the_quantity():
        quantity.append(patch_from_what_they_read(alex, line, {"quantity": 4}))

    kroger_meanwhile(alex_changes_the_quantity)
    answer = patch(sam, line, {"product_id": _outside_the_line(line)})

    assert quantity[0].status_code == 200
    now = signed_in(alex).get(item_path(line)).json()
    assert answer.status_code == 200 and answer.json() == now  # the line as saved
    assert (now["product_id"], now["source"], now["quantity"]) == (BANANAS, "user", 4)
    assert now["version"] == quantity[0].json()["version"] + 1
    assert line["product_id"] in [alt["product_id"] for alt in now["alternatives"]]
    # Made again over the changed line without asking Kroger a second time.
    lookups = [call for call in kroger_sandbox_http.calls if f"/v1/products/{BANANAS}" in call.request.url]
    assert len(lookups) == 1


def test_two_choices_from_one_version_one_goes_ahead_the_other_is_a_conflict(members, kroger_meanwhile):
    sam, alex = members
    line = resolved_line(sam)
    first, second = (alt["product_id"] for alt in line["alternatives"][:2])

    ahead = patch(sam, line, {"product_id": first, "version": line["version"]})
    stale = patch(alex, line, {"product_id": second, "version": line["version"]})

    assert ahead.status_code == 200 and ahead.json()["product_id"] == first
    assert stale.status_code == 409 and stale.json()["item"] == ahead.json()


def test_a_product_kroger_does_not_sell_here_changes_nothing_so_the_same_version_still_works(
    members, kroger_meanwhile
):
    sam, _ = members
    line = resolved_line(sam)

    refused = patch(sam, line, {"product_id": "9999999999999", "version": line["version"]})
    chosen = patch(sam, line, {"product_id": _outside_the_line(line), "version": line["version"]})

    assert refused.status_code == 400 and "product_id" in refused.json()
    assert chosen.status_code == 200 and chosen.json()["product_id"] == BANANAS
    assert chosen.json()["version"] == line["version"] + 1


# --- Choosing a product, on the list page -----------------------------------------------------


@pytest.mark.parametrize("wants_json", [False, True], ids=["plain-form", "lists-js"])
def test_a_change_made_while_the_pages_choice_is_checked_with_kroger_is_kept_and_said(
    members, kroger_meanwhile, wants_json
):
    sam, alex = members
    line = resolved_line(sam)
    sams_page = page(sam)
    version = form_version(sams_page.get(f"/lists/{line['list_id']}/").content.decode(), line, "product_id")

    def alex_changes_the_quantity():
        assert patch_from_what_they_read(alex, line, {"quantity": 4}).status_code == 200

    kroger_meanwhile(alex_changes_the_quantity)
    headers = {"Accept": "application/json"} if wants_json else {}
    answer = sams_page.post(
        f"/lists/{line['list_id']}/items/{line['id']}",
        {"product_id": _outside_the_line(line), "version": version},
        headers=headers,
        follow=True,
    )

    row = answer.json()["html"] if wants_json else answer.content.decode()
    saved = ListItem.objects.get(pk=line["id"])
    assert (saved.quantity, saved.product_id) == (4, line["product_id"])  # Alex's change, kept
    assert CONFLICT in row
    assert 'value="4"' in row  # the row shows the line as it is now
    assert f'name="version" value="{saved.version}"' in row  # so Sam can choose again


# --- Remembering a pick -----------------------------------------------------------------------


def test_remembering_from_an_older_version_remembers_nothing_and_answers_the_line_as_now(
    members, kroger_meanwhile
):
    sam, alex = members
    line = resolved_line(sam)
    swapped = patch(alex, line, {"product_id": line["alternatives"][0]["product_id"]}).json()

    stale = _remember(sam, line, {"version": line["version"]})

    assert stale.status_code == 409 and stale.json()["code"] == "edit_conflict"
    assert stale.json()["item"] == swapped
    assert not Selection.objects.exists()  # not the product Sam saw, nor the one Alex chose


def test_remembering_with_the_version_read_remembers_and_moves_the_line_on(members, kroger_meanwhile):
    sam, alex = members
    line = resolved_line(sam)

    remembered = _remember(sam, line, {"version": line["version"], "guidance_text": "Whole milk only"})
    again = _remember(alex, line, {"version": line["version"]})

    assert remembered.status_code == 200 and remembered.json()["product_id"] == line["product_id"]
    assert signed_in(alex).get(item_path(line)).json()["version"] == line["version"] + 1
    assert again.status_code == 409  # Alex's page was made before Sam remembered it
    assert Selection.objects.count() == 1


@pytest.mark.parametrize("wants_json", [False, True], ids=["plain-form", "lists-js"])
def test_the_pages_remember_carries_the_version_and_a_change_made_since_is_said(
    members, kroger_meanwhile, wants_json
):
    sam, alex = members
    line = resolved_line(sam)
    sams_page = page(sam)
    html = sams_page.get(f"/lists/{line['list_id']}/").content.decode()
    version = form_version(html, line, "guidance_text", action="/remember")
    assert form_version(html, line, "version", action="/remember") == version == str(line["version"])
    patch(alex, line, {"product_id": line["alternatives"][0]["product_id"]})
    headers = {"Accept": "application/json"} if wants_json else {}

    answer = sams_page.post(
        f"/lists/{line['list_id']}/items/{line['id']}/remember",
        {"guidance_text": "Whole milk only", "version": version},
        headers=headers,
        follow=True,
    )

    row = answer.json()["html"] if wants_json else answer.content.decode()
    assert CONFLICT in row and "You wrote “Whole milk only”" in row
    assert not Selection.objects.exists()
    saved = ListItem.objects.get(pk=line["id"])
    assert f'name="version" value="{saved.version}"' in row


def test_the_pages_remember_with_the_version_shown_remembers(members, kroger_meanwhile):
    sam, _ = members
    line = resolved_line(sam)
    sams_page = page(sam)
    version = form_version(
        sams_page.get(f"/lists/{line['list_id']}/").content.decode(), line, "version", "/remember"
    )

    answer = sams_page.post(
        f"/lists/{line['list_id']}/items/{line['id']}/remember",
        {"version": version},
        headers={"Accept": "application/json"},
    ).json()

    assert "Remembered" in answer["html"] and "✓ Remembered" in answer["html"]
    assert Selection.objects.get().product_id == line["product_id"]
