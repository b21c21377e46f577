"""The API answers as its OpenAPI schema says, and the schema is valid OpenAPI (issue 13,
finding 6). schemathesis checks the whole surface against a live server in CI
(.ci/api-conformance); these tests pin each finding of the probe."""

import json
import re

import pytest
import yaml
from django.urls import URLPattern, URLResolver, get_resolver
from openapi_spec_validator import validate
from rest_framework.parsers import JSONParser as DRFJSONParser
from rest_framework.test import APIClient

from yinzheng.core.rest.parsers import MAX_DEPTH, JSONParser
from yinzheng.core.tests import factories


@pytest.fixture
def api(tree):
    client = APIClient()
    client.force_authenticate(factories.user("root", superuser=True))
    return client


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_the_served_schema_is_valid_openapi(schema):
    """openapi-spec-validator refused it: `GrantCreateRequest.department` had
    `default: ''` with `minLength: 1`."""
    validate(schema)


def test_the_schema_download_has_a_plain_ascii_filename(db):
    response = APIClient().get("/api/schema/")
    disposition = response["Content-Disposition"]
    assert disposition == 'inline; filename="yinzheng-openapi.yaml"'
    assert disposition.isascii() and "=?utf-8?" not in disposition


def test_the_json_schema_download_is_named_json(db):
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response["Content-Disposition"] == 'inline; filename="yinzheng-openapi.json"'


