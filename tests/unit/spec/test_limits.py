"""What the loader refuses beyond shape (issue 16): YAML no spec holds, numbers and
lists past their bounds, fan-out that overflows, call chains too long to recurse on.
Each is one located problem with a fix, never a crash."""

from __future__ import annotations

import pytest

from infra_architect.errors import SpecError
from infra_architect.spec import MAX_FAN_OUT, call_amplification, parse_document, validate_document
from infra_architect.spec._semantic import find_cycle, topological_order
from tests.conftest import VALID, call_ladder, call_mesh

REGIONS = {"us-east-1": None}


def _problems(text: str) -> list[tuple[str, int | None, int | None, str, str]]:
    with pytest.raises(SpecError) as caught:
        validate_document(parse_document(text, "spec.yaml"), REGIONS)
    return [(p.field, p.line, p.column, p.message, p.fix) for p in caught.value.problems]


def _one(text: str) -> tuple[str, int | None, int | None, str, str]:
    [problem] = _problems(text)
    return problem


# (id, old, new, line, column, message part, fix part)
YAML_VALUES = [
    (
        "omap",
        "metadata: {name: demo}",
        "metadata: !!omap [name: demo]",
        3,
        11,
        "!!omap is not used",
        "remove the tag",
    ),
    (
        "pairs",
        "metadata: {name: demo}",
        "metadata: !!pairs [name: demo]",
        3,
        11,
        "!!pairs",
        "remove the tag",
    ),
    ("set", "size: 6", "size: !!set {6}", 19, 14, "!!set", "remove the tag"),
    ("binary", "size: 6", "size: !!binary Ng==", 19, 14, "!!binary", "remove the tag"),
    (
        "python-name",
        "metadata: {name: demo}",
        "metadata: !!python/name:os.system {name: demo}",
        3,
        11,
        "!!python/name:os.system",
        "remove the tag",
    ),
    ("local-tag", "size: 6", "size: !six 6", 19, 14, "!six", "remove the tag"),
    (
        "int-tag-on-text",
        "size: 6",
        "size: !!int six",
        19,
        14,
        "'six' cannot be read as !!int",
        "remove the !!int tag",
    ),
    (
        "float-tag-on-text",
        "slo: 99.9",
        "slo: !!float high",
        17,
        21,
        "cannot be read as !!float",
        "!!float",
    ),
    (
        "bool-tag-on-text",
        "public: true",
        "public: !!bool maybe",
        8,
        15,
        "cannot be read as !!bool",
        "!!bool",
    ),
    ("timestamp-tag-on-text", "size: 6", "size: !!timestamp soon", 19, 14, "timestamp", "fix"),
    ("long-number", "size: 6", "size: " + "9" * 101, 19, 14, "101 characters", "at most 100"),
    (
        "self-merge",
        "metadata: {name: demo}",
        "metadata: &m {name: demo, <<: *m}",
        3,
        27,
        "merges a mapping into itself",
        "separate anchored mapping",
    ),
    (
        "list-key",
        "metadata: {name: demo}",
        "metadata: {name: demo, [a]: 1}",
        3,
        24,
        "a list is used as a key",
        "field name",
    ),
    (
        "mapping-key",
        "metadata: {name: demo}",
        "metadata: {name: demo, {a: 1}: 1}",
        3,
        24,
        "a mapping is used as a key",
        "field name",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "line", "column", "message", "fix"),
    [c[1:] for c in YAML_VALUES],
    ids=[c[0] for c in YAML_VALUES],
)
def test_yaml_no_spec_holds_is_located(old, new, line, column, message, fix) -> None:
    _, at_line, at_column, said, fixed = _one(VALID.replace(old, new, 1))
    assert (at_line, at_column) == (line, column)
    assert message in said
    assert fix in fixed


