"""Region-disaster recovery as two independent choices.

The RPO of a region loss is a property of how data reaches the recovery region (backup
copies: an hour; an asynchronous replica: about a second); the RTO is a property of
what already runs there (nothing, a pilot light, a warm or a hot standby) and of how
long the data takes to serve there (a restore, or a promotion). Every combination is
priced at the cost floor's list prices and the cheapest that meets both the stated RPO
and RTO is chosen, so an RPO of minutes buys a replica, not a running standby.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from infra_architect._figures import Figure, duration, figure, given, number
from infra_architect.catalog import Catalog, DataReplication, StandbyCompute
from infra_architect.engine._floor import FloorParts, Pricer, sum_lines
from infra_architect.engine._model import CostLine, Recovery, RecoveryOption
from infra_architect.spec import (
    AppliedDefault,
    Availability,
    DatastoreEngine,
    DatastoreRole,
    Requirements,
    RpoScope,
    assumed_reason,
    found,
)

ACTIVE_ACTIVE = "active-active"
MULTI_WRITER = "multi-writer"


@dataclass(frozen=True)
class Targets:
    """The RTO and RPO a region loss must meet: stated, or what the cheapest delivers."""

    rto: Figure
    rpo: Figure
    region_rpo: float
    notes: list[AppliedDefault]


def targets(req: Requirements, catalog: Catalog) -> Targets:
    """The spec's RTO and RPO, else the cheapest combination's (recorded as assumed). An
    RPO scoped to an AZ loss that asks for less than any cross-region replication
    delivers is held, across regions, to the best there is (the conflicts say so)."""
    policy = catalog.policy
    cheapest_data, cheapest_compute = policy.data_replication[0], policy.standby_compute[0]
    weakest = f"{cheapest_data.title}, {cheapest_compute.title}"
    rto, rto_note = _stated(
        req.availability.rto_minutes,
        "rto_minutes",
        max(cheapest_data.restore_minutes, cheapest_compute.rto_minutes),
        weakest,
        "restores in this time",
    )
    rpo, rpo_note = _stated(
        req.availability.rpo_minutes,
        "rpo_minutes",
        cheapest_data.rpo_minutes,
        weakest,
        "loses at most this much",
    )
    best = min(d.rpo_minutes for d in policy.data_replication)
    region_rpo = rpo.value
    if req.availability.rpo_scope is RpoScope.ZONE and region_rpo < best:
        region_rpo = best
    return Targets(
        rto=rto,
        rpo=rpo,
        region_rpo=region_rpo,
        notes=[note for note in (rto_note, rpo_note) if note is not None],
    )


def _stated(
    stated: float | None, field: str, delivered: float, strategy: str, outcome: str
) -> tuple[Figure, AppliedDefault | None]:
    if stated is not None:
        return given(stated, "min", f"availability.{field}"), None
    note = found(
        ("availability", field),
        delivered,
        f"{assumed_reason(Availability, field)}: the cheapest recovery ({strategy}) {outcome}",
    )
    return given(delivered, "min", f"what {strategy} delivers"), note


def combination_rto(data: DataReplication, standby: StandbyCompute) -> float:
    """Until the recovery region serves: the slower of its data and its compute."""
    return max(data.restore_minutes, standby.rto_minutes)


def recovery_lines(
    req: Requirements,
    catalog: Catalog,
    parts: FloorParts,
    data: DataReplication,
    standby: StandbyCompute,
) -> list[CostLine]:
    """The recovery region at floor prices: the standby's network and its share of the
    compute, and each store's copy there."""
    pricer = Pricer(catalog.prices)
    lines: list[CostLine] = []
    if standby.network:
        lines.extend(
            line.model_copy(
                update={"component": f"{line.component} (recovery region)", "note": standby.title}
            )
            for line in parts.network
        )
    if standby.running_share > 0:
        compute = parts.compute.monthly_usd.value
        lines.append(
            CostLine(
                component="Compute (recovery region)",
                monthly_usd=figure(
                    compute * standby.running_share,
                    "USD/month",
                    "{primary_compute} × {standby_share}",
                    primary_compute=compute,
                    standby_share=standby.running_share,
                ),
                note=f"{standby.title}: {standby.running_share:.0%} of the primary's compute",
            )
        )
    policy = catalog.policy
    for store in req.system.datastores:
        gb = store.storage_gb or policy.storage_defaults_gb[store.engine.value]
        replica = data.name == "async-replica"
        if store.engine.relational:
            if replica:
                lines.append(
                    pricer.hourly(
                        f"{store.name} cross-region replica",
                        1.0,
                        "rds_db_t4g_micro_hour",
                        "db.t4g.micro",
                    )
                )
                lines.append(
                    pricer.storage(
                        f"{store.name} replica storage", gb, 1.0, "rds_gp3_gb_month", "gp3"
                    )
                )
            else:
                lines.append(_backups(pricer, store.name, gb))
        elif store.engine is DatastoreEngine.DYNAMODB:
            lines.append(
                pricer.storage(
                    f"{store.name} global-table replica",
                    gb,
                    1.0,
                    "dynamodb_storage_gb_month",
                    "replicated writes billed per request",
                )
                if replica
                else _backups(pricer, store.name, gb)
            )
        elif store.engine is DatastoreEngine.S3 and replica:
            lines.append(
                pricer.storage(
                    f"{store.name} replica bucket",
                    gb,
                    1.0,
                    "s3_standard_gb_month",
                    "S3 Cross-Region Replication",
                )
            )
        elif store.engine is DatastoreEngine.REDIS and store.role is DatastoreRole.PRIMARY:
            lines.append(_backups(pricer, store.name, gb))
    return lines