@pytest.mark.parametrize("url", ["/api/grants/", "/api/certificates/requests/"])
def test_json_nested_5000_deep_is_a_clear_400(api, url):
    """It was a 500 (RecursionError in the decoder)."""
    response = api.post(url, _nested(5000), content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["message"] == "请求内容无法解析"
    assert body["detail"] == f"JSON 嵌套不得超过 {MAX_DEPTH} 层"


def test_json_nested_past_the_limit_is_refused_though_python_could_parse_it(api):
    response = api.post(
        "/api/grants/", _nested(MAX_DEPTH + 1), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == f"JSON 嵌套不得超过 {MAX_DEPTH} 层"


def test_json_within_the_limit_reaches_the_serializer(api):
    body = json.dumps({"username": [[["x"]]]})
    response = api.post("/api/grants/", body, content_type="application/json")
    assert response.status_code == 400
    assert "username" in response.json()["detail"]


def test_the_deep_json_error_follows_the_language(api):
    response = api.post(
        "/api/grants/",
        _nested(5000),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["message"] == "The request body could not be parsed"


def _api_views():
    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                cls = getattr(pattern.callback, "cls", None)
                if cls is not None:
                    yield cls

    resolver = get_resolver()
    api = next(p for p in resolver.url_patterns if str(p.pattern) == "api/")
    return set(walk([api]))


def test_every_api_view_parses_json_with_the_depth_limit():
    for view in _api_views():
        for parser in view.parser_classes:
            if issubclass(parser, DRFJSONParser):
                assert issubclass(parser, JSONParser), view


@pytest.mark.parametrize("page_size", ["null", "abc", "0", "-1", "501", "1.5", ""])
def test_a_bad_page_size_is_a_400(api, page_size):
    """`page_size=null` silently gave the default 50 rows."""
    response = api.get("/api/divisions/", {"page_size": page_size})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert "page_size" in response.json()["detail"]


@pytest.mark.parametrize("page", ["0", "abc", "last", "-3"])
def test_a_bad_page_number_is_a_400(api, page):
    response = api.get("/api/divisions/", {"page": page})
    assert response.status_code == 400
    assert "page" in response.json()["detail"]


def test_a_good_page_size_pages(api):
    response = api.get("/api/divisions/", {"page_size": "2"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2


def test_an_unknown_enum_filter_is_a_400(api):
    """`status=__main__` listed nothing with a 200."""
    response = api.get("/api/committees/", {"status": "__main__"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert "status" in response.json()["detail"]
    assert api.get("/api/committees/", {"status": "merged"}).status_code == 200


def test_an_empty_enum_filter_is_a_400_as_the_enum_says(api):
    """`status=` listed every committee with a 200 while the schema's enum has no
    empty value (found by schemathesis in CI)."""
    response = api.get("/api/committees/", {"status": ""})
    assert response.status_code == 400
    assert "status" in response.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [{"level": "abc"}, {"level": "1", "page_size": ["5", "6"]}],
)
def test_a_query_parameter_outside_its_documented_type_is_a_400(api, params):
    assert api.get("/api/divisions/", params).status_code == 400


def test_a_flag_takes_the_documented_values(api):
    assert api.get("/api/seals/handovers/", {"overdue": "1"}).status_code == 200
    assert api.get("/api/seals/handovers/", {"overdue": "true"}).status_code == 200
    assert api.get("/api/seals/handovers/", {"overdue": "yes"}).status_code == 400


def test_lookup_states_that_q_is_required_and_not_blank(schema, db):
    parameters = {
        p["name"]: p
        for p in schema["paths"]["/api/catalogue/lookup/"]["get"]["parameters"]
    }
    assert parameters["q"]["required"] is True
    assert parameters["q"]["schema"]["minLength"] == 1
    assert parameters["limit"]["schema"]["maximum"] == 20
    response = APIClient().get("/api/catalogue/lookup/", {"q": ""})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("Committee", "merged_into"),
        ("CommitteeDetail", "merged_into"),
        ("Division", "parent"),
        ("StatsReportingLine", "updated_at"),
    ],
)
def test_fields_that_can_be_null_are_documented_nullable(schema, component, field):
    """A committee never merged answered `merged_into: null` against a schema that
    said string."""
    assert schema["components"]["schemas"][component]["properties"][field]["nullable"]


def test_clock_times_are_documented_as_sent(schema):
    """`"08:00:00"` is not an RFC 3339 `time` (that wants an offset)."""
    opens = schema["components"]["schemas"]["SupervisionSetting"]["properties"][
        "office_opens"
    ]
    assert "format" not in opens and opens["pattern"]


def test_every_operation_documents_the_error_answers(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "401", "403", "404"):
                assert status in operation["responses"], (method, path, status)


@pytest.mark.parametrize(
    "path",
    [
        "/api/certificates/commitments/{id}/signature/",
        "/api/seals/usage/{id}/document/",
    ],
)
def test_a_download_documents_its_real_content_types(schema, path):
    """A signature went out as image/png or application/pdf against a schema that
    said application/octet-stream only."""
    content = schema["paths"][path]["get"]["responses"]["200"]["content"]
    assert {"application/pdf", "image/png", "application/octet-stream"} <= set(content)


def test_a_number_past_the_database_range_is_a_400(api):
    """The county report's `summaries` with a 28-digit id was a 500 on SQLite."""
    response = api.post(
        "/api/stats/reports/compile/",
        {"county": "620725", "title": "", "summaries": [10**27]},
        format="json",
    )
    assert response.status_code in (400, 403, 404, 409)


def test_an_error_from_the_schema_view_renders_as_yaml(db):
    """POST /api/schema/ was a 500: the YAML renderer cannot write the code's enum."""
    response = APIClient().post("/api/schema/")
    assert response.status_code == 405
    assert yaml.safe_load(response.content)["code"] == "method_not_allowed"


def test_an_empty_format_override_is_a_400(api):
    """`?format=` was quietly ignored though the schema lists the formats (found by
    schemathesis on a download; the divisions list has the same override)."""
    assert api.get("/api/divisions/", {"format": ""}).status_code == 400
    assert api.get("/api/divisions/", {"format": "json"}).status_code == 200


def test_a_number_is_not_a_yes_or_no(api, tree):
    """DRF read the JSON number 0 as false; the schema says boolean."""
    response = api.post(
        "/api/certificates/settings/",
        {"division": "620725", "negative_exception_enabled": 0},
        format="json",
    )
    assert response.status_code == 400
    assert "negative_exception_enabled" in str(response.json())


@pytest.mark.parametrize("table", ["-1369542030941108992", "9223372036854775807"])
def test_any_64_bit_integer_is_a_valid_integer_parameter(api, table):
    """A 19-digit id was refused as "not an integer" though the schema allows it
    (found by schemathesis); it simply matches nothing."""
    assert api.get("/api/stats/returns/", {"table": table}).status_code == 200


def test_an_integer_past_64_bits_is_out_of_range(api):
    response = api.get("/api/stats/returns/", {"table": "9223372036854775808"})
    assert response.status_code == 400
    assert "table" in response.json()["detail"]


def test_integer_query_parameters_are_documented_as_64_bit(schema):
    """schemathesis sent 25-digit values the schema allowed and the server refused."""
    parameters = schema["paths"]["/api/catalogue/applications/"]["get"]["parameters"]
    listed = next(p for p in parameters if p["name"] == "list")["schema"]
    assert (listed["minimum"], listed["maximum"]) == (-(2**63), 2**63 - 1)


def test_the_statistics_division_is_documented_as_a_division_code(schema, api):
    """schemathesis sent any text the schema allowed; the server refused it."""
    parameters = schema["paths"]["/api/stats/figures/"]["get"]["parameters"]
    division = next(p for p in parameters if p["name"] == "division")["schema"]
    assert "pattern" in division
    assert api.get("/api/stats/figures/", {"division": "𖔗"}).status_code == 400


def test_an_empty_statistics_division_is_the_documented_default(schema, api, tree):
    """`division=` means the viewer's own division; the pattern says so too."""
    parameters = schema["paths"]["/api/stats/figures/"]["get"]["parameters"]
    pattern = next(p for p in parameters if p["name"] == "division")["schema"]
    assert re.fullmatch(pattern["pattern"], "")
    assert api.get("/api/stats/figures/", {"division": ""}).status_code == 200
