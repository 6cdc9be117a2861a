"""What the bill rests on: the assumptions the spec left to defaults, each priced.

A design is only as good as its inputs, and the ones a new user leaves unset (CPU per
request, how often one service calls another, messages per request) drive compute, the
largest line of most bills. Each such default is re-priced at a plausible other value
(the prod bill of the same pipeline, simulations left out so that only the input
differs: no spike tuning, and the topology candidates keep the availability Monte Carlo
of the spec as given, re-priced at the variant's sizes) and the assumptions are ranked by
what they move: the user learns which measurement is worth most before trusting, or
cutting, the design.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from infra_architect._figures import figure, number
from infra_architect.catalog import Catalog
from infra_architect.engine._constraints import derive_constraints
from infra_architect.engine._design_model import AssumptionCost, BeyondBoundScenario, Scenario
from infra_architect.engine._model import Constraints, TopologyCandidate
from infra_architect.engine._traffic import queue_rates
from infra_architect.engine.assess import estimate_cost
from infra_architect.engine.choose._compute import choose_compute
from infra_architect.engine.choose._data import choose_data
from infra_architect.engine.choose._delivery import choose_delivery
from infra_architect.engine.choose._environments import size_environments
from infra_architect.engine.choose._network import choose_network
from infra_architect.engine.choose._operate import choose_observability, choose_security
from infra_architect.spec import (
    MAX_FAN_OUT,
    Call,
    Queue,
    Requirements,
    Service,
    ServiceType,
    call_amplification,
)

Vary = Callable[[Requirements], Requirements]


@dataclass(frozen=True)
class _Candidate:
    id: str
    assumption: str
    applies_to: list[str]
    fields: list[str]
    fix: str
    variants: list[tuple[str, Vary]]


def price_assumptions(
    req: Requirements, catalog: Catalog, constraints: Constraints | None = None
) -> list[AssumptionCost]:
    """Every defaulted input that moves the bill, priced, largest effect first.
    ``constraints``: ``req``'s own, when the caller derived them already (they are the
    same, ``derive_constraints`` being pure)."""
    candidates = [c for c in (_cpu(req, catalog), _fan_out(req), _messages(req)) if c is not None]
    if not candidates:
        return []
    if constraints is None:
        constraints = derive_constraints(req, catalog)
    base = prod_bill(req, catalog, constraints)
    simulated = constraints.topology.candidates
    out: list[AssumptionCost] = []
    for candidate in candidates:
        scenarios = [
            _scenario(label, vary(req), catalog, base, simulated)
            for label, vary in candidate.variants
        ]
        out.append(
            AssumptionCost(
                id=candidate.id,
                assumption=candidate.assumption,
                applies_to=candidate.applies_to,
                fields=candidate.fields,
                scenarios=scenarios,
                fix=candidate.fix,
            )
        )
    return sorted(out, key=lambda a: (-a.effect, a.id))


def _scenario(
    label: str,
    variant: Requirements,
    catalog: Catalog,
    base: float,
    simulated: Sequence[TopologyCandidate],
) -> Scenario | BeyondBoundScenario:
    """The variant's prod bill, unless its call graph sends one service more calls per
    incoming request than the spec allows: "every call once per request" on a
    diamond-shaped graph doubles the paths at each level (~1e43 calls at 200 services),
    and sizing that would ask for more nodes than exist. The same bound refuses such a
    spec at load time, so a variant past it is not a system and is not priced."""
    beyond = call_amplification(variant, MAX_FAN_OUT)
    if beyond is not None:
        return BeyondBoundScenario(
            label=label,
            service=beyond.service,
            calls_per_request=beyond.calls,
            call_paths=beyond.paths,
            route=beyond.route,
            bound=MAX_FAN_OUT,
        )
    bill = prod_bill(variant, catalog, simulated=simulated)
    return Scenario(
        label=label,
        prod_monthly_usd=bill,
        effect_usd=figure(
            bill - base,
            "USD/month",
            "{scenario_prod} - {design_prod}",
            scenario_prod=bill,
            design_prod=base,
        ),
    )


def prod_bill(
    req: Requirements,
    catalog: Catalog,
    constraints: Constraints | None = None,
    *,
    simulated: Sequence[TopologyCandidate] = (),
) -> float:
    """Prod's monthly bill from the design's choosers alone (no simulation), so that two
    calls differ only in their inputs; ``constraints`` are ``req``'s when given, else
    derived with the topology candidates of ``simulated`` taken as simulated."""
    if constraints is None:
        constraints = derive_constraints(req, catalog, simulated=simulated)
    compute = choose_compute(req, constraints, catalog)
    network = choose_network(req, constraints, catalog, compute)
    data = choose_data(req, constraints, catalog, compute)
    delivery = choose_delivery(req, constraints, catalog, compute, network)
    observability = choose_observability(req, catalog, compute)
    environments = size_environments(
        req, catalog, compute, network, data, constraints.topology.availability_zones.whole
    )
    security = choose_security(
        req, catalog, compute, data, network, delivery, observability, environments
    )
    cost = estimate_cost(
        req, constraints, catalog, compute, network, data, observability, security, environments
    )
    return cost.environment("prod").total_monthly_usd.value


# --- the assumptions ---------------------------------------------------------------------


def _cpu(req: Requirements, catalog: Catalog) -> _Candidate | None:
    """CPU per request (per message) from the runtime's planning figure."""
    policy = catalog.policy
    assumed = [
        s
        for s in req.system.services
        if s.cpu_ms_per_request is None and s.type is not ServiceType.CRON
    ]
    if not assumed:
        return None
    planned = {s.name: _planned_cpu(s, catalog) for s in assumed}
    low, high = policy.cpu_sensitivity

    def scaled(factor: float) -> Vary:
        def vary(spec: Requirements) -> Requirements:
            return _with_services(
                spec,
                {
                    name: {"cpu_ms_per_request": round(ms * factor, 6)}
                    for name, ms in planned.items()
                },
            )

        return vary

    first = assumed[0]
    shown = (
        f"{number(planned[first.name])} ms"
        if len(set(planned.values())) == 1
        else "the runtimes' planning figures"
    )
    return _Candidate(
        id="cpu-per-request",
        assumption=f"CPU per request: {shown} (no measurement given)",
        applies_to=[s.name for s in assumed],
        fields=["system.services[*].cpu_ms_per_request", "system.services[*].runtime"],
        fix="measure CPU per request (APM, or container CPU seconds / requests served over a "
        "busy hour) and state cpu_ms_per_request; or at least state each service's runtime",
        variants=[
            (_cpu_label(planned, low), scaled(low)),
            (_cpu_label(planned, high), scaled(high)),
        ],
    )


