"""Mutated requirements specs, and what the pipeline makes of them (issue 16).

Shared by the property test in CI (``tests/unit/spec/test_fuzz.py``, driven by
hypothesis) and the long run in ``benchmarks/fuzz_spec.py`` (driven by a seeded
``random.Random``): both take a ``random.Random`` and get back YAML text, so the same
mutators serve both.

A mutant starts from a bundled example or the tests' VALID spec and takes one to four
mutations, structural and by value: types changed, keys dropped, renamed or made
non-strings, list entries duplicated, scalars replaced by extreme numbers and strings,
YAML tags, anchors and directives written into the text, names swapped in the call
graph, fan-out added, and valid-but-odd values set on the fields the engine reads.

The outcome of a mutant is what the CLI would exit with: 0 (designed), 1 (infeasible:
conflicting requirements, or no Terraform for a chosen component), 2 (bad input: an
:class:`InfraArchitectError`, or a pinned decision that cannot hold) or 70 (any other
exception: a bug).
"""

from __future__ import annotations

import copy
import functools
import io
import random
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML

from infra_architect.catalog import Catalog, load_catalog
from infra_architect.engine import (
    ImpossiblePinError,
    check_pins,
    derive_constraints,
    design_only_checks,
    design_system,
)
from infra_architect.errors import InfraArchitectError, InternalError
from infra_architect.render import render_all
from infra_architect.spec import MissingInputsError, missing_inputs, parse_document
from infra_architect.spec import validate_document as _validate
from tests.conftest import EXAMPLES, VALID

SOURCE = "fuzz.yaml"
EXIT_OK, EXIT_INFEASIBLE, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 70
OUTCOMES = {
    EXIT_OK: "ok",
    EXIT_INFEASIBLE: "infeasible",
    EXIT_BAD_INPUT: "exit 2",
    EXIT_INTERNAL: "internal error",
}


def _safe_yaml() -> YAML:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.width = 4096
    return yaml


@functools.cache
def seeds() -> tuple[tuple[str, Any], ...]:
    """The specs mutants start from: every bundled example and the tests' VALID."""
    found = [(path.stem, _safe_yaml().load(path.read_text())) for path in EXAMPLES]
    found.append(("valid", _safe_yaml().load(VALID)))
    return tuple(found)


@functools.cache
def catalog() -> Catalog:
    return load_catalog()


# --- values --------------------------------------------------------------------------

EXTREME_VALUES: tuple[Any, ...] = (
    0,
    -1,
    1,
    -0.0,
    1e-9,
    1e-300,
    5e-324,
    0.001,
    0.5,
    99.999999,
    1e9,
    1e15,
    1e308,
    10**30,
    2**63,
    float("nan"),
    float("inf"),
    float("-inf"),
    True,
    False,
    None,
    "",
    " ",
    "0",
    "99.9",
    "web",
    "postgres",
    "x" * 300,
    "x" * 70_000,
    "é∂ƒ©˙∆˚¬…æ",
    "a\nb",
    "\x1b[31mred",
    "$(touch x)",
    "../../etc/passwd",
    "*/15 * * * *",
    "@daily",
    [],
    {},
    [1, 2],
    {"a": 1},
)
"""Scalars (and small collections) that have broken parsers and arithmetic before."""

RAW_VALUES: tuple[str, ...] = (
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [a: 1, b: 2]",
    "!!pairs [a: 1]",
    "!!python/object:os.system {}",
    "!!python/name:os.system",
    "!!python/object/apply:os.system [echo]",
    "!custom value",
    "!!timestamp 2024-01-01",
    "!!int abc",
    "!!float abc",
    "!!bool maybe",
    "!!str 12",
    "!!null ''",
    "!!int 12",
    "2024-01-01",
    "2024-01-01T10:00:00Z",
    ".nan",
    ".inf",
    "-.inf",
    "-0.0",
    "0x1F",
    "0o17",
    "1_000",
    "1:30",
    "1e400",
    "1e2",
    "&again 1",
    "-1e400",
    "9" * 5000,
    "0." + "0" * 400 + "1",
    "~",
    "yes",
    "on",
    "<<",
    "=",
    "&self {a: 1, <<: *self}",
    "&loop [*loop]",
    "[" * 100 + "]" * 100,
    "{a: " * 40 + "1" + "}" * 40,
    "[a, [b, [c, [d]]]]",
    '"' + "\\x41" * 10 + '"',
    "'it''s'",
    "|\n    a block\n    scalar",
    "*undefined_alias",
)
"""Raw YAML written in place of a value: tags, implicit types, anchors, deep flow."""