def _backups(pricer: Pricer, name: str, gb: float) -> CostLine:
    return pricer.storage(
        f"{name} backups (recovery region)",
        gb,
        1.0,
        "rds_backup_gb_month",
        "one full copy of the data",
    )


def active_active_lines(parts: FloorParts) -> list[CostLine]:
    """Two regions serving: the whole primary again, every store a multi-writer copy."""
    return [
        line.model_copy(update={"component": f"{line.component} (second region)"})
        for line in parts.lines
    ]


def options(
    req: Requirements,
    catalog: Catalog,
    parts: FloorParts,
    goal: Targets,
    unbuilt: Mapping[str, str] | None = None,
) -> list[tuple[DataReplication, StandbyCompute, list[CostLine], RecoveryOption]]:
    """Every combination of data replication and standby compute, priced, cheapest
    first (ties: the weaker data, then the weaker compute, as the catalog lists them).
    ``unbuilt``: standby modes not built for the design's platform, with the reason;
    their combinations are listed but never meet the targets."""
    unbuilt = unbuilt or {}
    policy = catalog.policy
    out = []
    for d_index, data in enumerate(policy.data_replication):
        for c_index, standby in enumerate(policy.standby_compute):
            lines = recovery_lines(req, catalog, parts, data, standby)
            rto = combination_rto(data, standby)
            option = RecoveryOption(
                data_replication=data.name,
                standby_compute=standby.name,
                rpo_minutes=data.rpo_minutes,
                rto_minutes=rto,
                monthly_usd=sum_lines(lines),
                meets=standby.name not in unbuilt
                and data.rpo_minutes <= goal.region_rpo
                and rto <= goal.rto.value,
                why_unavailable=unbuilt.get(standby.name),
            )
            out.append((d_index, c_index, data, standby, lines, option))
    out.sort(key=lambda row: (round(row[5].monthly_usd.value, 6), row[0], row[1]))
    return [(row[2], row[3], row[4], row[5]) for row in out]


