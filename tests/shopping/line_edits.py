"""One list line as household members see it, for the tests of changing it at once: through
the API (its JSON, as a member reads it) and the list page (its forms, as a browser posts them)."""

import re

from django.test import Client

from tests.helpers import signed_in


def resolved_line(user, text="whole milk") -> dict:
    """A new list of `user`'s with one line, resolved: the line as the API answers it, plus `list_id`."""
    api = signed_in(user)
    created = api.post("/api/lists", {"text": text, "name": "Weekly"}, format="json").json()
    return api.post(f"/api/lists/{created['id']}/resolve", {}, format="json").json()["items"][0] | {
        "list_id": created["id"]
    }


def item_path(line) -> str:
    return f"/api/lists/{line['list_id']}/items/{line['id']}"


def patch(user, line, body):
    return signed_in(user).patch(item_path(line), body, format="json")


def patch_from_what_they_read(user, line, body):
    """`user` reads the line now and changes it from the version they saw (a member's request
    made while another's is waiting on Kroger)."""
    seen = signed_in(user).get(item_path(line)).json()["version"]
    return patch(user, line, body | {"version": seen})


def page(user) -> Client:
    """The pages as `user` sees them in a browser."""
    browser = Client()
    browser.force_login(user)
    return browser


def form_version(html: str, line, name: str, action: str = "") -> str:
    """The version carried by the line's form (posting to its URL + `action`, e.g. "/remember")
    holding the input `name`, as the browser posts it."""
    form = re.search(
        rf'<form[^>]*action="/lists/{line["list_id"]}/items/{line["id"]}{action}"[^>]*>((?:(?!</form>).)*'
        rf'name="{name}"(?:(?!</form>).)*)</form>',
        html,
        re.S,
    ).group(1)
    return re.search(r'name="version" value="(\d+)"', form).group(1)
