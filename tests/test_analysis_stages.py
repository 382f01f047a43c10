"""The per-document stages' caches (rhetoric.analysis): reused for equal inputs, rebuilt for changed ones."""
import copy
import pickle

from rhetoric.analysis import _matcher, load_lexicon_set


def test_matcher_is_reused_for_equal_lexicons_and_rebuilt_after_an_edit():
    lexicons = load_lexicon_set(None)
    first = _matcher(lexicons)
    assert _matcher(lexicons) is first
    assert _matcher(pickle.loads(pickle.dumps(lexicons))) is first  # what a Dask worker receives per task
    edited = copy.deepcopy(lexicons)
    edited[0].entries.pop()  # edited in place: same name and file hash, one entry fewer
    rebuilt = _matcher(edited)
    assert rebuilt is not first
    assert _matcher(lexicons[:1]) is not rebuilt
