"""Price usage at catalog prices, and what follows from the priced lines.

Everything here is arithmetic over the catalog: a line is quantity × unit price in the
priced region; commitments and levers are the same quantities at other terms or other
items; the budget check adds levers, largest first, until the gap is closed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from infra_architect._figures import Figure, figure, number, slug
from infra_architect.catalog import PriceCatalog
from infra_architect.cost._model import (
    BudgetCheck,
    CommitmentOption,
    CostModel,
    EnvironmentCost,
    GrowthPoint,
    Lever,
    LineItem,
    Usage,
)

STAGING_HOURS_PER_WEEK = 60.0
"""Staging on a schedule: 12 hours on each of 5 working days."""
HOURS_PER_WEEK = 168.0
GRAVITON = {"m6i": "m7g", "m5": "m7g"}
"""x86 general-purpose families and their Graviton equivalent in the catalog."""
LOG_INGEST_IA = "cloudwatch_logs_ingest_ia_gb"

COMMITMENT_RISK = {
    "compute": "commits a spend per hour for a year: paid even if usage falls; a Compute "
    "Savings Plan follows the workload across instance families, sizes and Fargate",
    "control-plane": "none beyond the year",
    "database": "bound to this instance class and region: resizing or moving forfeits it; "
    "buy after three months at a stable size",
    "cache": "bound to this node type and region: buy after three months at a stable size",
    "search": "bound to this instance type and region: buy after three months at a stable size",
    "messaging": "bound to this broker type and region",
}


def price_line(usage: Usage, prices: PriceCatalog, region: str) -> LineItem:
    item = prices.items[usage.price_key]
    unit_usd = prices.usd(usage.price_key, region)
    return LineItem(
        component=usage.component,
        category=usage.category,
        price_key=usage.price_key,
        quantity=usage.quantity,
        unit=item.unit,
        unit_usd=unit_usd,
        monthly_usd=figure(
            usage.quantity.value * unit_usd,
            "USD/month",
            "{quantity} × {usd_per_unit}",
            quantity=usage.quantity.value,
            usd_per_unit=unit_usd,
        ),
        commitment=usage.commitment,
        workload=usage.workload,
        note=usage.note,
    )


def total(values: Sequence[float], names: Sequence[str]) -> Figure:
    """A sum whose working names each term."""
    inputs = dict(zip(names, values, strict=True))
    return figure(
        sum(values),
        "USD/month",
        " + ".join("{%s}" % name for name in inputs) or "0",  # noqa: UP031
        **inputs,
    )


def environment_cost(
    name: str, usages: Sequence[Usage], prices: PriceCatalog, region: str
) -> EnvironmentCost:
    lines = [price_line(u, prices, region) for u in usages]
    return EnvironmentCost(
        name=name,
        lines=lines,
        total_monthly_usd=total(
            [line.monthly_usd.value for line in lines],
            [f"line_{i + 1}" for i in range(len(lines))],
        ),
    )


def commitment_options(
    environments: Sequence[EnvironmentCost], prices: PriceCatalog, region: str
) -> list[CommitmentOption]:
    """Steady prod lines on a 1-year term; staging's steady compute on Spot; the rest stays."""
    out: list[CommitmentOption] = []
    for env in environments:
        for line in env.lines:
            option = _option(env.name, line, prices, region)
            if option is not None:
                out.append(option)
    return out


