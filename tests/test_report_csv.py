"""The report's CSV writer (``rhetoric.report._write_csv``) writes each row through one printf template
instead of pandas' writer; its bytes must be those of ``to_csv(index=False, float_format="%.6g")``
for any table the comparisons return."""
import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from rhetoric.report import _write_csv

_FLOATS = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.1, 1e-12, 123456.5, 1234567.0, -0.0])
_TEXT = st.text(alphabet=st.sampled_from(list('ab ,"\n\rنصx%s')), max_size=6)
_COLUMNS = {
    "float": st.lists(_FLOATS, min_size=1, max_size=8),
    "float32": st.lists(st.floats(width=32, allow_nan=False), min_size=1, max_size=8),
    "int": st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=8),
    "bool": st.lists(st.booleans(), min_size=1, max_size=8),
    "text": st.lists(_TEXT, min_size=1, max_size=8),
    "text_or_none": st.lists(st.none() | _TEXT, min_size=1, max_size=8),
}


def _column(kind: str, values: list, n: int) -> pd.Series:
    values = (values * n)[:n]
    if kind == "float32":
        return pd.Series(np.array(values, dtype=np.float32))
    if kind == "int":
        return pd.Series(np.array(values, dtype=np.int64))
    return pd.Series(values)


@st.composite
def _frames(draw) -> pd.DataFrame:
    n = draw(st.integers(0, 6))
    kinds = draw(st.lists(st.sampled_from(sorted(_COLUMNS)), min_size=0, max_size=5))
    return pd.DataFrame({f"{kind}_{i}": _column(kind, draw(_COLUMNS[kind]), n) for i, kind in enumerate(kinds)},
                        index=range(n))


def _assert_same_bytes(frame: pd.DataFrame, tmp_path) -> None:
    _write_csv(frame, tmp_path / "fast.csv")
    frame.to_csv(tmp_path / "pandas.csv", index=False, float_format="%.6g")
    assert (tmp_path / "fast.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


@given(_frames())
def test_csv_writer_writes_the_bytes_pandas_writes(tmp_path_factory, frame):
    _assert_same_bytes(frame, tmp_path_factory.mktemp("csv"))


def test_csv_writer_on_a_keyness_like_table(tmp_path):
    """The big table the template is for: text, counts and floats without missing values, plus a
    header that needs quoting and a copy with NaN in one float column."""
    rng = np.random.default_rng(0)
    n = 2000
    frame = pd.DataFrame({
        "term": [f"كلمة{i}" for i in range(n)],
        "count_target": rng.integers(0, 10**6, n),
        "count_reference": rng.integers(0, 10**6, n),
        "freq_target": rng.random(n) * 1e-3,
        "log_odds": rng.normal(size=n) * 10.0 ** rng.integers(-8, 8, n),
        "z": rng.normal(size=n),
    })
    _assert_same_bytes(frame, tmp_path)
    _assert_same_bytes(frame.rename(columns={"z": 'z, "scaled"'}), tmp_path)
    _assert_same_bytes(frame.assign(z=np.where(np.arange(n) % 7 == 0, np.nan, frame["z"])), tmp_path)
    _assert_same_bytes(frame.assign(period=pd.Timestamp("2015-01-01")), tmp_path)
