"""The type stubs are generated from the registry and current."""

import pathlib

import mixmaster as mm
from mixmaster import _stubs

STUBS = pathlib.Path(__file__).resolve().parents[1] / "python" / "mixmaster" / "__init__.pyi"


def test_stubs_are_current():
    assert STUBS.read_text() == _stubs.stubs(), (
        "bindings-python/python/mixmaster/__init__.pyi is stale: run "
        "python -m mixmaster._stubs > bindings-python/python/mixmaster/__init__.pyi"
    )


def test_stubs_name_every_class_and_setting():
    text = _stubs.stubs()
    for d in mm.KINDS:
        assert f"class {d['class_name']}(Processor):" in text
        for p in d["params"]:
            assert f"    {p['name']}: " in text
    compile(text, "__init__.pyi", "exec")
