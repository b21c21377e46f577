"""Error codes: members of the apps' ErrorCode enums, each defined once, all of them in
the API schema's error component."""

import pytest
from django.core.management import call_command

from yinzheng.core.errors import CoreCode, ErrorCode, InvalidInput, error_codes
from yinzheng.core.rest.schema import _load_every_app_errors


def test_every_code_is_defined_by_exactly_one_enum():
    _load_every_app_errors()
    codes = error_codes()
    assert len(codes) > 250
    twice = {code: enums for code, enums in codes.items() if len(enums) > 1}
    assert twice == {}


def test_a_bare_string_is_not_an_error_code():
    assert InvalidInput(code=CoreCode.NOTE_REQUIRED).code == "note_required"
    with pytest.raises(TypeError):
        InvalidInput(code="made_up_here")


def test_every_error_class_carries_a_registered_code():
    from yinzheng.core import errors

    _load_every_app_errors()

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for cls in subclasses(errors.DomainError):
        assert isinstance(cls.code, ErrorCode), cls


def test_the_schema_lists_every_code_on_the_error_component(tmp_path):
    import yaml

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    code = schema["components"]["schemas"]["Error"]["properties"]["code"]
    assert code["enum"] == list(error_codes())
    assert "`seal_unusable` — SealCode" in code["description"]