@pytest.mark.parametrize(
    ("key", "shown"),
    [("1", "1"), ("true", "true"), ("null", "null"), ("2024-01-01", "2024-01-01"), ("1.5", "1.5")],
)
def test_scalar_keys_are_unknown_keys_at_their_line(key: str, shown: str) -> None:
    field, line, _, message, fix = _one(VALID + f"{key}: 1\n")
    assert (field, line) == (shown, 20)
    assert message == f"unknown key `{shown}`"
    assert fix.startswith("valid keys here: apiVersion")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("'<<'", "<<"),
        ("<<", "<<"),
        ("=", "="),
        ("2024-01-01", "2024-01-01"),
        ("!!timestamp 2024-01-01", "2024-01-01"),
        ("!!str 12", "12"),
    ],
)
def test_odd_scalars_that_are_text_stay_text(value: str, expected: str) -> None:
    text = VALID.replace("metadata: {name: demo}", f"metadata: {{name: demo, owner: {value}}}")
    requirements = validate_document(parse_document(text, "spec.yaml"), REGIONS)
    assert requirements.metadata.owner == expected


@pytest.mark.parametrize("version", ["1.3", "2.0", "1.0", "9" * 5000 + ".1"])
def test_yaml_versions_the_reader_cannot_read(version: str) -> None:
    _, line, _, message, fix = _one(f"%YAML {version}\n---\n" + VALID)
    assert line == 1
    assert "is not a YAML version this tool reads (1.1 or 1.2)" in message
    assert "%YAML 1.2" in fix


@pytest.mark.parametrize("version", ["1.1", "1.2", "01.02"])
def test_yaml_versions_the_reader_reads(version: str) -> None:
    validate_document(parse_document(f"%YAML {version}\n---\n" + VALID, "spec.yaml"), REGIONS)


def test_a_list_entry_that_is_not_a_mapping_says_how_to_write_one() -> None:
    field, line, _, message, fix = _one(
        VALID.replace("- {name: worker, type: worker, uses: [events]}", "- - worker")
    )
    assert (field, line) == ("system.services[2]", 11)
    assert message == "a list is not a mapping"
    assert fix.startswith("write the entry as `key: value` lines")


def test_more_services_than_one_spec_designs() -> None:
    extra = "".join(f"    - {{name: w{i}, type: worker}}\n" for i in range(498))
    field, _, _, message, fix = _one(VALID.replace("  datastores:\n", extra + "  datastores:\n"))
    assert field == "system.services"
    assert message == "has 501 entries, more than 500"
    assert "one spec per system" in fix


def _chain(per_request: list[float]) -> str:
    names = [f"s{i}" for i in range(len(per_request) + 1)]
    lines = [
        f"    - {{name: {name}, type: api, calls: [{{service: {callee}, per_request: {per}}}]}}"
        for name, callee, per in zip(names[:-1], names[1:], per_request, strict=True)
    ]
    lines[0] = lines[0].replace("type: api,", "type: api, public: true,")
    lines.append(f"    - {{name: {names[-1]}, type: api}}")
    return (
        "apiVersion: infra-architect/v1\nkind: Requirements\nmetadata: {name: demo}\n"
        "system:\n  services:\n" + "\n".join(lines) + "\n"
        "traffic: {requests_per_second: 1}\navailability: {slo: 99.9}\n"
        "delivery: {deploys_per_day: 1}\nteam: {size: 6, ops_experience: medium}\n"
    )


def test_fan_out_past_the_bound_is_located_at_the_heaviest_call() -> None:
    field, line, _, message, fix = _one(_chain([10, 20, 30]))
    assert field == "system.services[2].calls[0]"
    assert line == 8
    path = "s0 ×10 → s1 ×20 → s2 ×30 → s3"
    assert message == (
        f"one request entering the system becomes 6,000 calls to 's3' along 1 call path "
        f"(heaviest: {path})"
    )
    assert f"at most {MAX_FAN_OUT:,.0f} calls" in fix
    assert fix.startswith("state per_request on the calls into 's3'")