RAW_KEYS: tuple[str, ...] = ("[a, b]", "{a: 1}", "1", "true", "null", "2024-01-01", ".nan", '"1"')

DIRECTIVES: tuple[str, ...] = (
    "%YAML 1.3\n---\n",
    "%YAML 1.1\n---\n",
    "%YAML 1.2\n---\n",
    "%YAML 2.0\n---\n",
    "%YAML 1.99999999999999999999\n---\n",
    "%TAG !! tag:example.com,2000:\n---\n",
    "%TAG ! tag:yaml.org,2002:python/object:\n---\n",
    "%FOO bar\n---\n",
    "---\n",
)

# Valid-but-odd values for the fields the engine reads (path -> choices); a None choice
# removes the field.
FIELD_VALUES: dict[tuple[str, ...], tuple[Any, ...]] = {
    ("availability", "slo"): (1e-9, 50, 90, 99, 99.5, 99.9, 99.95, 99.99, 99.995, 99.9999999),
    ("availability", "rpo_minutes"): (0, 1e-9, 1, 15, 60, 525_600, None),
    ("availability", "rto_minutes"): (1e-9, 1, 5, 60, 240, 525_600, None),
    ("traffic", "requests_per_second"): (1e-9, 0.01, 1, 1000, 1e6, 1e8),
    ("traffic", "peak_multiplier"): (1, 1.0001, 10, 100, None),
    ("traffic", "spike_multiplier"): (1, 2, 100, 1000, None),
    ("traffic", "growth"): (
        {"requests_per_second": 1e8, "months": 1},
        {"requests_per_second": 1e-9, "months": 120},
        {"concurrent_users": 1_000_000_000, "months": 1},
        {"months": 6},
        None,
    ),
    ("delivery", "deploys_per_day"): (0, 1e-9, 0.2, 50, 10_000),
    ("delivery", "zero_downtime"): (True, False, None),
    ("delivery", "repository"): ("https://github.com/a/b.git", "git@github.com:a/b.git", None),
    ("team", "size"): (1, 2, 5, 50, 10_000),
    ("team", "ops_experience"): ("low", "medium", "high"),
    ("team", "kubernetes_experience"): ("none", "low", "medium", "high", None),
    ("budget",): ({"monthly_usd": 1e-9}, {"monthly_usd": 100}, {"monthly_usd": 1e8}, None),
    ("compliance",): ([], ["pci-dss"], ["hipaa", "soc2"], ["gdpr", "iso27001"], ["pci-dss"] * 2),
    ("cloud",): (
        {"region": "us-east-1"},
        {"region": "eu-central-1", "availability_zones": 1},
        {"region": "us-west-1"},
        {"region": "eu-central-1", "availability_zones": 6},
        {"region": "ap-southeast-2", "availability_zones": 2},
        {"region": "eu-central-1", "accounts": {"staging": "111111111111", "prod": "1"}},
        None,
    ),
    ("decisions",): (
        {"compute": "eks"},
        {"compute": "eks-karpenter"},
        {"compute": "ecs-fargate"},
        {"compute": "lambda"},
        {"topology": "single-region"},
        {"topology": "active-passive"},
        {"topology": "active-active"},
        {"deployment": "rolling"},
        {"deployment": "canary", "nat": "single"},
        {"deployment": "blue-green", "nat": "per-az"},
        None,
    ),
}

