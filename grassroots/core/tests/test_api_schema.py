"""The OpenAPI schema and the browsable docs: valid, complete, and served
without anything from the internet (government intranets have no CDN)."""

import re

import pytest
from drf_spectacular.validation import validate_schema

PATHS = {
    "/api/v1/health/": {"get"},
    "/api/v1/auth/token/": {"post", "delete"},
    "/api/v1/auth/tokens/": {"delete"},
    "/api/v1/orgs/": {"get", "post"},
    "/api/v1/orgs/{id}/": {"get", "patch"},
    "/api/v1/orgs/{id}/checks/": {"get"},
    "/api/v1/orgs/{id}/committee/": {"get"},
    "/api/v1/orgs/{id}/history/": {"get"},
    "/api/v1/orgs/{id}/dissolve/": {"post"},
    "/api/v1/members/": {"get", "post"},
    "/api/v1/members/{id}/": {"get", "patch"},
    "/api/v1/members/{id}/history/": {"get"},
    "/api/v1/members/{id}/transfer/": {"post"},
    "/api/v1/memberships/": {"get", "post"},
    "/api/v1/memberships/{id}/": {"get", "patch"},
    "/api/v1/terms/": {"get", "post"},
    "/api/v1/terms/{id}/": {"get", "patch"},
    "/api/v1/posts/": {"get", "post"},
    "/api/v1/posts/{id}/": {"get", "patch"},
    "/api/v1/host-units/": {"get", "post"},
    "/api/v1/host-units/{id}/": {"get", "patch"},
    "/api/v1/checks/": {"get"},
    "/api/v1/campaigns/": {"get", "post"},
    "/api/v1/campaigns/{id}/": {"get"},
    "/api/v1/campaigns/{id}/checks/": {"get"},
    "/api/v1/campaigns/{id}/quotas/": {"get", "put"},
    "/api/v1/campaigns/{id}/applications/": {"get", "post"},
    "/api/v1/applications/{id}/": {"get", "patch"},
    "/api/v1/applications/{id}/survey-tokens/": {"post"},
    "/api/v1/campaigns/{id}/notices/": {"get", "post"},
    "/api/v1/public/notices/{id}/objections/": {"post"},
    "/api/v1/public/survey/{token}/": {"get", "post"},
    "/api/v1/calendar/working-days/": {"get"},
}


