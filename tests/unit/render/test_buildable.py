"""Every component the engine can choose is built (issue 18 item 5): catalog/data/
buildable.yaml names its Terraform module, the renderer ships that module, and no design
reaches a "no Terraform module yet" path, for every example and for generated specs
covering every datastore, queue engine and compute platform."""

from __future__ import annotations

from importlib import resources

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infra_architect.catalog import Catalog, load_catalog
from infra_architect.engine import (
    Design,
    ImpossiblePinError,
    check_pins,
    derive_constraints,
    design_system,
)
from infra_architect.errors import InternalError, UnbuildableDesignError
from infra_architect.render import render_terraform
from infra_architect.render._terraform import components
from infra_architect.spec import (
    ComputeChoice,
    DatastoreEngine,
    QueueEngine,
    load_requirements,
    parse_document,
    validate_document,
)
from tests.conftest import EXAMPLES, VALID

MODULES = resources.files("infra_architect.render").joinpath("terraform", "modules")
SHIPPED = {m.name for m in MODULES.iterdir() if m.is_dir()}
# Store kinds the engine designs: one per engine, and redis by role (a cache or sessions
# on ElastiCache, primary data on MemoryDB).
STORE_KINDS = {"rds", "aurora", "elasticache", "memorydb", "s3", "dynamodb", "opensearch"}
PLATFORMS = {"eks", "eks-karpenter", "ecs-fargate", "lambda"}


def _built(design: Design, catalog: Catalog) -> None:
    """The design renders, and each component's module is among the files written."""
    files = render_terraform(design)
    written = {path.split("/")[3] for path in files if path.startswith("infra/terraform/modules/")}
    for what, table, key in components(design):
        module = catalog.buildable.module(table, key)
        assert module is not None, what
        assert module in written, (what, module)


def test_the_table_names_every_choice_and_only_shipped_modules(catalog: Catalog) -> None:
    buildable = catalog.buildable
    assert set(buildable.compute) == PLATFORMS
    assert set(buildable.stores) == STORE_KINDS
    assert set(buildable.queues) == {e.value for e in QueueEngine}
    named = {*buildable.compute.values(), *buildable.stores.values(), *buildable.queues.values()}
    assert named - {None} <= SHIPPED
    for module in named - {None}:
        assert {f.name for f in MODULES.joinpath(str(module)).iterdir()} >= {
            "main.tf",
            "variables.tf",
            "outputs.tf",
            "versions.tf",
        }


@pytest.mark.parametrize("spec", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_is_built(catalog: Catalog, spec) -> None:
    _built(design_system(load_requirements(spec, catalog.regions), catalog), catalog)


def test_an_unbuildable_choice_is_a_bug_not_a_message(catalog: Catalog) -> None:
    """The renderer's check is an internal error: reached only if the engine broke its own
    table (here forced by hand), and never caught as a user-facing "no Terraform" path
    (the CLI reports an InternalError as a bug, exit code 70)."""
    design = design_system(
        validate_document(parse_document(VALID, "s.yaml"), catalog.regions), catalog
    )
    broken = design.model_copy(
        update={"compute": design.compute.model_copy(update={"platform": "lambda"})}
    )
    with pytest.raises(UnbuildableDesignError, match="compute"):
        render_terraform(broken)
    assert issubclass(UnbuildableDesignError, InternalError)


def test_constraints_refuses_an_unbuildable_pin_as_design_does(catalog: Catalog) -> None:
    """What ``design`` refuses, ``constraints`` refuses the same way (check_pins)."""
    text = VALID.replace("team: {size: 6,", "decisions: {compute: lambda}\nteam: {size: 6,")
    req = validate_document(parse_document(text, "s.yaml"), catalog.regions)
    with pytest.raises(ImpossiblePinError, match="builds no Terraform for lambda"):
        check_pins(req, derive_constraints(req, catalog), catalog)


# --- generated specs ---------------------------------------------------------------------

_STORES = st.sampled_from(
    [
        *(f"engine: {e.value}" for e in DatastoreEngine if e is not DatastoreEngine.REDIS),
        "engine: redis, role: primary",
        "engine: redis, role: cache",
        "engine: redis, role: session",
        "engine: postgres, aurora: true",
        "engine: mysql, aurora: true",
    ]
)
_PINS = st.sampled_from([None, *(c.value for c in ComputeChoice if c is not ComputeChoice.LAMBDA)])


@st.composite
def small_specs(draw: st.DrawFn) -> str:
    """A web, an API using every store and queue, and a worker consuming the queues."""
    stores = draw(st.lists(_STORES, min_size=1, max_size=3))
    queues = draw(st.lists(st.sampled_from([e.value for e in QueueEngine]), max_size=3))
    pin = draw(_PINS)
    slo = draw(st.sampled_from([99.0, 99.5, 99.9, 99.95]))
    rps = draw(st.sampled_from([5, 100, 2000]))
    team = draw(st.sampled_from([6, 12]))  # below and above the provisioned-Kafka team
    store_names = [f"s{i}" for i in range(len(stores))]
    queue_names = [f"q{i}" for i in range(len(queues))]
    uses = ", ".join(store_names + queue_names)
    lines = [
        "apiVersion: infra-architect/v1",
        "kind: Requirements",
        "metadata: {name: prop}",
        "system:",
        "  services:",
        "    - {name: web, type: web, public: true, calls: [api]}",
        f"    - {{name: api, type: api, uses: [{uses}]}}",
    ]
    if queues:
        lines.append(f"    - {{name: worker, type: worker, uses: [{', '.join(queue_names)}]}}")
    lines.append("  datastores:")
    lines += [f"    - {{name: {n}, {s}}}" for n, s in zip(store_names, stores, strict=True)]
    if queues:
        lines.append("  queues:")
        lines += [
            f"    - {{name: {n}, engine: {e}}}" for n, e in zip(queue_names, queues, strict=True)
        ]
    lines += [
        f"traffic: {{requests_per_second: {rps}}}",
        f"availability: {{slo: {slo}}}",
        "delivery: {deploys_per_day: 2}",
        # a team able to run what a pin asks for: the property is about building, not pins
        f"team: {{size: {team}, ops_experience: high, kubernetes_experience: high}}",
    ]
    if pin is not None:
        lines.append(f"decisions: {{compute: {pin}}}")
    return "\n".join(lines) + "\n"


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(small_specs())
def test_every_generated_design_is_built(text: str) -> None:
    catalog = load_catalog()
    req = validate_document(parse_document(text, "s.yaml"), catalog.regions)
    _built(design_system(req, catalog), catalog)


@pytest.mark.slow
def test_generated_specs_reach_every_engine_and_platform() -> None:
    """The strategy above is not narrower than the property claims: across its examples
    every store kind, queue engine and buildable platform is designed."""
    catalog = load_catalog()
    seen: set[tuple[str, str]] = set()

    @settings(max_examples=120, deadline=None, derandomize=True, database=None)
    @given(small_specs())
    def collect(text: str) -> None:
        req = validate_document(parse_document(text, "s.yaml"), catalog.regions)
        design = design_system(req, catalog)
        seen.update((table, key) for _, table, key in components(design))

    collect()
    buildable = {
        (table, key)
        for table in ("compute", "stores", "queues")
        for key, module in getattr(catalog.buildable, table).items()
        if module is not None
    }
    assert buildable <= seen, sorted(buildable - seen)