SERVICE_VALUES: dict[str, tuple[Any, ...]] = {
    "type": ("web", "api", "worker", "cron"),
    "public": (True, False),
    "port": (1, 80, 8080, 65535, None),
    "protocol": ("http", "grpc"),
    "schedule": ("*/15 * * * *", "0 3 * * 1-5", "@hourly", "0 0 31 2 *", "* * * * *", None),
    "cpu_ms_per_request": (0.001, 0.01, 1, 100, 60000, None),
    "memory_mb": (64, 128, 10240, 122880, None),
    "traffic_share": (1e-9, 0.5, 1, None),
    "health_check_path": ("/", "/healthz", "/a/b?c=d", None),
    "uses": ([], None),
}

DATASTORE_VALUES: dict[str, tuple[Any, ...]] = {
    "engine": ("postgres", "mysql", "redis", "s3", "dynamodb", "opensearch"),
    "storage_gb": (1e-9, 1, 1000, 1_000_000, None),
    "role": ("primary", "cache", "session", None),
    "multi_az": (True, False, None),
}

QUEUE_VALUES: dict[str, tuple[Any, ...]] = {
    "engine": ("sqs", "sns", "kafka", "rabbitmq", "kinesis"),
    "messages_per_second": (1e-9, 1, 1e4, 10_000_000, None),
}


# --- mutations on the data -------------------------------------------------------------

Path = tuple[Any, ...]


def _paths(node: Any, prefix: Path = ()) -> list[Path]:
    """Every path in the tree, the root excluded."""
    found: list[Path] = []
    items = (
        list(node.items())
        if isinstance(node, dict)
        else list(enumerate(node))
        if isinstance(node, list)
        else []
    )
    for key, child in items:
        path = (*prefix, key)
        found.append(path)
        found.extend(_paths(child, path))
    return found


def _get(data: Any, path: Path) -> Any:
    for part in path:
        data = data[part]
    return data


def _set(data: Any, path: Path, value: Any) -> None:
    _get(data, path[:-1])[path[-1]] = value


def _services(data: Any) -> list[dict[str, Any]]:
    system = data.get("system") if isinstance(data, dict) else None
    services = system.get("services") if isinstance(system, dict) else None
    if not isinstance(services, list):
        return []
    return [s for s in services if isinstance(s, dict)]


def _named(data: Any, group: str) -> list[dict[str, Any]]:
    system = data.get("system") if isinstance(data, dict) else None
    entries = system.get(group) if isinstance(system, dict) else None
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def _names(data: Any) -> list[str]:
    return [
        str(e.get("name"))
        for group in ("services", "datastores", "queues")
        for e in _named(data, group)
    ]


def replace_value(rng: random.Random, data: Any) -> str:
    paths = _paths(data)
    if not paths:
        return "nothing to replace"
    path = rng.choice(paths)
    value = copy.deepcopy(rng.choice(EXTREME_VALUES))
    _set(data, path, value)
    return f"{_show(path)} = {_short(value)}"


def change_type(rng: random.Random, data: Any) -> str:
    paths = _paths(data)
    if not paths:
        return "nothing to retype"
    path = rng.choice(paths)
    value = _get(data, path)
    if isinstance(value, dict):
        changed: Any = rng.choice([list(value.values()), list(value.items()), str(value)])
    elif isinstance(value, list):
        joined = ",".join(map(str, value))
        changed = rng.choice([value[0] if value else None, {"items": value}, joined])
    elif isinstance(value, bool):
        changed = rng.choice([str(value).lower(), int(value), [value]])
    elif isinstance(value, int | float):
        changed = rng.choice([str(value), [value], {"value": value}, value > 0])
    else:
        changed = rng.choice([[value], {"name": value}, 1, 1.5])
    _set(data, path, changed)
    return f"{_show(path)} retyped to {type(changed).__name__}"


def drop_key(rng: random.Random, data: Any) -> str:
    mappings = [p for p in [(), *_paths(data)] if isinstance(_get(data, p), dict) and _get(data, p)]
    if not mappings:
        return "no key to drop"
    path = rng.choice(mappings)
    mapping = _get(data, path)
    key = rng.choice(list(mapping))
    del mapping[key]
    return f"dropped {_show((*path, key))}"