@pytest.fixture
def schema(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def resolve(schema, ref_or_schema):
    ref = ref_or_schema.get("$ref")
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else ref_or_schema


def response_schema(schema, path, method="get"):
    content = schema["paths"][path][method]["responses"]["200"]["content"]
    return resolve(schema, content["application/json"]["schema"])


def parameters(schema, path, method="get"):
    return {p["name"] for p in schema["paths"][path][method].get("parameters", [])}


def test_schema_is_valid_openapi(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)


def test_schema_lists_every_endpoint_and_no_deletion(schema):
    methods = {
        path: set(item) & {"get", "post", "put", "patch", "delete"}
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/")
    }
    assert {path: methods.get(path) for path in PATHS} == PATHS
    # Nothing a user entered is deleted: the one DELETE of data takes an attachment off its
    # meeting, keeping the row and the file (orglife.services.remove_attachment); the others
    # revoke API tokens.
    deleting = {path for path, m in methods.items() if "delete" in m}
    assert deleting == {
        "/api/v1/meetings/{id}/attachments/{attachment_id}/",
        "/api/v1/auth/token/",
        "/api/v1/auth/tokens/",
    }
    # The one replacement of a whole collection: a campaign's quota table (seed 000 附件1).
    putting = {path for path, m in methods.items() if "put" in m}
    assert putting == {"/api/v1/campaigns/{id}/quotas/"}


def test_schema_describes_the_contracts_fields(schema):
    org = schema["components"]["schemas"]["Organization"]["properties"]
    assert {"id", "name", "kind", "category", "parent", "established_on"} <= set(org)
    member = schema["components"]["schemas"]["Member"]["properties"]
    assert {"id", "name", "gender", "birth_date", "id_number", "phone", "status", "joined_on"} <= (
        set(member)
    )
    assert {"ancestor", "kind", "category", "search", "page"} <= parameters(schema, "/api/v1/orgs/")
    assert {"ancestor", "org"} <= parameters(schema, "/api/v1/members/")
    assert {"ancestor", "severity", "code"} <= parameters(schema, "/api/v1/checks/")
    paged = response_schema(schema, "/api/v1/orgs/")
    assert {"count", "next", "previous", "results"} <= set(paged["properties"])


def test_schema_detail_actions_are_plain_answers(schema):
    """`checks/` and `history/` of one object are lists, not pages, and take no list filters."""
    for path in (
        "/api/v1/orgs/{id}/checks/",
        "/api/v1/orgs/{id}/history/",
        "/api/v1/members/{id}/history/",
    ):
        assert response_schema(schema, path)["type"] == "array", path
        assert parameters(schema, path) == {"id"}, path
    finding = resolve(schema, response_schema(schema, "/api/v1/orgs/{id}/checks/")["items"])
    assert set(finding["properties"]) == {"code", "severity", "message"}
    committee = response_schema(schema, "/api/v1/orgs/{id}/committee/")
    assert set(committee["properties"]) == {"term", "posts"}


def test_schema_token_and_health_need_no_credentials(schema):
    for path, method in (("/api/v1/auth/token/", "post"), ("/api/v1/health/", "get")):
        assert schema["paths"][path][method].get("security", []) in ([], [{}]), path
    token = response_schema(schema, "/api/v1/auth/token/", "post")
    assert set(token["properties"]) == {"token", "expiry"}
    assert "knoxApiToken" in schema["components"]["securitySchemes"]


def test_schema_is_public_as_yaml_too(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3.")


def test_docs_use_only_local_assets(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert assets, "the page loads Swagger UI from somewhere"
    # Swagger UI's start script is a file of its own (no inline script under the CSP).
    script = "/api/docs/?script="
    assert all(asset.startswith("/static/") or asset == script for asset in assets), assets
    assert "<script>" not in html and "<style>" not in html
    assert not re.search(r"https?://", html)
    js = client.get(script).content.decode()
    assert '"/api/schema/"' in js
    assert not re.search(r"https?://", js)


ERROR_BODY = {"$ref": "#/components/schemas/ErrorDetail"}
INVALID_BODY = {"$ref": "#/components/schemas/ValidationErrors"}
IMPORT_ERRORS = {"$ref": "#/components/schemas/ImportErrors"}  # the Excel imports' row list


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "patch", "put", "delete"}:
                yield path, method, operation


def error_body(operation, code):
    return operation["responses"][code]["content"]["application/json"]["schema"]


def test_every_operation_documents_its_error_answers(schema):
    """What schemathesis checks against a live server, here over the whole schema."""
    public = {("/api/v1/health/", "get"), ("/api/v1/auth/token/", "post")}
    for path, method, operation in operations(schema):
        where = f"{method.upper()} {path}"
        assert error_body(operation, "429") == ERROR_BODY, where
        # Campaigns' public notice and survey answer everyone: no login, so no 401/403.
        if (path, method) not in public and not path.startswith("/api/v1/public/"):
            assert error_body(operation, "401") == ERROR_BODY, where
            assert error_body(operation, "403") == ERROR_BODY, where
        if "{" in path:
            assert error_body(operation, "404") == ERROR_BODY, where
        if method != "get":
            assert error_body(operation, "400") in (INVALID_BODY, IMPORT_ERRORS), where
            assert error_body(operation, "413") == ERROR_BODY, where
    assert error_body(schema["paths"]["/api/v1/members/"]["get"], "400") == INVALID_BODY
    invalid = schema["components"]["schemas"]["ValidationErrors"]
    assert {"detail", "non_field_errors"} <= set(invalid["properties"])


@pytest.mark.parametrize(
    ("component", "field"),
    [("Assessment", "grade"), ("Member", "left_reason"), ("SecretaryReport", "rating")],
)
def test_choices_stored_blank_allow_blank(schema, component, field):
    options = schema["components"]["schemas"][component]["properties"][field]["oneOf"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in options
    assert schema["components"]["schemas"]["BlankEnum"]["enum"] == [""]


def test_fields_read_through_an_optional_relation_are_nullable(schema):
    report = schema["components"]["schemas"]["SecretaryReport"]["properties"]
    assert report["evaluated_by"]["nullable"] is True
    assert report["secretary_name"]["nullable"] is True


def test_ids_and_filter_numbers_carry_the_databases_bounds(schema):
    from grassroots.core.api.numbers import ID_MAX

    ids = {"type": "integer", "minimum": 1, "maximum": ID_MAX}
    host_units = schema["paths"]["/api/v1/host-units/"]["get"]["parameters"]
    organizations = next(p for p in host_units if p["name"] == "organizations")
    assert organizations["schema"]["items"] == ids
    members = schema["paths"]["/api/v1/members/"]["get"]["parameters"]
    assert next(p for p in members if p["name"] == "org")["schema"] == ids
    meeting = schema["components"]["schemas"]["Meeting"]["properties"]
    assert {k: meeting["org"][k] for k in ids} == ids
    assessments = schema["paths"]["/api/v1/assessments/"]["get"]["parameters"]
    year = next(p for p in assessments if p["name"] == "year")["schema"]
    assert year["type"] == "integer" and year["maximum"] <= 2**63 - 1
