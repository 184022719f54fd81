"""OpenAPI post-processing: document the errors every endpoint can return, with examples.

Authentication, permissions, throttling, validation and routing errors come from DRF itself and
look the same on every endpoint, so they are added here once rather than on each view.
Responses a view documents itself are left alone.

`{code, detail}` is defined once, in api_schema.errors, as the `Error` component. Views document
an error with `error_response("...")`; a serializer elsewhere that has exactly that shape (e.g.
`ApiError`) is folded into `Error` by the hook, so clients see one error type.
"""

import re
from copy import deepcopy
from typing import Any

from api_schema.errors import ERROR_COMPONENT, ERROR_REF, ERROR_SCHEMA

VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "Field-level errors: each key is a field name (or `non_field_errors`) with a list of messages. "
        "A body that is not valid JSON gets `{code, detail}` instead."
    ),
    "additionalProperties": {},
}
# Throttling and Kroger outages tell the client when to come back.
RETRY_AFTER_CODES = ("429", "503")
RETRY_AFTER = {
    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before trying again."}
}

STANDARD_ERRORS = {
    "400": ("Invalid input.", "ValidationError", {"text": ["This field may not be blank."]}),
    "401": (
        "Not authenticated, or the token is invalid, revoked or expired.",
        ERROR_COMPONENT,
        {"code": "authentication_failed", "detail": "This token has been revoked."},
    ),
    "403": (
        "Not allowed (for a session: a missing CSRF token).",
        ERROR_COMPONENT,
        {"code": "permission_denied", "detail": "CSRF Failed: CSRF token missing."},
    ),
    "404": (
        "Not found, or not yours.",
        ERROR_COMPONENT,
        {"code": "not_found", "detail": "No Guidance matches the given query."},
    ),
    "415": (
        "The body must be JSON (or a form).",
        ERROR_COMPONENT,
        {"code": "unsupported_media_type", "detail": 'Unsupported media type "text/plain" in request.'},
    ),
    "429": (
        "Too many requests; see Retry-After.",
        ERROR_COMPONENT,
        {"code": "throttled", "detail": "Request was throttled. Expected available in 42 seconds."},
    ),
}


def _applicable_errors(path: str, method: str, operation: dict) -> list[str]:
    secured = any(requirement for requirement in operation.get("security", [{}]))
    params = operation.get("parameters", [])
    codes = []
    if operation.get("requestBody") or any(p["in"] == "query" for p in params):
        codes.append("400")
    if secured:
        codes += ["401", "403", "429"]
    if "{" in path or any(p["name"] == "page" for p in params):
        codes.append("404")
    if operation.get("requestBody"):
        codes.append("415")
    return codes


def _is_error_shape(component: dict) -> bool:
    properties = component.get("properties", {})
    return (
        component.get("type") == "object"
        and properties.keys() == {"code", "detail"}
        and all(prop.get("type") == "string" for prop in properties.values())
    )


def _replace_refs(node: Any, renamed: dict[str, str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref in renamed:
            node["$ref"] = renamed[ref]
        for value in node.values():
            _replace_refs(value, renamed)
    elif isinstance(node, list):
        for item in node:
            _replace_refs(item, renamed)


def _unify_error_components(result: dict, schemas: dict) -> None:
    # Every {code, detail} component becomes the one `Error`, whatever serializer named it.
    duplicates = [
        name for name, component in schemas.items() if name != ERROR_COMPONENT and _is_error_shape(component)
    ]
    for name in duplicates:
        del schemas[name]
    schemas[ERROR_COMPONENT] = deepcopy(ERROR_SCHEMA)  # a copy: the result may be edited later
    _replace_refs(result, {f"#/components/schemas/{name}": ERROR_REF["$ref"] for name in duplicates})


def _complete_documented_error(code: str, response: dict) -> None:
    # A view documented this error itself: give it the standard example and header if it has none.
    content = response.get("content", {}).get("application/json")
    if not content or content.get("schema") != ERROR_REF:
        return
    if code in STANDARD_ERRORS and not content.get("examples"):
        content["examples"] = {"Example": {"value": STANDARD_ERRORS[code][2]}}
    if code in RETRY_AFTER_CODES:
        response.setdefault("headers", RETRY_AFTER)


def _blank_alternative_folded(node: Any) -> Any:
    """`oneOf: [{pattern that matches ""}, {maxLength: 0}]` is "" twice (invalid oneOf): keep the first."""
    if isinstance(node, dict):
        alternatives = node.get("oneOf")
        if (
            isinstance(alternatives, list)
            and len(alternatives) == 2
            and alternatives[1] == {"type": "string", "maxLength": 0}
            and re.search(alternatives[0].get("pattern", "^$"), "") is not None
        ):
            folded = {**{k: v for k, v in node.items() if k != "oneOf"}, **alternatives[0]}
            node.clear()
            node.update(folded)
        for value in node.values():
            _blank_alternative_folded(value)
    elif isinstance(node, list):
        for item in node:
            _blank_alternative_folded(item)
    return node


def _refs_in(node: Any) -> list[str]:
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        found = (
            [ref.rsplit("/", 1)[1]]
            if isinstance(ref, str) and ref.startswith("#/components/schemas/")
            else []
        )
        return found + [name for value in node.values() for name in _refs_in(value)]
    if isinstance(node, list):
        return [name for item in node for name in _refs_in(item)]
    return []


def _close_request_bodies(result: dict, schemas: dict) -> None:
    """`additionalProperties: false` on every object a request body is made of (the server refuses
    unknown properties: api_schema.strict)."""
    pending = [
        name
        for operations in result.get("paths", {}).values()
        for operation in operations.values()
        if isinstance(operation, dict)
        for name in _refs_in(operation.get("requestBody", {}))
    ]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        component = schemas[name]
        if component.get("type") == "object" and "properties" in component:
            component["additionalProperties"] = False
        pending += _refs_in(component)


def add_error_responses(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOK: add the standard error responses to each operation."""
    _blank_alternative_folded(result)
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    _close_request_bodies(result, schemas)
    _unify_error_components(result, schemas)
    schemas.setdefault("ValidationError", VALIDATION_ERROR_SCHEMA)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, response in operation["responses"].items():
                _complete_documented_error(code, response)
            for code in _applicable_errors(path, method, operation):
                if code in operation["responses"]:
                    continue
                description, component, example = STANDARD_ERRORS[code]
                response = {
                    "description": description,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"#/components/schemas/{component}"},
                            "examples": {"Example": {"value": example}},
                        }
                    },
                }
                if code in RETRY_AFTER_CODES:
                    response["headers"] = RETRY_AFTER
                operation["responses"][code] = response
    return result
