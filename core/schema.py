"""The OpenAPI schema says what the API answers: the token scheme, and every error in the API's one shape.

Imported by CoreConfig.ready (drf-spectacular finds extensions by their subclassing) and named in
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"].
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "core.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")  # noqa: S106 - the header's word


ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error the API answers, whatever its status (core.drf.exception_handler).",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "status": {"type": "integer", "example": 400},
                "code": {"type": "string", "example": "invalid"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "description": "Messages per input field (empty when the error is not about a field).",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["status", "code", "message", "fields"],
        }
    },
    "required": ["error"],
}
ERRORS = {
    "400": "The input is not valid: `fields` names what to correct.",
    "401": "Not signed in, or the token is unknown, revoked or expired.",
    "403": "Your role may not do this.",
    "404": "Not found, or not in your outlets.",
    "409": "The object changed meanwhile, or the idempotency key was used for another request.",
    "413": "The request body is too large.",
    "429": "Too many requests, or too many failed logins: see Retry-After.",
    "500": "The action did not complete.",
}
UNSAFE = {"post", "put", "patch", "delete"}


def document_errors(result, generator, request, public):
    """Add the error answers each operation can give, all with the Error schema."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            signed_in = operation.get("security") != [{}] and "security" in operation
            asks = method in UNSAFE or any(p.get("in") == "query" for p in operation.get("parameters", []))
            codes = {"400", "429", "500"} if asks else {"429", "500"}
            if signed_in:
                codes |= {"401", "403"}
            if "{" in path:
                codes.add("404")
            if method in UNSAFE:
                codes |= {"409", "413"} if signed_in else {"413"}
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                responses.setdefault(
                    code,
                    {
                        "description": ERRORS[code],
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return result
