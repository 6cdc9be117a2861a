"""Every default applied is a named assumption; stated values are not."""

from __future__ import annotations

from infra_architect.engine import derive_constraints
from infra_architect.spec import parse_document, spec_assumptions, validate_document
from tests.conftest import VALID


def _fields(text: str, catalog) -> dict[str, list[str]]:
    requirements = validate_document(parse_document(text, "s.yaml"), catalog.regions)
    return {a.field: a.applies_to for a in spec_assumptions(requirements)}


def test_defaults_are_recorded_and_grouped(catalog) -> None:
    fields = _fields(VALID, catalog)
    assert fields["traffic.peak_multiplier"] == []
    assert fields["team.kubernetes_experience"] == []
    assert fields["cloud"] == []
    assert fields["system.services[*].health_check_path"] == ["web", "api"]
    # an unset per_request is resolved by the engine (1 here, the only callee), not the spec
    assert "system.services[*].calls[*].per_request" not in fields


def test_the_engine_records_each_call_split(catalog) -> None:
    requirements = validate_document(parse_document(VALID, "s.yaml"), catalog.regions)
    constraints = derive_constraints(requirements, catalog)
    recorded = {a.field: (a.value, a.applies_to) for a in constraints.assumptions}
    assert recorded["system.services[*].calls[*].per_request"] == ("1", ["web -> api"])


def test_stated_values_are_not_assumptions(catalog) -> None:
    text = VALID.replace(
        "team: {size: 6, ops_experience: medium}",
        "team: {size: 6, ops_experience: medium, kubernetes_experience: high}\n"
        "cloud: {region: eu-west-1}",
    ).replace("requests_per_second: 100", "requests_per_second: 100, peak_multiplier: 2")
    fields = _fields(text, catalog)
    assert "team.kubernetes_experience" not in fields
    assert "traffic.peak_multiplier" not in fields
    assert "cloud" not in fields
    assert "cloud.region" not in fields


def test_request_settings_are_no_assumption_for_workers(catalog) -> None:
    fields = _fields(VALID, catalog)
    assert "worker" not in fields["system.services[*].protocol"]