def _option(env: str, line: LineItem, prices: PriceCatalog, region: str) -> CommitmentOption | None:
    if line.commitment == "usage" or line.category == "control-plane":
        return None
    od = line.monthly_usd.value
    item = prices.items[line.price_key]
    if env != "prod" and line.category == "compute" and item.spot_discount is not None:
        return _saving_option(
            env,
            line,
            "Spot",
            od * (1 - item.spot_discount),
            f"Spot ({item.spot_discount:.0%} off typical): pods restart when a node is "
            "reclaimed (two minutes' notice); acceptable outside prod",
        )
    if line.commitment == "interruptible" and item.spot_discount is not None:
        return _saving_option(
            env,
            line,
            "Spot",
            od * (1 - item.spot_discount),
            "work resumes from the queue after an interruption (two minutes' notice)",
        )
    if (
        env == "prod"
        and line.commitment == "steady"
        and prices.has_term(line.price_key, "reserved_1y")
    ):
        committed = line.quantity.value * prices.usd(line.price_key, region, "reserved_1y")
        three = line.quantity.value * prices.usd(line.price_key, region, "reserved_3y")
        return _saving_option(
            env,
            line,
            "1-year commitment",
            committed,
            COMMITMENT_RISK.get(line.category, "bound to this resource for the term")
            + f"; 3 years would cost ${number(round(three))}/month, locked for longer",
        )
    why = {
        "variable": "autoscaled above the baseline: a commitment sized to the peak pays for "
        "idle hours",
        "steady": "no commitment offered for this item, or not worth it outside prod",
        "interruptible": "no Spot price for this item",
    }[line.commitment]
    return CommitmentOption(
        environment=env,
        component=line.component,
        on_demand_usd=od,
        recommended="on-demand",
        recommended_usd=od,
        saving_usd=figure(0.0, "USD/month", "{none}", none=0.0),
        risk=why,
    )


def _saving_option(env: str, line: LineItem, term: str, cost: float, risk: str) -> CommitmentOption:
    od = line.monthly_usd.value
    return CommitmentOption(
        environment=env,
        component=line.component,
        on_demand_usd=od,
        recommended=term,
        recommended_usd=round(cost, 6),
        saving_usd=figure(
            od - cost, "USD/month", "{on_demand} - {committed}", on_demand=od, committed=cost
        ),
        risk=risk,
    )


def catalog_levers(
    environments: Sequence[EnvironmentCost],
    options: Sequence[CommitmentOption],
    prices: PriceCatalog,
    region: str,
) -> list[Lever]:
    """Levers any priced bill has: ``options``' commitments, Graviton, staging
    schedules, log class."""
    out = [
        Lever(
            id=f"commit-{slug(option.component)}",
            environment=option.environment,
            component=option.component,
            action=f"buy a {option.recommended} for the baseline",
            saving_usd=option.saving_usd,
            reliability="none",
        )
        for option in options
        if option.saving_usd.value > 0 and option.environment == "prod"
    ]
    for env in environments:
        for line in env.lines:
            out.extend(_line_levers(env.name, line, prices, region))
    return out


def _line_levers(env: str, line: LineItem, prices: PriceCatalog, region: str) -> list[Lever]:
    out: list[Lever] = []
    family = _ec2_family(line.price_key)
    if family in GRAVITON:
        arm_key = line.price_key.replace(f"ec2_{family}_", f"ec2_{GRAVITON[family]}_", 1)
        if arm_key in prices.items:
            arm = prices.usd(arm_key, region)
            out.append(
                Lever(
                    id=f"graviton-{env}-{slug(line.component)}",
                    environment=env,
                    component=line.component,
                    action=f"move to {arm_key.split('_')[1]} (Graviton) at the same size",
                    saving_usd=figure(
                        line.quantity.value * (line.unit_usd - arm),
                        "USD/month",
                        "{quantity} × ({x86} - {graviton})",
                        quantity=line.quantity.value,
                        x86=line.unit_usd,
                        graviton=arm,
                    ),
                    reliability="none; images must be built for arm64 too (multi-arch build)",
                    kind="right-size",
                )
            )
    if env == "staging" and line.category == "compute" and line.commitment != "usage":
        off = 1 - STAGING_HOURS_PER_WEEK / HOURS_PER_WEEK
        out.append(
            Lever(
                id=f"schedule-staging-{slug(line.component)}",
                environment=env,
                component=line.component,
                action="scale staging to zero outside working hours (12 h × 5 days)",
                saving_usd=figure(
                    line.monthly_usd.value * off,
                    "USD/month",
                    "{monthly} × (1 - {on_hours} / {week_hours})",
                    monthly=line.monthly_usd.value,
                    on_hours=STAGING_HOURS_PER_WEEK,
                    week_hours=HOURS_PER_WEEK,
                ),
                reliability="none in prod; staging deploys outside the hours wait for it",
                kind="right-size",
            )
        )
    # the services' logs only: the audit trail's log group keeps its metric filters
    if (
        line.price_key == "cloudwatch_logs_ingest_gb"
        and line.category == "observability"
        and LOG_INGEST_IA in prices.items
    ):
        ia = prices.usd(LOG_INGEST_IA, region)
        out.append(
            Lever(
                id=f"logs-ia-{env}",
                environment=env,
                component=line.component,
                action="send access and debug logs to Infrequent Access log groups",
                saving_usd=figure(
                    line.quantity.value * (line.unit_usd - ia),
                    "USD/month",
                    "{gb} × ({standard} - {infrequent_access})",
                    gb=line.quantity.value,
                    standard=line.unit_usd,
                    infrequent_access=ia,
                ),
                reliability="IA log groups have no metric filters or Live Tail: keep the "
                "groups alarms read on Standard",
            )
        )
    return out


