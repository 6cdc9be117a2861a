"""Per-service capacity: replicas at every load level and the bounds they imply."""

from __future__ import annotations

from infra_architect._figures import Figure, ceil_count, figure, given, product
from infra_architect.catalog import Policy
from infra_architect.engine._model import (
    CapacityTotals,
    LoadUnit,
    ServiceCapacity,
    TrafficFigures,
)
from infra_architect.spec import Requirements, Service, ServiceType
from infra_architect.spec._assumptions import AppliedDefault, assumed_reason, found

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
    notes: list[AppliedDefault] = []
    loc = ("system", "services", index)
    if service.cpu_ms_per_request is not None:
        cpu = given(service.cpu_ms_per_request, "ms", "spec")
    else:
        cpu = given(profile.cpu_ms_per_request, "ms", f"{service.type.value} profile")
        if service.type is not ServiceType.CRON:
            notes.append(
                found(
                    (*loc, "cpu_ms_per_request"),
                    profile.cpu_ms_per_request,
                    assumed_reason(Service, "cpu_ms_per_request") or "",
                    service.name,
                )
            )
    if service.memory_mb is not None:
        memory = given(float(service.memory_mb), "MiB", "spec")
    else:
        memory = given(float(profile.memory_mb), "MiB", f"{service.type.value} profile")
        notes.append(
            found(
                (*loc, "memory_mb"),
                profile.memory_mb,
                assumed_reason(Service, "memory_mb") or "",
                service.name,
            )
        )
    vcpu = given(profile.vcpu_per_replica, "vCPU", f"{service.type.value} profile")
    notes.append(
        found(
            (*loc, "vcpu_per_replica"),
            profile.vcpu_per_replica,
            "each replica gets the vCPU of its service-type profile",
            service.name,
        )
    )
    if service.type.serves_requests and service.port is None:
        notes.append(
            found((*loc, "port"), profile.port, assumed_reason(Service, "port") or "", service.name)
        )

    unit = _UNIT[service.type]
    loads = {
        "average": _load(factor, traffic.average_rps, "average_rps", unit),
        "peak": _load(factor, traffic.peak_rps, "peak_rps", unit),
        "spike": _load(factor, traffic.spike_rps, "spike_rps", unit),
        "growth_peak": _load(factor, traffic.growth_peak_rps, "growth_peak_rps", unit),
    }
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


def store_peak_rps(req: Requirements, services: list[ServiceCapacity], store: str) -> float:
    """Peak requests/s reaching a data store: the peak load of every long-running
    service that uses it (cron jobs run between peaks)."""
    by_name = {s.name: s for s in services}
    return sum(
        by_name[s.name].peak_load.value
        for s in req.system.services
        if store in s.uses and s.type is not ServiceType.CRON and s.name in by_name
    )
