"""The one `Error` component (`{code, detail}`) and `error_response()` to document it on a view.

shopping.api.schema's post-processing hook adds the component to the schema and folds any
serializer of the same shape into it.
"""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse

ERROR_COMPONENT = "Error"
ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "Stable machine-readable code, e.g. kroger_unavailable."},
        "detail": {"type": "string", "description": "A message you can show to a person."},
    },
    "required": ["code", "detail"],
}


def error_response(description: str, *, code: str = "", detail: str = "") -> OpenApiResponse:
    """An OpenAPI response documented with the shared `Error` component (and an example, if given)."""
    examples = (
        [OpenApiExample(code, value={"code": code, "detail": detail}, response_only=True)] if code else []
    )
    return OpenApiResponse(ERROR_REF, description=description, examples=examples)
