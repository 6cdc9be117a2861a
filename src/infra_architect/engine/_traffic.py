"""System request rates and how they spread over the services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from infra_architect._figures import Figure, figure, given, product
from infra_architect.engine._model import TrafficFigures
from infra_architect.spec import (
    CALL_SPLIT_REASON,
    AppliedDefault,
    Queue,
    Requirements,
    ServiceType,
    assumed_reason,
    entry_services,
    found,
    topological_order,
)


def derive_traffic(req: Requirements) -> TrafficFigures:
    t = req.traffic
    if t.requests_per_second is not None:
        average = given(t.requests_per_second, "requests/s", "traffic.requests_per_second")
    else:
        users = float(t.concurrent_users or 0)
        per_minute = float(t.requests_per_user_per_minute or 0)
        average = figure(
            users * per_minute / 60,
            "requests/s",
            "{concurrent_users} × {requests_per_user_per_minute} / 60",
            concurrent_users=users,
            requests_per_user_per_minute=per_minute,
        )
    growth_average = _growth_average(req, average)
    months = t.growth.months if t.growth else None
    rate = None
    if months is not None and average.value > 0:
        rate = figure(
            ((growth_average.value / average.value) ** (1 / months) - 1) * 100,
            "%/month",
            "(({growth_average_rps} / {average_rps}) ^ (1 / {months}) - 1) × 100",
            growth_average_rps=growth_average.value,
            average_rps=average.value,
            months=float(months),
        )
    return TrafficFigures(
        average_rps=average,
        peak_rps=product(
            average.value, "average_rps", t.peak_multiplier, "peak_multiplier", average.unit
        ),
        spike_rps=product(
            average.value, "average_rps", t.spike_multiplier, "spike_multiplier", average.unit
        ),
        growth_average_rps=growth_average,
        growth_peak_rps=product(
            growth_average.value,
            "growth_average_rps",
            t.peak_multiplier,
            "peak_multiplier",
            growth_average.unit,
        ),
        growth_months=months,
        monthly_growth_rate=rate,
    )


def _growth_average(req: Requirements, average: Figure) -> Figure:
    growth = req.traffic.growth
    if growth is None:
        return given(average.value, "requests/s", "no growth stated: today's rate")
    if growth.requests_per_second is not None:
        return given(growth.requests_per_second, "requests/s", "traffic.growth.requests_per_second")
    users = float(growth.concurrent_users or 0)
    per_minute = float(req.traffic.requests_per_user_per_minute or 0)
    return figure(
        users * per_minute / 60,
        "requests/s",
        "{growth_concurrent_users} × {requests_per_user_per_minute} / 60",
        growth_concurrent_users=users,
        requests_per_user_per_minute=per_minute,
    )


@dataclass(frozen=True)
class LoadFactors:
    """Requests (or messages) each service handles per request entering the system."""

    factors: dict[str, Figure]
    assumptions: list[AppliedDefault]


def derive_load_factors(req: Requirements, average_rps: float) -> LoadFactors:
    """Spread the system's traffic over the services.

    Entry services take their share of incoming requests; every call edge passes on the
    caller's rate times calls per request; a worker takes the messages of the queues it
    consumes. The call graph is acyclic (the spec loader guarantees it).
    """
    services = {s.name: s for s in req.system.services}
    entry = entry_services(req)
    shares, share_notes = _entry_shares(req, entry)
    callers: dict[str, list[tuple[str, float]]] = {name: [] for name in services}
    call_notes: list[AppliedDefault] = []
    for index, service in enumerate(req.system.services):
        for position, (call, (callee, per)) in enumerate(
            zip(service.calls, service.call_rates(), strict=True)
        ):
            callers[callee].append((service.name, per))
            if call.per_request is None:
                call_notes.append(
                    found(
                        ("system", "services", index, "calls", position, "per_request"),
                        round(per, 6),
                        CALL_SPLIT_REASON,
                        f"{service.name} -> {callee}",
                    )
                )

    # callers first, so each factor is final when its callees read it (no recursion:
    # a call chain may be thousands of services long)
    graph = {name: [c.service for c in s.calls] for name, s in services.items()}
    factor_of: dict[str, float] = {}
    for name in topological_order(graph):
        factor_of[name] = shares.get(name, 0.0) + sum(
            factor_of[c] * per for c, per in callers[name]
        )

    def request_factor(name: str) -> float:
        return factor_of[name]

    def request_figure(name: str) -> Figure:
        inputs: dict[str, float] = {}
        terms: list[str] = []
        if name in shares:
            inputs["entry_share"] = shares[name]
            terms.append("{entry_share}")
        for caller, per in callers[name]:
            inputs[f"factor_{caller}"] = request_factor(caller)
            inputs[f"calls_from_{caller}"] = per
            terms.append("{factor_%s} × {calls_from_%s}" % (caller, caller))  # noqa: UP031
        if not terms:
            return given(0.0, "× system requests", "not an entry service and not called")
        return figure(request_factor(name), "× system requests", " + ".join(terms), **inputs)

    queue_factors, queue_notes = _queue_factors(req, request_factor, average_rps)
    factors: dict[str, Figure] = {}
    for service in req.system.services:
        if service.type.serves_requests:
            factors[service.name] = request_figure(service.name)
        elif service.type is ServiceType.WORKER:
            consumed = [q for q in service.uses if q in queue_factors]
            if consumed:
                inputs = {f"queue_{q}": queue_factors[q] for q in consumed}
                template = " + ".join("{queue_%s}" % q for q in consumed)  # noqa: UP031
                factors[service.name] = figure(
                    sum(inputs.values()), "× system requests", template, **inputs
                )
            else:
                factors[service.name] = given(0.0, "× system requests", "consumes no queue")
        else:
            factors[service.name] = given(0.0, "× system requests", "runs on a schedule")
    return LoadFactors(factors=factors, assumptions=call_notes + share_notes + queue_notes)


def _entry_shares(
    req: Requirements, entry: list[str]
) -> tuple[dict[str, float], list[AppliedDefault]]:
    services = {s.name: s for s in req.system.services}
    explicit = {n: services[n].traffic_share for n in entry if services[n].traffic_share}
    unset = [n for n in entry if n not in explicit]
    left = max(0.0, 1.0 - sum(v for v in explicit.values() if v is not None))
    shares: dict[str, float] = {n: float(v) for n, v in explicit.items() if v is not None}
    notes: list[AppliedDefault] = []
    index_of = {s.name: i for i, s in enumerate(req.system.services)}
    for name in unset:
        shares[name] = left / len(unset)
    if len(unset) > 1 or (unset and explicit):
        notes.extend(
            found(
                ("system", "services", index_of[name], "traffic_share"),
                round(left / len(unset), 6),
                "traffic not given a share splits equally across entry services",
                name,
            )
            for name in unset
        )
    return shares, notes


def _queue_factors(
    req: Requirements,
    request_factor: Callable[[str], float],
    average_rps: float,
) -> tuple[dict[str, float], list[AppliedDefault]]:
    factors: dict[str, float] = {}
    notes: list[AppliedDefault] = []
    for index, queue in enumerate(req.system.queues):
        if queue.messages_per_second is not None:
            factors[queue.name] = queue.messages_per_second / average_rps if average_rps else 0.0
            continue
        producers = [
            s.name for s in req.system.services if s.type.serves_requests and queue.name in s.uses
        ]
        factors[queue.name] = float(sum(request_factor(p) for p in producers))
        if producers:
            reason = assumed_reason(Queue, "messages_per_second") or ""
            notes.append(
                found(
                    ("system", "queues", index, "messages_per_second"),
                    f"1 per request to {', '.join(producers)}",
                    reason,
                    queue.name,
                )
            )
    return factors, notes


def queue_rates(req: Requirements) -> dict[str, float]:
    """Average messages per second into each queue today, as the sizing derives them."""
    average = derive_traffic(req).average_rps.value
    factors = derive_load_factors(req, average)
    rates: dict[str, float] = {}
    for queue in req.system.queues:
        if queue.messages_per_second is not None:
            rates[queue.name] = queue.messages_per_second
            continue
        producers = [
            s.name for s in req.system.services if s.type.serves_requests and queue.name in s.uses
        ]
        rates[queue.name] = sum(factors.factors[p].value for p in producers) * average
    return rates
