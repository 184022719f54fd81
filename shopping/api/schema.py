"""OpenAPI post-processing: document the errors every endpoint can return, with examples.

Authentication, permissions, throttling, validation and routing errors come from DRF itself and
look the same on every endpoint, so they are added here once rather than on each view.
Responses a view documents itself are left alone.
"""

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "Stable machine-readable code."},
        "detail": {"type": "string", "description": "A message you can show to a person."},
    },
    "required": ["code", "detail"],
}
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "Field-level errors: each key is a field name (or `non_field_errors`) with a list of messages. "
        "A body that is not valid JSON gets `{code, detail}` instead."
    ),
    "additionalProperties": {},
}
RETRY_AFTER = {
    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before trying again."}
}

STANDARD_ERRORS = {
    "400": ("Invalid input.", "ValidationError", {"text": ["This field may not be blank."]}),
    "401": (
        "Not authenticated, or the token is invalid, revoked or expired.",
        "Error",
        {"code": "authentication_failed", "detail": "This token has been revoked."},
    ),
    "403": (
        "Not allowed (for a session: a missing CSRF token).",
        "Error",
        {"code": "permission_denied", "detail": "CSRF Failed: CSRF token missing."},
    ),
    "404": (
        "Not found, or not yours.",
        "Error",
        {"code": "not_found", "detail": "No Guidance matches the given query."},
    ),
    "415": (
        "The body must be JSON (or a form).",
        "Error",
        {"code": "unsupported_media_type", "detail": 'Unsupported media type "text/plain" in request.'},
    ),
    "429": (
        "Too many requests; see Retry-After.",
        "Error",
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


def add_error_responses(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOK: add the standard error responses to each operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR_SCHEMA)
    schemas.setdefault("ValidationError", VALIDATION_ERROR_SCHEMA)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
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
                if code == "429":
                    response["headers"] = RETRY_AFTER
                operation["responses"][code] = response
    return result