def rename_key(rng: random.Random, data: Any) -> str:
    mappings = [p for p in [(), *_paths(data)] if isinstance(_get(data, p), dict) and _get(data, p)]
    if not mappings:
        return "no key to rename"
    path = rng.choice(mappings)
    mapping = _get(data, path)
    key = rng.choice(list(mapping))
    new = rng.choice([str(key)[:-1] or "k", str(key).upper(), str(key) + "s", 1, True, None, 2.5])
    if new in mapping:
        return "rename collided"
    mapping[new] = mapping.pop(key)
    return f"renamed {_show((*path, key))} to {new!r}"


def duplicate_entry(rng: random.Random, data: Any) -> str:
    lists = [p for p in _paths(data) if isinstance(_get(data, p), list) and _get(data, p)]
    if not lists:
        return "no list to grow"
    path = rng.choice(lists)
    entries = _get(data, path)
    entries.append(copy.deepcopy(rng.choice(entries)))
    return f"duplicated an entry of {_show(path)}"


def swap_call(rng: random.Random, data: Any) -> str:
    services = _services(data)
    if not services:
        return "no service to rewire"
    service = rng.choice(services)
    names = [*_names(data), "nosuch", str(service.get("name"))]
    target = rng.choice(names)
    calls = service.get("calls")
    if isinstance(calls, list) and calls and rng.random() < 0.5:
        calls[rng.randrange(len(calls))] = target
    else:
        service["calls"] = [target]
    if rng.random() < 0.3:
        service["uses"] = [rng.choice(names)]
    return f"{service.get('name')} now calls/uses {target}"


def add_fan_out(rng: random.Random, data: Any) -> str:
    services = _services(data)
    if len(services) < 2:
        return "too few services to fan out"
    caller, callee = rng.sample(services, 2)
    per = rng.choice([0.5, 1, 2, 10, 100, 999, 1000])
    calls = caller.get("calls")
    if not isinstance(calls, list):
        calls = caller["calls"] = []
    calls.append({"service": callee.get("name"), "per_request": per})
    return f"{caller.get('name')} calls {callee.get('name')} ×{per}"


def chain_services(rng: random.Random, data: Any) -> str:
    """A chain of new services, each calling the next: long call paths, fan-out."""
    system = data.get("system") if isinstance(data, dict) else None
    if not isinstance(system, dict) or not isinstance(system.get("services"), list):
        return "no services list"
    length = rng.choice([2, 5, 12, 40])
    per = rng.choice([1, 1.5, 2, 10, 1000])
    names = [f"chain-{i}" for i in range(length)]
    for index, name in enumerate(names):
        entry: dict[str, Any] = {"name": name, "type": rng.choice(["api", "api", "web"])}
        if index + 1 < length:
            entry["calls"] = [{"service": names[index + 1], "per_request": per}]
        system["services"].append(entry)
    return f"chain of {length} services ×{per}"


def add_service(rng: random.Random, data: Any) -> str:
    system = data.get("system") if isinstance(data, dict) else None
    if not isinstance(system, dict) or not isinstance(system.get("services"), list):
        return "no services list"
    kind = rng.choice(["web", "api", "worker", "cron"])
    name = f"added-{len(system['services'])}"
    entry: dict[str, Any] = {"name": name, "type": kind}
    stores = [str(e.get("name")) for g in ("datastores", "queues") for e in _named(data, g)]
    if stores and rng.random() < 0.6:
        entry["uses"] = rng.sample(stores, rng.randint(1, min(2, len(stores))))
    if kind == "cron":
        entry["schedule"] = rng.choice(SERVICE_VALUES["schedule"][:-1])
    system["services"].append(entry)
    return f"added {kind} {name}"


def set_field(rng: random.Random, data: Any) -> str:
    if not isinstance(data, dict):
        return "not a mapping"
    path = rng.choice(list(FIELD_VALUES))
    value = copy.deepcopy(rng.choice(FIELD_VALUES[path]))
    parent = data
    for part in path[:-1]:
        if not isinstance(parent.get(part), dict):
            parent[part] = {}
        parent = parent[part]
    if value is None:
        parent.pop(path[-1], None)
    else:
        parent[path[-1]] = value
    return f"{_show(path)} = {_short(value)}"


