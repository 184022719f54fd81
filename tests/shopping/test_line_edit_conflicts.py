"""Two household members changing one line's words at once (rewrite it, search again), through
the API and the list page: of two edits made from the same version one goes ahead and the other
is told so with the line as it is now; a change made while a line is being picked again is never
silently written over, nor the line left saying one thing and holding another."""

import pytest

from shopping.models import ListItem
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
BEING_LOOKED_UP = "This list is being looked up right now — try again in a moment."


# --- Through the API ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "field", "kept"),
    [
        ({"text": "a dozen eggs"}, {"text": "organic bananas"}, "raw_text", "a dozen eggs"),
        ({"term": "brown eggs"}, {"term": "organic bananas"}, "search_text", "brown eggs"),
    ],
)
def test_two_rewrites_from_one_version_one_goes_ahead_the_other_is_a_conflict(
    members, kroger_meanwhile, first, second, field, kept
):
    sam, alex = members
    line = resolved_line(sam)

    ahead = patch(sam, line, first | {"version": line["version"]})
    stale = patch(alex, line, second | {"version": line["version"]})

    assert ahead.status_code == 200 and ahead.json()[field] == kept
    assert "egg" in ahead.json()["description"].lower()
    assert stale.status_code == 409 and stale.json()["code"] == "edit_conflict"
    assert stale.json()["item"] == ahead.json()  # the line as it is now, with its version
    assert signed_in(alex).get(item_path(line)).json() == ahead.json()


def test_a_rewrite_without_a_version_goes_ahead_as_before(members, kroger_meanwhile):
    sam, alex = members
    line = resolved_line(sam)
    patch(sam, line, {"quantity": 2})

    rewritten = patch(alex, line, {"text": "a dozen eggs"})
    searched = patch(alex, line, {"term": "brown eggs"})

    assert rewritten.status_code == 200 and rewritten.json()["raw_text"] == "a dozen eggs"
    assert searched.status_code == 200 and searched.json()["search_text"] == "brown eggs"
    assert searched.json()["status"] != "pending" and "egg" in searched.json()["description"].lower()
    assert signed_in(sam).get(item_path(line)).json() == searched.json()


@pytest.mark.parametrize("rewrite", [{"text": "a dozen eggs"}, {"term": "brown eggs"}])
def test_a_change_made_while_a_rewritten_line_is_picked_is_kept_and_the_answer_is_the_line_as_saved(
    members, kroger_meanwhile, rewrite
):
    sam, alex = members
    line = resolved_line(sam)
    skipped = []

    def alex_skips_it_from_what_he_reads():
        skipped.append(patch_from_what_they_read(alex, line, {"skipped": True}))

    kroger_meanwhile(alex_skips_it_from_what_he_reads)
    answer = patch(sam, line, rewrite | {"version": line["version"]})

    assert skipped[0].status_code == 200
    now = signed_in(sam).get(item_path(line)).json()
    assert answer.status_code == 200 and answer.json() == now  # not a pick that was never saved
    assert now["skipped"] is True
    assert now["raw_text"] == rewrite.get("text", "whole milk")
    assert now["search_text"] == rewrite.get("term", "")
    # Never the new words beside the old pick, as if it were theirs: waiting to be picked, or picked.
    assert now["status"] == "pending" or "egg" in now["description"].lower()
    picked = signed_in(sam).post(f"/api/lists/{line['list_id']}/resolve", {}, format="json").json()
    assert "egg" in picked["items"][0]["description"].lower() and picked["items"][0]["skipped"] is True


def test_a_rewrite_while_another_is_being_picked_is_asked_to_wait_then_refused_as_stale(
    members, kroger_meanwhile
):
    sam, alex = members
    line = resolved_line(sam)
    meanwhile = []
    alexs = {"text": "bananas", "version": line["version"]}
    kroger_meanwhile(lambda: meanwhile.append(patch(alex, line, alexs)))

    ahead = patch(sam, line, {"text": "a dozen eggs", "version": line["version"]})
    again = patch(alex, line, alexs)

    assert meanwhile[0].status_code == 409 and meanwhile[0].json()["code"] == "resolve_in_progress"
    assert ahead.status_code == 200
    assert again.status_code == 409 and again.json()["code"] == "edit_conflict"
    assert again.json()["item"]["raw_text"] == "a dozen eggs"
    assert ListItem.objects.get(pk=line["id"]).raw_text == "a dozen eggs"


# --- Through the list page ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "sams", "alexs", "kept"),
    [
        ("text", "a dozen eggs", "organic bananas", ("raw_text", "a dozen eggs")),
        ("term", "brown eggs", "organic bananas", ("search_text", "brown eggs")),
    ],
)
@pytest.mark.parametrize("wants_json", [False, True], ids=["plain-form", "lists-js"])
def test_two_changes_on_the_page_from_one_version_the_second_is_told_and_sees_the_first(
    members, kroger_meanwhile, name, sams, alexs, kept, wants_json
):
    sam, alex = members
    line = resolved_line(sam)
    pages = {user: page(user) for user in (sam, alex)}
    # Both have the list open: each page's form carries the line's version as it showed it.
    seen = {user: form_version(pages[user].get(f"/lists/{line['list_id']}/").content.decode(), line, name)
            for user in (sam, alex)}  # fmt: skip
    headers = {"Accept": "application/json"} if wants_json else {}
    url = f"/lists/{line['list_id']}/items/{line['id']}"

    pages[sam].post(url, {name: sams, "version": seen[sam]}, headers=headers)
    answer = pages[alex].post(url, {name: alexs, "version": seen[alex]}, headers=headers, follow=True)

    row = answer.json()["html"] if wants_json else answer.content.decode()
    assert CONFLICT in row and f"You wrote “{alexs}”" in row  # what Alex typed is not lost unsaid
    saved = ListItem.objects.get(pk=line["id"])
    assert getattr(saved, kept[0]) == kept[1] and "egg" in saved.description.lower()
    assert sams in row  # the row shows Sam's line as it is now
    assert f'name="version" value="{saved.version}"' in row  # so Alex can change it again


def test_a_change_made_while_the_pages_search_again_picks_is_kept(members, kroger_meanwhile):
    sam, alex = members
    line = resolved_line(sam)
    url = f"/lists/{line['list_id']}/items/{line['id']}"
    version = form_version(page(sam).get(f"/lists/{line['list_id']}/").content.decode(), line, "term")

    def alex_changes_the_quantity():
        assert patch_from_what_they_read(alex, line, {"quantity": 4}).status_code == 200

    kroger_meanwhile(alex_changes_the_quantity)
    answer = (
        page(sam)
        .post(url, {"term": "brown eggs", "version": version}, headers={"Accept": "application/json"})
        .json()
    )

    saved = ListItem.objects.get(pk=line["id"])
    assert (saved.quantity, saved.search_text) == (4, "brown eggs")
    assert saved.status == "pending" or "egg" in saved.description.lower()
    assert answer["status"] == saved.status
