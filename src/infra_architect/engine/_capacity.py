"""Per-service capacity: replicas at every load level and the bounds they imply."""

from __future__ import annotations

from infra_architect._figures import Figure, ceil_count, figure, given, product
from infra_architect.catalog import Policy
from infra_architect.engine._data_sizing import caches_in_front
from infra_architect.engine._model import (
    CapacityTotals,
    LoadUnit,
    ServiceCapacity,
    TrafficFigures,
)
from infra_architect.spec import (
    AppliedDefault,
    Requirements,
    Service,
    ServiceType,
    assumed_reason,
    found,
)

MAX_REPLICAS = 5000
"""Replicas one service can run: an ECS service runs at most 5,000 tasks (AWS service
quota "Tasks per service"), and a Kubernetes cluster is tested to 5,000 nodes and
150,000 pods in all. A load needing more is beyond one deployment (a conflict), and the
design's replica bounds stop here."""

_UNIT: dict[ServiceType, LoadUnit] = {
    ServiceType.WEB: "requests/s",
    ServiceType.API: "requests/s",
    ServiceType.WORKER: "messages/s",
    ServiceType.CRON: "runs",
}


def derive_capacity(
    req: Requirements,
    policy: Policy,
    traffic: TrafficFigures,
    factors: dict[str, Figure],
    availability_zones: int,
) -> tuple[list[ServiceCapacity], list[AppliedDefault]]:
    notes: list[AppliedDefault] = []
    out: list[ServiceCapacity] = []
    for index, service in enumerate(req.system.services):
        sized, service_notes = _size_service(
            index,
            service,
            req=req,
            policy=policy,
            traffic=traffic,
            factor=factors[service.name],
            azs=availability_zones,
        )
        out.append(sized)
        notes.extend(service_notes)
    return out, notes