def _ec2_family(price_key: str) -> str:
    match = re.fullmatch(r"ec2_([a-z0-9]+)_[a-z0-9]+_hour", price_key)
    return match.group(1) if match else ""


def check_budget(
    budget: float, total_usd: float, levers: Sequence[Lever], growth: Sequence[GrowthPoint]
) -> BudgetCheck:
    gap = max(0.0, total_usd - budget)
    chosen: list[str] = []
    closed = 0.0
    # Levers that leave reliability as it is come first, each kind largest saving first.
    ordered = sorted(levers, key=lambda lv: (lv.reliability != "none", -lv.saving_usd.value, lv.id))
    for lever in ordered:
        if closed >= gap:
            break
        if lever.saving_usd.value > 0:
            chosen.append(lever.id)
            closed += lever.saving_usd.value
    over = [p.month for p in growth if p.total_monthly_usd > budget]
    return BudgetCheck(
        budget_monthly_usd=budget,
        total_monthly_usd=round(total_usd, 6),
        within_budget=total_usd <= budget,
        gap_usd=round(gap, 6),
        closing_levers=chosen if gap > 0 else [],
        closed_usd=round(closed, 6) if gap > 0 else 0.0,
        closes_gap=closed >= gap,
        first_month_over=over[0] if over else None,
    )


def build_cost_model(
    *,
    region: str,
    prices: PriceCatalog,
    staging: Sequence[Usage],
    prod_at: Callable[[float], Sequence[Usage]],
    growth: Sequence[tuple[int, float, float]],
    budget: float | None,
    extra_levers: Callable[[Sequence[EnvironmentCost]], Sequence[Lever]],
    assumptions: Sequence[str],
) -> CostModel:
    """``prod_at(scale)`` gives prod's usage at ``scale`` × today's traffic; ``growth`` is
    (month, average requests/s, scale) along the curve, month 0 first."""
    environments = [
        environment_cost("staging", staging, prices, region),
        environment_cost("prod", prod_at(1.0), prices, region),
    ]
    staging_total = environments[0].total_monthly_usd.value
    prod = environments[1]
    points = []
    for month, rps, scale in growth:
        at_scale = (
            prod if scale == 1.0 else environment_cost("prod", prod_at(scale), prices, region)
        )
        prod_total = at_scale.total_monthly_usd
        month_total = prod_total.value + staging_total
        points.append(
            GrowthPoint(
                month=month,
                average_rps=round(rps, 6),
                prod_monthly_usd=prod_total.value,
                total_monthly_usd=round(month_total, 6),
                within_budget=None if budget is None else month_total <= budget,
            )
        )
    options = commitment_options(environments, prices, region)
    largest = max(prod.lines, key=lambda line: (line.monthly_usd.value, line.component))
    levers = sorted(
        [*catalog_levers(environments, options, prices, region), *extra_levers(environments)],
        # right-sizing before buying the same thing cheaper: a commitment on what is
        # about to shrink is money locked in
        key=lambda lv: (lv.kind != "right-size", -lv.saving_usd.value, lv.id),
    )
    whole = total([e.total_monthly_usd.value for e in environments], [e.name for e in environments])
    return CostModel(
        region=region,
        priced_region=prices.priced_region(region),
        catalog_version=prices.version,
        prices_as_of=prices.as_of,
        environments=environments,
        total_monthly_usd=whole,
        largest=largest,
        largest_share=round(largest.monthly_usd.value / max(prod.total_monthly_usd.value, 1e-9), 6),
        commitments=options,
        levers=[lv for lv in levers if lv.saving_usd.value > 0],
        growth=points,
        budget=None if budget is None else check_budget(budget, whole.value, levers, points),
        assumptions=list(assumptions),
    )