def set_entry_field(rng: random.Random, data: Any) -> str:
    group, table = rng.choice(
        [("services", SERVICE_VALUES), ("datastores", DATASTORE_VALUES), ("queues", QUEUE_VALUES)]
    )
    entries = _named(data, group)
    if not entries:
        return f"no {group}"
    entry = rng.choice(entries)
    key = rng.choice(list(table))
    value = copy.deepcopy(rng.choice(table[key]))
    if value is None:
        entry.pop(key, None)
    else:
        entry[key] = value
    return f"{group} {entry.get('name')}.{key} = {_short(value)}"


BREAKING: tuple[Callable[[random.Random, Any], str], ...] = (
    replace_value,
    change_type,
    drop_key,
    rename_key,
    duplicate_entry,
    swap_call,
)
"""Mutations that usually make a spec invalid: the loader's messages are exercised."""

ODD: tuple[Callable[[random.Random, Any], str], ...] = (
    add_fan_out,
    chain_services,
    add_service,
    set_field,
    set_field,
    set_entry_field,
    set_entry_field,
    set_entry_field,
)
"""Mutations that usually keep a spec valid but odd: the engine and renderers see them."""


# --- mutations on the text ----------------------------------------------------------

_VALUE_MARK = "zzrawvaluezz"
_KEY_MARK = "zzrawkeyzz"


def _mark_value(rng: random.Random, data: Any) -> str | None:
    paths = [p for p in _paths(data) if not isinstance(_get(data, p), dict | list)]
    if not paths:
        return None
    path = rng.choice(paths)
    _set(data, path, _VALUE_MARK)
    return _show(path)


def _mark_key(rng: random.Random, data: Any) -> str | None:
    mappings = [p for p in [(), *_paths(data)] if isinstance(_get(data, p), dict)]
    if not mappings:
        return None
    path = rng.choice(mappings)
    _get(data, path)[_KEY_MARK] = 1
    return _show(path)


def _written(text: str, mark: str, raw: str) -> str:
    return re.sub(rf"['\"]?{mark}['\"]?", lambda _: raw, text, count=1)


@dataclass
class Mutant:
    """One mutated spec: where it came from, what was done, and its text."""

    seed: str
    mutations: list[str] = field(default_factory=list)
    text: str = ""

    def describe(self) -> str:
        return f"{self.seed}: " + "; ".join(self.mutations)


def mutate(rng: random.Random, *, breaking: bool | None = None) -> Mutant:
    """A spec mutated 1-4 times; a breaking mutant may also have raw YAML (tags,
    anchors, deep flow, odd keys) or a directive written into its text. ``breaking``
    unset: half the mutants break, half stay (mostly) valid, so the engine and the
    renderers see them, not only the loader."""
    name, original = rng.choice(seeds())
    data = copy.deepcopy(original)
    mutant = Mutant(seed=name)
    if breaking is None:
        breaking = rng.random() < 0.5
    mutations = BREAKING + ODD if breaking else ODD
    for _ in range(rng.randint(1, 4)):
        mutant.mutations.append(rng.choice(mutations)(rng, data))
    raw_value = raw_key = None
    where_value = where_key = None
    if breaking and rng.random() < 0.5:
        where_value = _mark_value(rng, data)
        raw_value = rng.choice(RAW_VALUES)
    if breaking and rng.random() < 0.2:
        where_key = _mark_key(rng, data)
        raw_key = rng.choice(RAW_KEYS)
    text = dump(data)
    if where_value is not None and raw_value is not None:
        text = _written(text, _VALUE_MARK, raw_value.replace("\n", "\n" + " " * 4))
        mutant.mutations.append(f"{where_value} written as {_short(raw_value)}")
    if where_key is not None and raw_key is not None:
        text = _written(text, _KEY_MARK, raw_key)
        mutant.mutations.append(f"key {_short(raw_key)} added under {where_key}")
    if breaking and rng.random() < 0.1:
        directive = rng.choice(DIRECTIVES)
        text = directive + text
        mutant.mutations.append(f"prefixed {directive.splitlines()[0]!r}")
    mutant.text = text
    return mutant


def dump(data: Any) -> str:
    buffer = io.StringIO()
    _safe_yaml().dump(data, buffer)
    return buffer.getvalue()


