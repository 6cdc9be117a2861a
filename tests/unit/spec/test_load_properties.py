"""No input makes the loader crash: it returns Requirements or raises SpecError."""

from __future__ import annotations

import copy
import io
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML

from infra_architect.errors import SpecError
from infra_architect.spec import parse_document, validate_document
from infra_architect.spec._load import _decode
from tests.conftest import VALID

REGIONS = {"us-east-1": None, "eu-west-1": None}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["web", "api", "worker", "cron", "postgres", "redis", "99.9", "low", "*"]),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=12), children, max_size=4),
    ),
    max_leaves=20,
)


def _load_or_reject(text: str) -> None:
    """Anything but Requirements or SpecError (with a located, fixable message) fails."""
    rejected: SpecError | None = None
    try:
        document = parse_document(text, "fuzz.yaml")
        validate_document(document, REGIONS)  # type: ignore[arg-type]
    except SpecError as error:
        rejected = error
    if rejected is not None:
        assert rejected.render().startswith("fuzz.yaml")
        assert all(problem.fix for problem in rejected.problems)


@given(st.binary(max_size=400))
def test_arbitrary_bytes(data: bytes) -> None:
    try:
        text = _decode(data, "fuzz.yaml")
    except SpecError:
        return
    _load_or_reject(text)


@given(st.text(max_size=400))
def test_arbitrary_text(text: str) -> None:
    _load_or_reject(text)


def _dump(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


VALID_DATA = YAML(typ="safe", pure=True).load(VALID)
PATHS = [
    ("metadata",),
    ("system",),
    ("traffic",),
    ("availability",),
    ("delivery",),
    ("team",),
    ("system", "services"),
    ("system", "datastores"),
    ("traffic", "requests_per_second"),
    ("availability", "slo"),
    ("team", "size"),
    ("team", "ops_experience"),
    ("delivery", "deploys_per_day"),
    ("system", "services", 0),
    ("system", "services", 0, "calls"),
    ("system", "services", 1, "uses"),
    ("system", "datastores", 0, "engine"),
]


@given(st.sampled_from(PATHS), values)
def test_valid_spec_with_one_value_replaced(path: tuple[str | int, ...], value: Any) -> None:
    data = copy.deepcopy(VALID_DATA)
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    _load_or_reject(_dump(data))


@given(st.dictionaries(st.text(max_size=10), values, max_size=6))
def test_extra_top_level_keys(extra: dict[str, Any]) -> None:
    data = dict(VALID_DATA)
    data.update(extra)
    _load_or_reject(_dump(data))