def derive_recovery(
    req: Requirements,
    catalog: Catalog,
    parts: FloorParts,
    failover: Figure,
    *,
    allow: Callable[[DataReplication, StandbyCompute], bool] | None = None,
    unbuilt: Mapping[str, str] | None = None,
) -> tuple[Recovery, list[AppliedDefault]]:
    """The cheapest combination meeting the RTO and RPO among those ``allow`` admits (a
    pinned topology, or the one the availability simulation chose) and the generator
    builds (``unbuilt``: standby modes it does not, never chosen even when pinned)."""
    goal = targets(req, catalog)
    priced = options(req, catalog, parts, goal, unbuilt)
    buildable = [row for row in priced if row[3].why_unavailable is None]
    pool = [row for row in buildable if allow is None or allow(row[0], row[1])] or buildable
    meeting = [row for row in pool if row[3].meets]
    if meeting:
        data, compute, lines, option = meeting[0]
    else:
        # nothing meets: the strongest there is (the conflicts say what is missing)
        data, compute, lines, option = max(
            pool,
            key=lambda row: (-row[3].rpo_minutes, -row[3].rto_minutes, -row[3].monthly_usd.value),
        )
    why = (
        f"{data.title} ({data.why}; RPO {duration(data.rpo_minutes)}) and {compute.title} "
        f"({compute.why}; RTO {number(option.rto_minutes)} min), "
        f"${number(round(option.monthly_usd.value))}/month at floor prices: "
        + (
            "the cheapest combination meeting "
            f"RPO {number(goal.rpo.value)} min and RTO {number(goal.rto.value)} min"
            if meeting and allow is None
            else f"the topology needs {compute.title}"
            if meeting
            else "nothing meets the stated RTO/RPO, so the strongest applies"
        )
    )
    held = sorted({row[1].title for row in priced if row[3].why_unavailable})
    if held:
        why += f"; not built for this platform: {', '.join(held)} ({unbuilt_reason(priced)})"
    if goal.region_rpo != goal.rpo.value:
        why += (
            f"; RPO {number(goal.rpo.value)} min holds for an AZ loss (synchronous Multi-AZ), "
            f"across regions the least there is: {duration(goal.region_rpo)}"
        )
    return (
        Recovery(
            rto_minutes=goal.rto,
            rpo_minutes=goal.rpo,
            rpo_scope=req.availability.rpo_scope.value,
            data_replication=data.name,
            standby_compute=compute.name,
            standby_share=compute.running_share,
            standby_network=compute.network,
            strategy=f"{data.title}, {compute.title}",
            strategy_rto_minutes=option.rto_minutes,
            strategy_rpo_minutes=data.rpo_minutes,
            lines=lines,
            monthly_usd=sum_lines(lines),
            options=[row[3] for row in priced],
            why=why,
            meets_stated=bool(meeting),
            needs_second_region=data.name != "backup-copy" or compute.name != "none",
            in_region_failover_minutes=failover,
        ),
        goal.notes,
    )


def unbuilt_reason(
    priced: list[tuple[DataReplication, StandbyCompute, list[CostLine], RecoveryOption]],
) -> str:
    """The reason the generator gives for the combinations it cannot build."""
    return next((row[3].why_unavailable for row in priced if row[3].why_unavailable), "")


def active_active_recovery(recovery: Recovery, parts: FloorParts, dns_minutes: float) -> Recovery:
    """Both regions serve: full capacity in each, every store written in both."""
    lines = active_active_lines(parts)
    return recovery.model_copy(
        update={
            "data_replication": MULTI_WRITER,
            "standby_compute": ACTIVE_ACTIVE,
            "standby_share": 1.0,
            "standby_network": True,
            "strategy": "two regions serving (active-active), multi-writer stores",
            "strategy_rto_minutes": dns_minutes,
            "strategy_rpo_minutes": min(recovery.strategy_rpo_minutes, 0.0167),
            "lines": lines,
            "monthly_usd": sum_lines(lines),
            "why": "both regions serve at full capacity and every store takes writes in both "
            f"(DynamoDB global tables, S3 replication both ways); a region loss moves its "
            f"traffic by DNS within {number(dns_minutes)} min",
            "meets_stated": True,
            "needs_second_region": True,
        }
    )