def _size_service(
    index: int,
    service: Service,
    *,
    req: Requirements,
    policy: Policy,
    traffic: TrafficFigures,
    factor: Figure,
    azs: int,
) -> tuple[ServiceCapacity, list[AppliedDefault]]:
    profile = policy.service_profiles[service.type]
    runtime = policy.runtime(service.runtime)
    runtime_name = service.runtime.value if service.runtime is not None else "unknown runtime"
    notes: list[AppliedDefault] = []
    loc = ("system", "services", index)
    cpu = _cpu_per_request(service, policy, loc, notes)
    if service.memory_mb is not None:
        memory = given(float(service.memory_mb), "MiB", "spec")
    else:
        memory = given(float(runtime.memory_mb), "MiB", f"{runtime_name} planning size")
        notes.append(
            found(
                (*loc, "memory_mb"),
                runtime.memory_mb,
                f"memory per replica: the usual size for {runtime_name} services",
                service.name,
            )
        )
    unit = _UNIT[service.type]
    loads = {
        "average": _load(factor, traffic.average_rps, "average_rps", unit),
        "peak": _load(factor, traffic.peak_rps, "peak_rps", unit),
        "spike": _load(factor, traffic.spike_rps, "spike_rps", unit),
        "growth_peak": _load(factor, traffic.growth_peak_rps, "growth_peak_rps", unit),
    }
    if service.cpu is not None:
        vcpu = given(service.cpu, "vCPU", "spec")
    else:
        vcpu = _replica_vcpu(service, req, policy, cpu, loads["peak"], azs)
        notes.append(
            found(
                (*loc, "cpu"),
                vcpu.value,
                f"vCPU per replica: the usual request for {runtime_name} services"
                if vcpu.value == runtime.vcpu
                else f"vCPU per replica: {runtime_name}'s usual {runtime.vcpu:g} is more than "
                "the peak needs across the replicas availability keeps anyway",
                service.name,
            )
        )
    if service.type.serves_requests and service.port is None:
        notes.append(
            found((*loc, "port"), profile.port, assumed_reason(Service, "port") or "", service.name)
        )

    if service.type is ServiceType.CRON:
        per_replica = given(0.0, unit, "cron jobs run one replica per scheduled run")
        counts = {level: given(1.0, "replicas", "one job per run") for level in loads}
        floor = given(0.0, "replicas", "nothing runs between scheduled runs")
        minimum = given(0.0, "replicas", "nothing runs between scheduled runs")
        maximum = given(1.0, "replicas", "one job per run (concurrencyPolicy: Forbid)")
    else:
        per_replica = figure(
            vcpu.value * 1000 / cpu.value * policy.target_utilisation,
            f"{unit} per replica",
            "{vcpu_per_replica} × 1000 / {cpu_ms_per_request} × {target_utilisation}",
            vcpu_per_replica=vcpu.value,
            cpu_ms_per_request=cpu.value,
            target_utilisation=policy.target_utilisation,
        )
        counts = {
            level: figure(
                float(ceil_count(load.value / per_replica.value)),
                "replicas",
                "ceil({%s_load} / {load_per_replica})" % level,  # noqa: UP031
                **{f"{level}_load": load.value, "load_per_replica": per_replica.value},
            )
            for level, load in loads.items()
        }
        floor = _availability_floor(service, req, policy, azs)
        minimum = figure(
            float(max(floor.value, counts["average"].value)),
            "replicas",
            "max({availability_floor}, {replicas_average})",
            availability_floor=floor.value,
            replicas_average=counts["average"].value,
        )
        maximum = figure(
            float(max(minimum.value, counts["spike"].value, counts["growth_peak"].value)),
            "replicas",
            "max({min_replicas}, {replicas_spike}, {replicas_growth_peak})",
            min_replicas=minimum.value,
            replicas_spike=counts["spike"].value,
            replicas_growth_peak=counts["growth_peak"].value,
        )
    az_loss = None
    if service.type is not ServiceType.CRON and azs >= 2:
        az_loss = figure(
            float(ceil_count(counts["peak"].value * azs / (azs - 1))),
            "replicas",
            "ceil({replicas_peak} × {availability_zones} / ({availability_zones} - 1))",
            replicas_peak=counts["peak"].value,
            availability_zones=float(azs),
        )
    headroom = None
    if loads["average"].value > 0 and per_replica.value > 0:
        headroom = figure(
            maximum.value * per_replica.value / loads["average"].value,
            "× average load",
            "{max_replicas} × {load_per_replica} / {average_load}",
            max_replicas=maximum.value,
            load_per_replica=per_replica.value,
            average_load=loads["average"].value,
        )
    return (
        ServiceCapacity(
            name=service.name,
            type=service.type,
            load_unit=unit,
            load_factor=factor,
            average_load=loads["average"],
            peak_load=loads["peak"],
            spike_load=loads["spike"],
            growth_peak_load=loads["growth_peak"],
            cpu_ms_per_request=cpu,
            vcpu_per_replica=vcpu,
            memory_mb_per_replica=memory,
            load_per_replica=per_replica,
            replicas_average=counts["average"],
            replicas_peak=counts["peak"],
            replicas_spike=counts["spike"],
            replicas_growth_peak=counts["growth_peak"],
            availability_floor=floor,
            min_replicas=minimum,
            max_replicas=maximum,
            replicas_to_survive_az_loss=az_loss,
            spike_headroom=headroom,
            vcpu_min=product(minimum.value, "min_replicas", vcpu.value, "vcpu_per_replica", "vCPU"),
            vcpu_max=product(maximum.value, "max_replicas", vcpu.value, "vcpu_per_replica", "vCPU"),
            memory_gb_min=product(
                minimum.value, "min_replicas", memory.value / 1024, "memory_gib_per_replica", "GiB"
            ),
            memory_gb_max=product(
                maximum.value, "max_replicas", memory.value / 1024, "memory_gib_per_replica", "GiB"
            ),
        ),
        notes,
    )


def _replica_vcpu(  # noqa: PLR0917  (the service's sizing context)
    service: Service, req: Requirements, policy: Policy, cpu: Figure, peak: Figure, azs: int
) -> Figure:
    """The runtime's usual replica size, halved while the replicas availability keeps
    anyway (the floor) still carry the peak at the target utilisation, down to the
    runtime's smallest: a 3-request-a-second tool needs no half-core replicas."""
    runtime = policy.runtime(service.runtime)
    size = runtime.vcpu
    if service.type is ServiceType.CRON or cpu.value <= 0:
        return given(size, "vCPU", "runtime planning size")
    floor = _availability_floor(service, req, policy, azs).value
    needed = peak.value * cpu.value / 1000 / policy.target_utilisation
    while size / 2 >= runtime.min_vcpu and floor * size / 2 >= needed:
        size /= 2
    if size == runtime.vcpu:
        return given(size, "vCPU", "runtime planning size")
    return figure(
        size,
        "vCPU",
        "the runtime's {usual_vcpu} halved while {floor_replicas} replicas carry the peak's "
        "{peak_vcpu} vCPU at the target utilisation (not below {min_vcpu})",
        usual_vcpu=runtime.vcpu,
        floor_replicas=floor,
        peak_vcpu=needed,
        min_vcpu=runtime.min_vcpu,
    )


