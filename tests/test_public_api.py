"""The names exported from ``rhetoric`` resolve to the documented objects."""
import subprocess
import sys

import pytest

import rhetoric


@pytest.mark.parametrize("name", rhetoric.__all__)
def test_every_public_name_resolves(name):
    assert getattr(rhetoric, name) is not None
    assert name in dir(rhetoric)


def test_lazy_names_are_the_module_objects():
    from rhetoric.analysis import analyze
    from rhetoric.quotes import extract_quotes

    assert rhetoric.analyze is analyze
    assert rhetoric.extract_quotes is extract_quotes


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        rhetoric.nope  # noqa: B018


def test_import_does_not_load_scikit_learn():
    code = "import sys, rhetoric; print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