def test_fan_out_at_the_bound_is_valid() -> None:
    validate_document(parse_document(_chain([10, 10, 10]), "spec.yaml"), REGIONS)


def test_fan_out_that_would_overflow_to_infinity_is_one_problem() -> None:
    problems = _problems(_chain([1000] * 120))
    assert [p[0] for p in problems] == ["system.services[1].calls[0]"]
    assert "1,000,000 calls to 's2'" in problems[0][3]


def test_a_diamond_ladder_stated_once_per_call_names_its_paths() -> None:
    """s{i} calls s{i+1} and s{i+2}, each once per request: the paths into a service
    double at each level (Fibonacci), so 16 levels down one incoming request is 1,597
    calls. Refused at the first service past the bound, with the number of call paths
    that carry them; 80 levels (~1.6e16 calls at the bottom) is the same one problem."""
    for levels in (30, 80):
        field, _, _, message, fix = _one(call_ladder(levels, per_request=1))
        assert field == "system.services[15].calls[0]"
        assert message.startswith(
            "one request entering the system becomes 1,597 calls to 's016' along 1,597 call "
            "paths (heaviest: s000 ×1 → s002 ×1 → "
        )
        assert fix.startswith("state per_request on the calls into 's016'")


@pytest.mark.parametrize(
    ("width", "levels", "most"),
    [(6, 3, 36.0), (10, 4, 1000.0), (3, 7, 729.0)],
    ids=["6x3", "10x4-at-the-bound", "3x7"],
)
def test_a_plausible_fan_out_is_not_refused(width: int, levels: int, most: float) -> None:
    requirements = validate_document(parse_document(call_mesh(width, levels), "spec.yaml"), REGIONS)
    assert call_amplification(requirements, MAX_FAN_OUT) is None
    beyond = call_amplification(requirements, most - 1)
    assert beyond is not None
    assert (beyond.service, beyond.calls, beyond.paths) == ("l" + f"{levels - 1}-0", most, most)


def test_a_mesh_past_the_bound_is_refused() -> None:
    field, _, _, message, _ = _one(call_mesh(6, 5))
    assert field == "system.services[19].calls[0]"  # l3-0 -> l4-0
    assert "1,296 calls to 'l4-0' along 1,296 call paths" in message


def test_a_long_call_chain_needs_no_recursion() -> None:
    """A chain far past Python's recursion limit (the cycle search was recursive)."""
    graph = {f"s{i}": [f"s{i + 1}"] for i in range(5000)}
    assert find_cycle(graph) == []
    order = topological_order(graph)
    assert order[:2] == ["s0", "s1"]
    assert order[-1] == "s5000"
    graph["s5000"] = ["s0"]
    cycle = find_cycle(graph)
    assert cycle[0] == cycle[-1]
    assert len(cycle) == 5002


def test_topological_order_puts_callers_first_deterministically() -> None:
    graph = {
        "web": ["api", "auth"],
        "api": ["auth", "db-svc"],
        "auth": [],
        "db-svc": [],
        "cron": [],
    }
    order = topological_order(graph)
    assert order == ["cron", "web", "api", "auth", "db-svc"]
    assert all(order.index(a) < order.index(b) for a, targets in graph.items() for b in targets)


def test_what_the_yaml_reader_only_warns_about_reads_as_yaml_1_2() -> None:
    """An anchor defined twice applies from its second definition on; under %YAML 1.1 a
    float without a dot (1e2) is still the number. Neither prints the reader's page of
    advice (and under pytest's warnings-as-errors neither raises)."""
    text = "%YAML 1.1\n---\n" + VALID.replace(
        "requests_per_second: 100", "requests_per_second: 1e2"
    ).replace(
        "metadata: {name: demo}", "metadata: {name: &n demo, owner: &n team, description: *n}"
    )
    requirements = validate_document(parse_document(text, "spec.yaml"), REGIONS)
    assert requirements.traffic.requests_per_second == 100
    assert requirements.metadata.description == "team"
