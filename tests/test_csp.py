"""A strict Content-Security-Policy: scripts and styles only from our own origin, nothing inline."""

import re
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [ROOT / "templates", ROOT / "kroger" / "sandbox"]
INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "on* handler": re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "style attribute": re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE),
    "<style> block": re.compile(r"<style[\s>]", re.IGNORECASE),
}


def _directives(policy: str) -> dict[str, str]:
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


def test_no_template_has_inline_script_handlers_or_styles():
    found = []
    for folder in TEMPLATE_DIRS:
        for template in folder.rglob("*.html"):
            text = template.read_text()
            found += [
                f"{template.relative_to(ROOT)}: {what}" for what, rx in INLINE.items() if rx.search(text)
            ]

    assert found == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/api/docs/", "/api/user", "/no-such-page/"])
def test_every_response_carries_a_strict_policy(path):
    response = Client().get(path)

    directives = _directives(response["Content-Security-Policy"])
    assert directives["script-src"] == "script-src 'self'"
    assert directives["style-src"] == "style-src 'self'"
    assert directives["object-src"] == "object-src 'none'"
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert "unsafe" not in response["Content-Security-Policy"]


def test_sign_in_forms_may_go_to_kroger(settings):
    settings.KROGER_API_BASE_URL = "https://api.kroger.com"

    response = Client().get("/")

    assert "form-action 'self' https://api.kroger.com" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_swagger_ui_loads_its_init_script_from_a_url_not_inline():
    page = Client().get("/api/docs/").content.decode()
    script_urls = re.findall(r'<script src="([^"]+)"', page)
    script = Client().get(script_urls[-1].replace("&amp;", "&"))

    assert not INLINE["inline <script>"].search(page) and not INLINE["<style> block"].search(page)
    assert "swagger-ui-bundle.js" in script_urls[0]
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
