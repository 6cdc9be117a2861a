"""AZs and regions from the SLO, the disaster-recovery tier, and what the team can run."""

from __future__ import annotations

from infra_architect._figures import Figure, figure, given
from infra_architect.catalog import Catalog, Policy
from infra_architect.engine._model import CapabilityFit, Complexity, Recovery, Topology
from infra_architect.spec import Availability, DatastoreEngine, Requirements
from infra_architect.spec._assumptions import AppliedDefault, assumed_reason, found


def derive_topology(req: Requirements, catalog: Catalog) -> Topology:
    tier = catalog.policy.tier_for(req.availability.slo)
    region = req.cloud.region
    region_azs = catalog.regions[region].availability_zones
    pinned = req.cloud.availability_zones
    if pinned is not None:
        azs = given(float(pinned), "AZs", "cloud.availability_zones")
    else:
        azs = figure(
            float(min(tier.availability_zones, region_azs)),
            "AZs",
            "min({tier_azs}, {region_azs})",
            tier_azs=float(tier.availability_zones),
            region_azs=float(region_azs),
        )
    return Topology(
        region=region,
        availability_zones=azs,
        regions=tier.regions,
        multi_region=tier.multi_region,
        why=" ".join(tier.why.split()),
    )


def derive_recovery(
    req: Requirements, policy: Policy, topology: Topology
) -> tuple[Recovery, list[AppliedDefault]]:
    default = policy.strategy(policy.tier_recovery[topology.multi_region])
    rto, rto_note = _stated_or_delivered(
        req.availability.rto_minutes,
        "rto_minutes",
        default.rto_minutes,
        default.name,
        "restores in this time",
    )
    rpo, rpo_note = _stated_or_delivered(
        req.availability.rpo_minutes,
        "rpo_minutes",
        default.rpo_minutes,
        default.name,
        "loses at most this much",
    )
    notes = [note for note in (rto_note, rpo_note) if note is not None]
    meeting = [
        s
        for s in policy.recovery_strategies
        if s.rto_minutes <= rto.value and s.rpo_minutes <= rpo.value
    ]
    chosen = meeting[0] if meeting else policy.recovery_strategies[-1]
    # a stated RTO/RPO may ask for less than the SLO tier already runs; keep the stronger
    order = [s.name for s in policy.recovery_strategies]
    if order.index(default.name) > order.index(chosen.name):
        chosen = default
    has_relational = any(d.engine.relational for d in req.system.datastores)
    failover = (
        given(policy.db_failover_minutes, "min", "RDS Multi-AZ failover, typically 60-120 s")
        if has_relational
        else given(0.0, "min", "no relational primary to fail over")
    )
    why = (
        f"{chosen.name}: {chosen.why} (delivers RTO {chosen.rto_minutes:g} min, "
        f"RPO {chosen.rpo_minutes:g} min"
    )
    why += ")" if meeting else "; nothing meets the stated RTO/RPO, so the strongest applies)"
    return (
        Recovery(
            rto_minutes=rto,
            rpo_minutes=rpo,
            strategy=chosen.name,
            strategy_rto_minutes=chosen.rto_minutes,
            strategy_rpo_minutes=chosen.rpo_minutes,
            why=why,
            meets_stated=bool(meeting),
            needs_second_region=chosen.needs_second_region or topology.regions > 1,
            in_region_failover_minutes=failover,
        ),
        notes,
    )


def _stated_or_delivered(
    stated: float | None, field: str, delivered: float, strategy: str, outcome: str
) -> tuple[Figure, AppliedDefault | None]:
    """The spec's RTO/RPO, else what the SLO tier's recovery strategy delivers (assumed)."""
    if stated is not None:
        return given(stated, "min", f"availability.{field}"), None
    note = found(
        ("availability", field),
        delivered,
        f"{assumed_reason(Availability, field)}: the SLO tier's recovery strategy "
        f"({strategy}) {outcome}",
    )
    return given(delivered, "min", f"what {strategy} delivers"), note


def derive_complexity(req: Requirements, policy: Policy) -> Complexity:
    team = req.team
    fits: list[CapabilityFit] = []
    for capability in policy.capabilities:
        shortfalls: list[str] = []
        if team.size < capability.team_size:
            shortfalls.append(f"needs {capability.team_size}+ engineers, team has {team.size}")
        if team.ops_experience.rank < capability.ops_experience.rank:
            shortfalls.append(
                f"needs {capability.ops_experience.value} ops experience, "
                f"team has {team.ops_experience.value}"
            )
        if team.kubernetes_experience.rank < capability.kubernetes_experience.rank:
            shortfalls.append(
                f"needs {capability.kubernetes_experience.value} Kubernetes experience, "
                f"team has {team.kubernetes_experience.value}"
            )
        fits.append(
            CapabilityFit(
                name=capability.name,
                title=capability.title,
                kind=capability.kind,
                within_reach=not shortfalls,
                shortfalls=shortfalls,
            )
        )
    compute = [f for f in fits if f.kind == "compute" and f.within_reach]
    ceiling = compute[-1] if compute else fits[0]
    sustainable = team.size >= policy.on_call_min_people
    return Complexity(
        compute_ceiling=ceiling.name,
        capabilities=fits,
        on_call_people=team.size,
        on_call_minimum=policy.on_call_min_people,
        sustainable_on_call=sustainable,
        why=(
            f"{team.size} engineer{'s' if team.size != 1 else ''} with "
            f"{team.ops_experience.value} operations and "
            f"{team.kubernetes_experience.value} Kubernetes experience can run at most: "
            f"{ceiling.title}"
        ),
    )


def store_is_multi_az(
    pinned: bool | None, slo: float, policy: Policy, availability_zones: int
) -> bool:
    """Whether a data store runs Multi-AZ: the user's pin, else the SLO decides."""
    if pinned is not None:
        return pinned
    return availability_zones >= 2 and slo >= policy.multi_az_data_slo


SYNC_REPLICATED = frozenset(
    {DatastoreEngine.POSTGRES, DatastoreEngine.MYSQL, DatastoreEngine.S3, DatastoreEngine.DYNAMODB}
)
"""Engines whose in-region replication is synchronous, so an AZ loss loses no data."""
