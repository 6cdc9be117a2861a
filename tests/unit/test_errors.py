"""Every error the tool raises is an InfraArchitectError: a lookup of a name that is not
there names it and what there is (never StopIteration), a pin that cannot hold is a
spec problem, and the CLI prints a bug as a bug (exit code 70), both without a traceback."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from infra_architect.catalog import Catalog
from infra_architect.cli import _app
from infra_architect.engine import Design, ImpossiblePinError, PinProblem, design_system
from infra_architect.errors import (
    DesignLookupError,
    InfraArchitectError,
    InternalError,
    SpecError,
    UnbuildableDesignError,
)
from infra_architect.spec import Requirements, load_requirements
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def designed(catalog: Catalog) -> tuple[Requirements, Design]:
    # saas-team has a queue, stores and both environments: every lookup has names to list
    req = load_requirements(ROOT / "examples" / "saas-team.yaml", catalog.regions)
    return req, design_system(req, catalog)


Lookup = Callable[[Requirements, Design, Catalog], object]
LOOKUPS: dict[str, tuple[Lookup, str, str]] = {
    "spec service": (lambda r, d, c: r.service("nope"), "the spec", "'api'"),
    "spec queue": (lambda r, d, c: r.queue("nope"), "the spec", "'jobs'"),
    "constraints service": (
        lambda r, d, c: d.constraints.service("nope"),
        "the constraints",
        "'api'",
    ),
    "capability fit": (
        lambda r, d, c: d.constraints.complexity.capability("nope"),
        "the complexity study",
        "'kubernetes'",
    ),
    "compute service": (lambda r, d, c: d.compute.service("nope"), "the design", "'api'"),
    "data store": (lambda r, d, c: d.data.store("nope"), "the design", "'main-db'"),
    "environment": (lambda r, d, c: d.environment("nope"), "the design", "'prod'"),
    "environment service size": (
        lambda r, d, c: d.environment("prod").service("nope"),
        "the design",
        "'api'",
    ),
    "environment store size": (
        lambda r, d, c: d.environment("staging").store("nope"),
        "the design",
        "'main-db'",
    ),
    "priced environment": (lambda r, d, c: d.cost.environment("nope"), "the cost model", "'prod'"),
    "release": (lambda r, d, c: d.delivery.release("nope"), "the design", "'api'"),
    "catalog standby": (lambda r, d, c: c.policy.standby("nope"), "the catalog", "'pilot-light'"),
    "price item": (
        lambda r, d, c: c.price_catalog.usd("nope", "us-east-1"),
        "the price catalog",
        "",
    ),
    "catalog capability": (
        lambda r, d, c: c.policy.capability("nope"),
        "the catalog",
        "'kubernetes'",
    ),
}


@pytest.mark.parametrize("case", list(LOOKUPS), ids=list(LOOKUPS))
def test_an_unknown_name_is_a_typed_error_naming_it_and_what_exists(
    case: str, designed: tuple[Requirements, Design], catalog: Catalog
) -> None:
    lookup, where, known = LOOKUPS[case]
    with pytest.raises(DesignLookupError) as raised:
        lookup(*designed, catalog)
    message = str(raised.value)
    assert message.startswith(f"{where} has no "), message
    assert "named 'nope'" in message
    assert known in message, message
    assert raised.value.name == "nope"
    assert isinstance(raised.value, InternalError)
    assert isinstance(raised.value, LookupError)  # callers that caught KeyError-likes still do


def test_an_impossible_pin_is_an_infra_architect_error_naming_the_fix() -> None:
    problem = PinProblem(
        field="decisions.compute", value="eks", reason="the team runs no Kubernetes", fix="unpin"
    )
    error = ImpossiblePinError([problem])
    assert isinstance(error, InfraArchitectError)
    assert not isinstance(error, InternalError)
    assert str(error) == "decisions.compute=eks: the team runs no Kubernetes\n  fix: unpin"


def _run_main(monkeypatch: pytest.MonkeyPatch, raised: Exception) -> int:
    """``main`` as the console script runs it, around a command that raises ``raised``."""

    def command() -> None:
        raise raised

    monkeypatch.setattr(_app, "app", command)
    monkeypatch.delenv("INFRA_ARCHITECT_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exited:
        _app.main()
    return int(exited.value.code or 0)


@pytest.mark.parametrize(
    ("raised", "code", "says"),
    [
        (SpecError("s.yaml", []), 2, "s.yaml: 0 problems"),
        (
            ImpossiblePinError([PinProblem("decisions.compute", "eks", "no team", "unpin")]),
            2,
            "decisions.compute=eks: no team\n  fix: unpin",
        ),
        (
            UnbuildableDesignError("compute (compute: lambda → None)"),
            70,
            "internal error: UnbuildableDesignError: cannot generate Terraform",
        ),
        (
            DesignLookupError("store", "nope", ["db"]),
            70,
            "internal error: DesignLookupError: the design has no store named 'nope'",
        ),
        (StopIteration(), 70, "internal error: StopIteration"),
    ],
    ids=["spec", "pin", "unbuildable", "lookup", "other"],
)
def test_the_cli_prints_each_error_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    raised: Exception,
    code: int,
    says: str,
) -> None:
    assert _run_main(monkeypatch, raised) == code
    err = capsys.readouterr().err
    assert says in err
    assert "Traceback" not in err
    if code == 70:
        assert "this is a bug in infra-architect" in err
