"""AZs from the SLO, the in-region failover, and what the team can run (how many regions:
:mod:`infra_architect.engine._region_study`)."""

from __future__ import annotations

from infra_architect._figures import Figure, figure, given
from infra_architect.catalog import Catalog, Policy
from infra_architect.engine._model import CapabilityFit, Complexity
from infra_architect.spec import DatastoreEngine, Requirements


def derive_azs(req: Requirements, catalog: Catalog) -> Figure:
    """AZs per region: the user's pin, else the SLO tier's within what the region offers."""
    tier = catalog.policy.tier_for(req.availability.slo)
    region_azs = catalog.regions[req.cloud.region].availability_zones
    pinned = req.cloud.availability_zones
    if pinned is not None:
        return given(float(pinned), "AZs", "cloud.availability_zones")
    return figure(
        float(min(tier.availability_zones, region_azs)),
        "AZs",
        "min({tier_azs}, {region_azs})",
        tier_azs=float(tier.availability_zones),
        region_azs=float(region_azs),
    )


def in_region_failover(req: Requirements, policy: Policy) -> Figure:
    """How long a relational primary takes to fail over to its standby in another AZ."""
    if any(d.engine.relational for d in req.system.datastores):
        return given(policy.db_failover_minutes, "min", "RDS Multi-AZ failover, typically 60-120 s")
    return given(0.0, "min", "no relational primary to fail over")


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