def _cpu_per_request(
    service: Service, policy: Policy, loc: tuple[str | int, ...], notes: list[AppliedDefault]
) -> Figure:
    """The spec's measurement, else the runtime's planning figure (a queue message costs
    ``message_cpu_factor`` requests); a cron job's runs are not sized per request."""
    if service.cpu_ms_per_request is not None:
        return given(service.cpu_ms_per_request, "ms", "spec")
    if service.type is ServiceType.CRON:
        return given(0.0, "ms", "cron jobs run one replica per scheduled run")
    runtime = policy.runtime(service.runtime)
    name = service.runtime.value if service.runtime is not None else "unknown runtime"
    if service.type is ServiceType.WORKER:
        cpu = figure(
            runtime.cpu_ms_per_request * policy.message_cpu_factor,
            "ms",
            "{runtime_cpu_ms_per_request} × {message_cpu_factor}",
            runtime_cpu_ms_per_request=runtime.cpu_ms_per_request,
            message_cpu_factor=policy.message_cpu_factor,
        )
        reason = f"CPU per message: {name}'s planning figure × {policy.message_cpu_factor:g}"
    elif service.type is ServiceType.WEB:
        cpu = figure(
            runtime.cpu_ms_per_request * policy.web_cpu_factor,
            "ms",
            "{runtime_cpu_ms_per_request} × {web_cpu_factor}",
            runtime_cpu_ms_per_request=runtime.cpu_ms_per_request,
            web_cpu_factor=policy.web_cpu_factor,
        )
        reason = (
            f"CPU per page: {name}'s planning figure × {policy.web_cpu_factor:g} (measure it: "
            "it sizes compute)"
        )
    else:
        cpu = given(runtime.cpu_ms_per_request, "ms", f"{name} planning figure")
        reason = f"CPU per request: the planning figure for {name} (measure it: it sizes compute)"
    notes.append(found((*loc, "cpu_ms_per_request"), round(cpu.value, 6), reason, service.name))
    return cpu


def _load(factor: Figure, system: Figure, system_name: str, unit: str) -> Figure:
    return figure(
        factor.value * system.value,
        unit,
        "{load_factor} × {%s}" % system_name,  # noqa: UP031  (braces are the template)
        **{"load_factor": factor.value, system_name: system.value},
    )


def _availability_floor(service: Service, req: Requirements, policy: Policy, azs: int) -> Figure:
    if service.type.serves_requests:
        return figure(
            float(max(policy.min_replicas_floor, azs)),
            "replicas",
            "max({min_replicas_floor}, {availability_zones})",
            min_replicas_floor=float(policy.min_replicas_floor),
            availability_zones=float(azs),
        )
    redundant = req.availability.slo >= policy.worker_redundancy_slo
    return given(
        2.0 if redundant else 1.0,
        "replicas",
        f"workers keep 2 replicas from {policy.worker_redundancy_slo:g}% up"
        if redundant
        else f"below {policy.worker_redundancy_slo:g}% a queue can wait for a restarted worker",
    )


def total_capacity(services: list[ServiceCapacity]) -> CapacityTotals:
    def total(attribute: str, unit: str) -> Figure:
        values = {s.name: getattr(s, attribute).value for s in services}
        template = " + ".join("{%s}" % name for name in values)  # noqa: UP031
        return figure(sum(values.values()), unit, template, **values)

    return CapacityTotals(
        vcpu_min=total("vcpu_min", "vCPU"),
        vcpu_max=total("vcpu_max", "vCPU"),
        memory_gb_min=total("memory_gb_min", "GiB"),
        memory_gb_max=total("memory_gb_max", "GiB"),
    )


def store_peak_rps(
    req: Requirements, services: list[ServiceCapacity], store: str, cache_hit_ratio: float
) -> float:
    """Peak requests/s reaching a data store: the peak load of every long-running
    service that uses it (cron jobs run between peaks). A relational store read through
    a cache the same service uses (a Redis store of role ``cache``) sees only the misses:
    ``1 - cache_hit_ratio`` of that service's requests."""
    by_name = {s.name: s for s in services}
    target = next((d for d in req.system.datastores if d.name == store), None)

    def through_cache(service: Service) -> float:
        behind_cache = target is not None and bool(caches_in_front(req, service, target))
        return 1.0 - cache_hit_ratio if behind_cache else 1.0

    return round(
        sum(
            by_name[s.name].peak_load.value * through_cache(s)
            for s in req.system.services
            if store in s.uses and s.type is not ServiceType.CRON and s.name in by_name
        ),
        6,
    )