def _planned_cpu(service: Service, catalog: Catalog) -> float:
    policy = catalog.policy
    factor = {
        ServiceType.WORKER: policy.message_cpu_factor,
        ServiceType.WEB: policy.web_cpu_factor,
    }.get(service.type, 1.0)
    return policy.runtime(service.runtime).cpu_ms_per_request * factor


def _cpu_label(planned: dict[str, float], factor: float) -> str:
    values = set(planned.values())
    if len(values) == 1:
        return f"at {number(round(next(iter(values)) * factor, 3))} ms"
    return f"at {number(factor)}x the planning figures"


def _fan_out(req: Requirements) -> _Candidate | None:
    """Calls between services: an unset per_request splits a caller's requests evenly."""
    edges = [
        (s.name, c.service)
        for s in req.system.services
        for c in s.calls
        if c.per_request is None and len(s.calls) > 1
    ]
    if not edges:
        return None

    def every_call(spec: Requirements) -> Requirements:
        return _with_services(
            spec,
            {
                s.name: {
                    "calls": [
                        c if c.per_request is not None else Call(service=c.service, per_request=1.0)
                        for c in s.calls
                    ]
                }
                for s in spec.system.services
                if len(s.calls) > 1
            },
        )

    return _Candidate(
        id="call-fan-out",
        assumption="a caller's requests split evenly among the services it calls (1/N each)",
        applies_to=[f"{caller} -> {callee}" for caller, callee in edges],
        fields=["system.services[*].calls[*].per_request"],
        fix="state per_request on each call edge (traces show calls per request; a page that "
        "calls several services calls each of them)",
        variants=[("if every request called every callee", every_call)],
    )


def _messages(req: Requirements) -> _Candidate | None:
    """Messages per request to a producer: one."""
    assumed = [
        q
        for q in req.system.queues
        if q.messages_per_second is None
        and any(s.type.serves_requests and q.name in s.uses for s in req.system.services)
    ]
    if not assumed:
        return None
    names = {q.name for q in assumed}

    def tenth(spec: Requirements) -> Requirements:
        # the rate the default implies, at one message per ten requests
        rates = queue_rates(spec)
        queues = [
            q.model_copy(update={"messages_per_second": max(rates[q.name] / 10, 1e-3)})
            if q.name in names and rates.get(q.name)
            else q
            for q in spec.system.queues
        ]
        return _with_system(spec, queues=queues)

    return _Candidate(
        id="messages-per-request",
        assumption="each request to a producing service publishes one message",
        applies_to=sorted(names),
        fields=["system.queues[*].messages_per_second"],
        fix="state messages_per_second on each queue (orders, events or jobs a second)",
        variants=[("at one message per ten requests", tenth)],
    )


def _with_services(req: Requirements, updates: dict[str, dict[str, object]]) -> Requirements:
    services = [
        s.model_copy(update=updates[s.name]) if s.name in updates else s
        for s in req.system.services
    ]
    return _with_system(req, services=services)


def _with_system(
    req: Requirements,
    *,
    services: list[Service] | None = None,
    queues: list[Queue] | None = None,
) -> Requirements:
    system = req.system.model_copy(
        update={
            **({"services": services} if services is not None else {}),
            **({"queues": queues} if queues is not None else {}),
        }
    )
    return req.model_copy(update={"system": system})