def _show(path: Path) -> str:
    return ".".join(str(p) for p in path) or "<root>"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --- outcomes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What the CLI would do with a spec: ``constraints`` and ``design`` exit codes, and
    what ``constraints`` said ``design`` would check beyond it."""

    constraints_exit: int
    design_exit: int | None = None
    stage: str = ""
    error: str = ""
    announced: frozenset[str] = frozenset()
    """Conflict ids ``constraints`` reported, and ``budget`` if it said only ``design``
    prices the whole design."""
    design_errors: frozenset[str] = frozenset()
    """Ids of the error conflicts that made ``design`` infeasible."""

    @property
    def internal(self) -> bool:
        return EXIT_INTERNAL in (self.constraints_exit, self.design_exit)

    @property
    def disagrees(self) -> bool:
        """``constraints`` said feasible; ``design`` rejected the same spec."""
        return self.constraints_exit == EXIT_OK and self.design_exit not in (None, EXIT_OK)

    @property
    def unexplained(self) -> bool:
        """A disagreement ``constraints`` did not announce."""
        if not self.disagrees:
            return False
        if self.design_errors:
            priced = self.design_errors <= {"estimate-over-budget"}
            return not (priced and "budget" in self.announced)
        return True


def _internal(stage: str, exc: BaseException, constraints_exit: int = EXIT_INTERNAL) -> Outcome:
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    where = f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}"
    error = f"{type(exc).__name__}: {exc} @ {where}"
    return Outcome(constraints_exit, EXIT_INTERNAL, stage, error)


def run(text: str, *, design: bool) -> Outcome:
    """Load, derive constraints (pins checked, as the ``constraints`` command does) and,
    with ``design``, design and render as the ``design`` command does; any exception
    but the expected ones is an internal error (exit 70)."""
    regions = catalog().regions
    try:
        document = parse_document(text, SOURCE)
        questions = missing_inputs(document)
        requirements = _validate(document, regions, ignore=questions)
        if questions:
            raise MissingInputsError(SOURCE, questions)  # noqa: TRY301  (as load_requirements)
    except InternalError as exc:
        return _internal("load", exc)
    except InfraArchitectError as exc:
        return Outcome(EXIT_BAD_INPUT, EXIT_BAD_INPUT if design else None, "load", str(exc))
    except Exception as exc:  # noqa: BLE001  (the point: any other exception is a bug)
        return _internal("load", exc)
    try:
        constraints = derive_constraints(requirements, catalog())
        check_pins(requirements, constraints, catalog())
        checks = design_only_checks(requirements, constraints)
    except ImpossiblePinError as exc:
        return Outcome(EXIT_BAD_INPUT, EXIT_BAD_INPUT if design else None, "pins", str(exc))
    except Exception as exc:  # noqa: BLE001
        return _internal("constraints", exc)
    constraints_exit = EXIT_OK if constraints.feasible else EXIT_INFEASIBLE
    announced = frozenset(
        [c.id for c in constraints.conflicts] + [c.split(":", 1)[0] for c in checks]
    )
    if not design:
        return Outcome(constraints_exit, None, "constraints", announced=announced)
    try:
        result = design_system(requirements, catalog())
        files = render_all(result)
    except ImpossiblePinError as exc:
        error = f"pin: {exc}"
        return Outcome(constraints_exit, EXIT_BAD_INPUT, "design", error, announced)
    except InternalError as exc:  # a bug, as the CLI reports it (exit code 70)
        return _internal("design", exc, constraints_exit)
    except InfraArchitectError as exc:
        return Outcome(constraints_exit, EXIT_BAD_INPUT, "design", str(exc), announced)
    except Exception as exc:  # noqa: BLE001
        return _internal("design", exc, constraints_exit)
    if not result.feasible:
        errors = frozenset(c.id for c in result.conflicts if c.severity.value == "error")
        error = f"conflicts: {', '.join(sorted(errors))}"
        return Outcome(constraints_exit, EXIT_INFEASIBLE, "design", error, announced, errors)
    assert files
    return Outcome(constraints_exit, EXIT_OK, "design", announced=announced)
