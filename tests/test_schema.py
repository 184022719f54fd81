"""The OpenAPI schema (/api/schema/) and the offline interactive docs (/api/docs/)."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

# The one response allowed to carry a secret: the token just created, shown once.
# A personal API token and a household invitation: each secret is shown once, when it is made.
ONE_TIME_SECRET_RESPONSES = {("/api/tokens", "post", "201"), ("/api/household/invites", "post", "201")}


@pytest.fixture
def schema(db):
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_schema_covers_every_api_route(schema):
    from django.urls import get_resolver

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern.url_patterns, route)
            else:
                yield route

    api_routes = {r for r in walk(get_resolver().url_patterns) if r.lstrip("^").startswith("api/")}
    documented = {re.sub(r"\{\w+\}", "X", path) for path in schema["paths"]}
    for route in api_routes - {"api/schema/", "api/docs/"}:
        normalised = "/" + re.sub(r"\(\?P<\w+>[^)]*\)|<[^>]+>", "X", route).strip("^$")
        assert normalised in documented, f"{route} is not in the schema"
    for path in (
        "/api/guidance",
        "/api/guidance/{id}",
        "/api/guidance/reorder",
        "/api/selections",
        "/api/selections/{id}",
        "/api/tokens",
        "/api/tokens/{id}",
        "/api/user",
        "/api/user/location",
    ):
        assert path in schema["paths"]


def test_schema_declares_session_and_bearer_security(schema):
    schemes = schema["components"]["securitySchemes"]

    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert schemes["cookieAuth"]["in"] == "cookie"
    assert schema["paths"]["/api/guidance"]["get"]["security"] == [{"bearerAuth": []}, {"cookieAuth": []}]
    assert schema["paths"]["/api/tokens"]["post"]["security"] == [{"cookieAuth": []}]


def test_every_authenticated_operation_documents_its_errors_with_examples(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if not any(operation.get("security", [{}])):
                continue
            for code in ("401", "403", "429"):
                response = operation["responses"].get(code)
                assert response, f"{method.upper()} {path} does not document {code}"
                assert "content" in response, f"{method.upper()} {path} {code} has no body schema"
            if "{" in path:
                assert "404" in operation["responses"], f"{method.upper()} {path} does not document 404"
    created = schema["paths"]["/api/selections"]["post"]["responses"]
    assert {"200", "201", "400"} <= created.keys()
    assert created["400"]["content"]["application/json"]["examples"]


def _properties(node, components, seen=()):
    """Every (name, schema) property reachable from a schema node, following $refs."""
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                yield from _properties(components[name], components, (*seen, name))
            return
        for key, value in node.get("properties", {}).items():
            yield key, value
            yield from _properties(value, components, seen)
        for key in ("items", "additionalProperties", "allOf", "oneOf", "anyOf"):
            if key in node:
                yield from _properties(node[key], components, seen)
    elif isinstance(node, list):
        for item in node:
            yield from _properties(item, components, seen)


def _could_hold_a_secret(name, schema):
    # A timestamp such as `access_token_expires_at` names a token but cannot carry one.
    is_timestamp = schema.get("format") in ("date-time", "date") or schema.get("type") in (
        "boolean",
        "integer",
    )
    return ("token" in name.lower() or "secret" in name.lower()) and not is_timestamp


def test_no_response_exposes_a_token_or_secret_except_the_new_token(schema):
    components = schema["components"]["schemas"]
    offenders, allowed = [], []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code, response in operation.get("responses", {}).items():
                for content in response.get("content", {}).values():
                    properties = _properties(content.get("schema", {}), components)
                    secret_names = {name for name, prop in properties if _could_hold_a_secret(name, prop)}
                    if secret_names and (path, method, code) in ONE_TIME_SECRET_RESPONSES:
                        allowed.append(secret_names)
                    elif secret_names:
                        offenders.append((method, path, code, secret_names))
    assert offenders == []
    assert allowed == [{"token"}, {"token"}], "the walk must find the one-time tokens, or it finds nothing"


def test_docs_page_works_offline_from_our_static_files(db):
    page = Client().get("/api/docs/").content.decode()

    urls = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', page)
    assert any("swagger-ui" in url for url in urls)
    # Static files, and the init script the split view serves from its own URL (no inline script).
    assert all(url.startswith(("/static/", "/api/docs/?")) for url in urls), urls
    script = Client().get("/api/docs/?script=").content.decode()
    assert "/api/schema/" in script
    # The script carries a random CSRF token, so only URLs are looked at there.
    assert "cdn" not in page.lower() and "https://" not in page + script and "//cdn" not in script


def test_one_error_component_serves_every_endpoint(schema):
    components = schema["components"]["schemas"]
    code_and_detail_only = [
        name
        for name, component in components.items()
        if set(component.get("properties", {})) == {"code", "detail"}
    ]

    assert code_and_detail_only == ["Error"]
    refs = {
        content["schema"].get("$ref")
        for operations in schema["paths"].values()
        for operation in operations.values()
        for code, response in operation["responses"].items()
        if code in ("401", "404", "503")
        for content in response.get("content", {}).values()
    }
    assert refs == {"#/components/schemas/Error"}


def test_every_error_of_the_user_endpoints_has_an_example(schema):
    checked = 0
    for path in ("/api/user", "/api/user/location", "/api/user/kroger"):
        for method, operation in schema["paths"][path].items():
            for code, response in operation["responses"].items():
                if int(code) < 400:
                    continue
                content = response["content"]["application/json"]
                assert content.get("examples"), f"{method.upper()} {path} {code} has no example"
                if code in ("429", "503"):
                    assert "Retry-After" in response["headers"], f"{method.upper()} {path} {code}"
                checked += 1
    location_errors = schema["paths"]["/api/user/location"]["put"]["responses"]
    assert {"400", "401", "403", "429", "503"} <= location_errors.keys()
    assert checked >= 12


def test_an_error_component_under_another_name_is_folded_into_error():
    from shopping.api.schema import add_error_responses

    error_ref = {"$ref": "#/components/schemas/ApiError"}
    result = {
        "paths": {
            "/api/x": {
                "get": {"responses": {"404": {"content": {"application/json": {"schema": error_ref}}}}}
            }
        },
        "components": {
            "schemas": {
                "ApiError": {
                    "type": "object",
                    "properties": {"code": {"type": "string"}, "detail": {"type": "string"}},
                },
                "Other": {"type": "object", "properties": {"code": {"type": "string"}}},
            }
        },
    }

    add_error_responses(result, None, None, True)

    schemas = result["components"]["schemas"]
    assert "ApiError" not in schemas and "Other" in schemas
    content = result["paths"]["/api/x"]["get"]["responses"]["404"]["content"]["application/json"]
    assert content["schema"] == {"$ref": "#/components/schemas/Error"}
    assert content["examples"]["Example"]["value"]["code"] == "not_found"
