"""``design_system``: requirements → constraints → one decision per concern. Pure."""

from __future__ import annotations

from operator import attrgetter

from infra_architect._figures import capital, figure, number, share
from infra_architect.catalog import Catalog
from infra_architect.cost import CostModel
from infra_architect.engine._accounts import design_accounts
from infra_architect.engine._constraints import derive_constraints
from infra_architect.engine._day_one import design_day_one
from infra_architect.engine._design_model import (
    AssumptionCost,
    AvailabilityDesign,
    ComputeDesign,
    DataDesign,
    DeliveryDesign,
    Design,
    DodAnswer,
    EnvironmentSizing,
    FailureScenario,
    ObservabilityDesign,
    Scenario,
    Simulation,
    SpikeOption,
    SpikeStudy,
)
from infra_architect.engine._migration import plan_migration
from infra_architect.engine._model import Conflict, Constraints, Severity
from infra_architect.engine._names import resource_names
from infra_architect.engine._quotas import node_group_conflicts, quota_checks, quota_conflicts
from infra_architect.engine._sensitivity import price_assumptions
from infra_architect.engine._standby import failover_actions
from infra_architect.engine.assess import (
    FailureInputs,
    availability_study,
    detection_figure,
    estimate_cost,
    failure_scenarios,
    fault_study,
    reschedule_figure,
    stream_failure_scenarios,
    tune_for_spike,
)
from infra_architect.engine.choose._addons import choose_cluster_addons
from infra_architect.engine.choose._alarms import with_environment_alarms
from infra_architect.engine.choose._availability import (
    choose_topology,
    composite_availability,
    region_count,
)
from infra_architect.engine.choose._compute import choose_compute
from infra_architect.engine.choose._data import choose_data
from infra_architect.engine.choose._delivery import (
    choose_delivery,
    pipeline_variables,
    release_conflicts,
)
from infra_architect.engine.choose._dns import choose_dns, dns_conflicts
from infra_architect.engine.choose._environments import size_environments
from infra_architect.engine.choose._network import choose_network
from infra_architect.engine.choose._operate import choose_observability, choose_security
from infra_architect.engine.choose._provider import MINIMUM_TERRAFORM, choose_provider_versions
from infra_architect.engine.choose._streams import cap_stream_consumers
from infra_architect.errors import named
from infra_architect.simulate import SpikeOutcome
from infra_architect.spec import ComputeChoice, NatChoice, Requirements


def design_system(req: Requirements, catalog: Catalog) -> Design:
    """Choose the architecture for ``req``, failure paths first. Raises
    :class:`ImpossiblePinError` when a decision pinned in the spec cannot hold."""
    constraints = derive_constraints(req, catalog)
    topology = choose_topology(req, constraints, catalog)
    regions = region_count(constraints)
    tuning = tune_for_spike(req, constraints, catalog, choose_compute(req, constraints, catalog))
    compute, spike = tuning.compute, tuning.study
    compute = cap_stream_consumers(req, constraints, catalog, compute)
    network = choose_network(req, constraints, catalog, compute)
    data = choose_data(req, constraints, catalog, compute)
    delivery = choose_delivery(req, constraints, catalog, compute, network)
    observability = choose_observability(req, catalog, compute)
    reschedule = reschedule_figure(catalog, compute).value
    detection = detection_figure(catalog, network).value
    faults = fault_study(
        req,
        constraints,
        catalog,
        compute,
        delivery,
        detection_seconds=detection,
        reschedule_seconds=reschedule,
    )
    # A lost ECS task is replaced once the health checks declare it dead (the node-failure
    # runbook's detection + start); Kubernetes' figure already counts the node's grace.
    repair = reschedule + detection if compute.platform == ComputeChoice.ECS_FARGATE else reschedule
    paths = availability_study(
        req, constraints, catalog, compute, data, regions=regions, reschedule_seconds=repair
    )
    scenarios = failure_scenarios(
        FailureInputs(
            req=req,
            constraints=constraints,
            catalog=catalog,
            regions=regions,
            compute=compute,
            network=network,
            data=data,
            delivery=delivery,
            observability=observability,
            faults=faults,
            spike_study=spike,
            paths=tuple(paths),
        )
    ) + stream_failure_scenarios(catalog, data, observability.dashboards)
    availability = AvailabilityDesign(
        decision=topology,
        regions=regions,
        availability_zones=constraints.topology.availability_zones.whole,
        composite=composite_availability(req, constraints, catalog, compute.platform, regions),
        scenarios=scenarios,
    )
    environments = size_environments(
        req,
        catalog,
        compute,
        network,
        data,
        availability.availability_zones,
        constraints.recovery,
    )
    availability = _with_failover_actions(availability, environments, compute, data)
    observability = with_environment_alarms(
        observability, catalog.design.cause_alarms, network, data, environments
    )
    security = choose_security(
        req, catalog, compute, data, network, delivery, observability, environments
    )
    cost = estimate_cost(
        req, constraints, catalog, compute, network, data, observability, security, environments
    )
    dns = choose_dns(req, catalog, compute, network, environments)
    addons = choose_cluster_addons(catalog, compute, delivery, observability, security, dns=dns)
    if spike is not None and tuning.absorb_step is not None:
        absorbing = estimate_cost(
            req,
            constraints,
            catalog,
            tuning.absorb_step,
            network,
            data,
            observability,
            security,
            size_environments(
                req,
                catalog,
                tuning.absorb_step,
                network,
                data,
                availability.availability_zones,
                constraints.recovery,
            ),
        )
        spike = spike.model_copy(
            update={
                "absorb_step": SpikeOption(
                    changes=tuning.absorb_changes,
                    monthly_usd=figure(
                        prod_total(absorbing) - prod_total(cost),
                        "USD/month",
                        "{prod_absorbing_step} - {prod_designed}",
                        prod_absorbing_step=prod_total(absorbing),
                        prod_designed=prod_total(cost),
                    ),
                    outcomes=tuning.absorb_outcomes,
                    within=tuning.absorb_within,
                )
            }
        )
    simulation = Simulation(spike=spike, availability=paths, faults=faults)
    quotas = quota_checks(catalog, req.cloud.region, compute, environments)
    assumption_costs = _with_spike(
        price_assumptions(req, catalog, constraints), spike, prod_total(cost)
    )
    conflicts = (
        constraints.conflicts
        + _design_conflicts(
            req, catalog, availability, delivery, cost, assumption_costs=assumption_costs
        )
        + quota_conflicts(quotas)
        + node_group_conflicts(catalog, compute, environments)
        + dns_conflicts(dns)
    )
    feasible = not any(c.severity is Severity.ERROR for c in conflicts)
    accounts = design_accounts(
        name=req.metadata.name,
        region=req.cloud.region,
        repository=delivery.repository,
        platform=compute.platform,
        services=compute.services,
        delivery=delivery,
        data=data,
        environments=environments,
        key_deletion_window_days=catalog.design.recovery_window_days["protected"],
        limits=catalog.limits,
    )
    # the workflows read the role ARNs the accounts' bootstrap roots output
    delivery = delivery.model_copy(
        update={"variables": pipeline_variables(req.metadata.name, compute, network, accounts, dns)}
    )
    design = Design(
        name=req.metadata.name,
        description=req.metadata.description,
        region=req.cloud.region,
        constraints=constraints,
        availability=availability,
        compute=compute,
        network=network,
        data=data,
        delivery=delivery,
        observability=observability,
        security=security,
        cost=cost,
        simulation=simulation,
        environments=environments,
        terraform_versions=choose_provider_versions(),
        accounts=accounts,
        addons=addons,
        dns=dns,
        definition_of_done=definition_of_done(
            constraints,
            availability,
            delivery,
            observability,
            cost,
            simulation=simulation,
            feasible=feasible,
            assumption_costs=assumption_costs,
        ),
        conflicts=conflicts,
        assumptions=constraints.assumptions,
        assumption_costs=assumption_costs,
        day_one=design_day_one(
            name=req.metadata.name,
            region=req.cloud.region,
            kubernetes=compute.platform.kubernetes,
            terraform_minimum=MINIMUM_TERRAFORM,
            accounts=accounts,
            delivery=delivery,
            data=data,
            security=security,
            environments=environments,
            alb=network.load_balancer == "alb",
            argocd=addons.argocd if addons is not None else None,
            quota_checks=quotas,
            dns=dns,
        ),
        names=[
            resource_names(
                catalog,
                req.metadata.name,
                env.name,
                compute=compute,
                network=network,
                delivery=delivery,
                recovery_region=data.recovery_region,
            )
            for env in environments
        ],
    )
    if req.existing is None:
        return design
    return design.model_copy(update={"migration": plan_migration(req, catalog, design)})


def _design_conflicts(
    req: Requirements,
    catalog: Catalog,
    availability: AvailabilityDesign,
    delivery: DeliveryDesign,
    cost: CostModel,
    *,
    assumption_costs: list[AssumptionCost],
) -> list[Conflict]:
    out: list[Conflict] = []
    slo = req.availability.slo
    for path in availability.composite:
        if not path.meets_slo:
            weakest = sorted(path.terms, key=lambda t: (t.percent, t.component))[:3]
            out.append(
                Conflict(
                    id="composite-sla-below-slo",
                    severity=Severity.WARNING,
                    title=f"Published SLAs on {path.path}'s path compose to "
                    f"{path.design.value:.3f}%, below {slo:g}%",
                    detail=f"{path.design.worked}. SLAs are credit thresholds, so real "
                    "availability is usually higher, but the objective then rests on "
                    "better-than-contract behaviour of: "
                    + ", ".join(f"{t.component} ({t.percent:g}%)" for t in weakest),
                    fix="make the weakest dependencies soft (timeouts, fallbacks, serve "
                    "stale or degrade) so their outages do not fail requests, or lower "
                    "availability.slo",
                    fields=["availability.slo"],
                )
            )
    chosen = named(
        delivery.comparison, delivery.strategy, "strategy risk", key=attrgetter("strategy")
    )
    # Rolling because Service Connect rules CodeDeploy out: release_conflicts says so.
    demoted = delivery.strategy == "rolling" and bool(delivery.service_connect_rolling)
    if not chosen.fits and not demoted:
        out.append(
            Conflict(
                id="deploy-burn-over-budget",
                severity=Severity.WARNING,
                title=f"Bad deploys would burn {chosen.monthly_burn.value:g} min/month, over the "
                f"{delivery.deploy_budget.value:g} min deploys may spend",
                detail=f"{delivery.bad_deploys_per_month.worked} bad deploys; each burns "
                f"{chosen.burn_per_bad_deploy.worked} min under {delivery.strategy}",
                fix="lower the change failure rate (tests, feature flags), batch deploys, or "
                "accept a lower availability.slo",
                fields=["delivery.deploys_per_day", "availability.slo"],
            )
        )
    out.extend(release_conflicts(delivery))
    if (
        req.decisions.nat is NatChoice.SINGLE
        and slo >= catalog.policy.paging_slo
        and availability.availability_zones > 1
    ):
        out.append(
            Conflict(
                id="single-nat-at-high-slo",
                severity=Severity.WARNING,
                title="One NAT gateway is a single point of failure for egress",
                detail=f"decisions.nat: single at {slo:g}%: an outage of the NAT's AZ cuts "
                "egress (image pulls, AWS APIs) for every AZ",
                fix="remove the pin (NAT per AZ), or add VPC endpoints for every AWS API used",
                fields=["decisions.nat"],
            )
        )
    out.extend(budget_conflicts(cost, assumption_costs))
    return out


def _with_failover_actions(
    availability: AvailabilityDesign,
    environments: list[EnvironmentSizing],
    compute: ComputeDesign,
    data: DataDesign,
) -> AvailabilityDesign:
    """The region-outage runbook's steps from what prod's standby runs (known once the
    environments are sized): the tasks to raise, with the commands, and where DNS goes."""
    prod = named(environments, "prod", "environment")
    # the ECS cluster is named like the environment's namespace (<system>-<env>), in the
    # recovery region too
    actions = failover_actions(prod, compute, prod.namespace, data.recovery_region)
    if not actions:
        return availability
    return availability.model_copy(
        update={
            "scenarios": [
                s.model_copy(update={"operator_actions": actions}) if s.id == "region-outage" else s
                for s in availability.scenarios
            ]
        }
    )


def _scenario(availability: AvailabilityDesign, scenario_id: str) -> FailureScenario:
    return named(availability.scenarios, scenario_id, "failure scenario", key=attrgetter("id"))


def definition_of_done(
    constraints: Constraints,
    availability: AvailabilityDesign,
    delivery: DeliveryDesign,
    observability: ObservabilityDesign,
    cost: CostModel,
    *,
    simulation: Simulation,
    feasible: bool,
    assumption_costs: list[AssumptionCost] | None = None,
) -> list[DodAnswer]:
    """The five questions every production design must answer with figures."""
    node = _scenario(availability, "node-failure")
    spike = _scenario(availability, "traffic-spike")
    rollout = _scenario(availability, "failed-rollout")
    conflicted = "" if feasible else "the requirements conflict (see Conflicts); "
    return [
        DodAnswer(
            question=f"What happens when {_one(_unit(simulation))} dies?",
            done=node.covered and feasible,
            answer=f"{capital(node.mechanism)}. Detected in {node.detection.show()} "
            f"({node.detection.worked}); replacement serving in {node.recovery.show()} "
            f"({node.recovery.worked}). {capital(node.impact)}." + _node_simulated(simulation),
            figures=[node.detection, node.recovery],
            missing=conflicted + node.gap,
        ),
        DodAnswer(
            question=f"Does {spike.title.split(' ')[0]} traffic scale with no manual step?",
            done=spike.covered and feasible,
            answer=f"{capital(spike.mechanism)}. Scale-out starts after "
            f"{spike.detection.show()} and completes in {spike.recovery.show()} "
            f"({spike.recovery.worked}). "
            f"{capital(spike.impact)}. Spike: {constraints.traffic.spike_rps.show()} "
            f"({constraints.traffic.spike_rps.worked})." + _spike_simulated(simulation),
            figures=[constraints.traffic.spike_rps, spike.detection, spike.recovery],
            missing=conflicted + spike.gap,
        ),
        DodAnswer(
            question="How fast does a failed deployment recover, and by what mechanism?",
            done=feasible,
            answer=f"{capital(rollout.mechanism)}. Detected in {rollout.detection.show()}, "
            f"rolled back in {rollout.recovery.show()}; {rollout.impact}. Expected "
            f"{delivery.bad_deploys_per_month.show()} ({delivery.bad_deploys_per_month.worked})."
            + _rollout_simulated(simulation, delivery.strategy),
            figures=[rollout.detection, rollout.recovery, delivery.bad_deploys_per_month],
            missing=conflicted,
        ),
        DodAnswer(
            question="Where does an operator look?",
            done=feasible,
            answer=f"First the dashboard '{observability.dashboards.slo}'; pages come from "
            f"{len([a for a in observability.alerts if a.severity == 'page'])} burn-rate "
            f"alerts (fastest: {observability.alerts[0].burn_rate:g}x over "
            f"{observability.alerts[0].long_window}/{observability.alerts[0].short_window}, "
            f"error rate above {observability.alerts[0].error_rate_threshold.show()}). Logs in "
            f"CloudWatch Logs under {observability.log_groups[0].rsplit('/', 1)[0]}/<service>, "
            f"kept {observability.log_retention_days} days; traces in {observability.traces}.",
            figures=[observability.alerts[0].error_rate_threshold],
            missing=conflicted,
        ),
        _cost_answer(cost, conflicted, feasible=feasible, assumptions=assumption_costs or []),
    ]


def _unit(simulation: Simulation) -> str:
    return simulation.faults.unit if simulation.faults is not None else "node"


def _one(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _node_simulated(simulation: Simulation) -> str:
    faults = simulation.faults
    text = ""
    if faults is not None and faults.not_simulated:
        text += f" Not simulated: {faults.not_simulated}."
    if faults is not None and faults.node is not None:
        n = faults.node
        lost = (
            f"one task of {n.worst_service} fails (1 of its {n.replicas_running}, "
            f"{n.capacity_lost_share:.0%} of its serving capacity)"
            if n.event == "task"
            else f"{n.what_fails} takes {n.replicas_lost} {n.replica}s "
            f"({n.capacity_lost_share:.0%} of serving capacity)"
        )
        text += (
            f" Simulated at peak: {lost}; "
            f"{number(round(n.failed_before_detection))} requests fail before detection and "
            f"{number(round(n.shed_after_detection))} after it ({share(n.budget_share)} of the "
            f"monthly error budget); the survivors "
            + ("carry the peak at once" if n.absorbs_peak else "cannot carry the peak at once")
            + f"; every replica serves again after {n.seconds_to_restore} s."
        )
    for path in simulation.availability[:1]:
        mc = path.monte_carlo
        text += (
            f" Availability of {path.path}'s path over {number(mc.trials)} simulated months: "
            f"{mc.mean * 100:.4f}% (95% CI {mc.ci_low * 100:.4f}-{mc.ci_high * 100:.4f}%, closed "
            f"form {mc.closed_form * 100:.4f}%); {mc.meets_slo:.1%} of months stay within the "
            f"{number(mc.budget_minutes)} min budget."
        )
    return text


def _with_spike(
    costs: list[AssumptionCost], spike: SpikeStudy | None, prod: float
) -> list[AssumptionCost]:
    """The spike's shape as one more priced assumption: a ramp the autoscalers follow,
    where an instant step would need the standing capacity priced as the option."""
    if spike is None or spike.absorb_step is None:
        return costs
    extra = spike.absorb_step.monthly_usd.value
    shape = AssumptionCost(
        id="spike-shape",
        assumption=f"the {number(spike.multiplier)}x spike builds over {spike.ramp_seconds} s "
        "(autoscaling follows it)",
        applies_to=[o.service for o in spike.step],
        fields=["traffic.spike_ramp_seconds", "traffic.spike_multiplier"],
        scenarios=[
            Scenario(
                label="if it arrived as an instant step, absorbed",
                prod_monthly_usd=prod + extra,
                effect_usd=spike.absorb_step.monthly_usd,
            )
        ],
        fix="state how fast your spikes arrive (traffic.spike_ramp_seconds; 0 = an instant "
        "step, which the design then absorbs at that price)",
    )
    return sorted([*costs, shape], key=lambda a: (-a.effect, a.id))


def prod_total(cost: CostModel) -> float:
    return cost.environment("prod").total_monthly_usd.value


def _spike_simulated(simulation: Simulation) -> str:
    study = simulation.spike
    if study is None:
        return ""
    serving = [o for o in study.tuned if o.max_backlog == 0]
    queued = [o for o in study.tuned if o.max_backlog > 0]
    slowest = max((o.seconds_to_capacity or 0 for o in serving), default=0)
    backlog = "".join(
        f" {o.service}'s queue peaks at {number(round(o.max_backlog))} messages and drains "
        f"after {o.seconds_to_capacity} s, none lost."
        for o in queued
    )
    worst = max(study.tuned, key=lambda o: (o.budget_share, o.service))
    first = max(study.designed, key=lambda o: (o.budget_share, o.service))
    shed = sum(o.shed for o in study.tuned)
    offered = sum(_offered(o, study) for o in study.tuned)
    settings = (
        f" The first sizing would have spent {share(first.budget_share)} ({first.service}), "
        f"so the design set: {'; '.join(study.changes)}."
        if study.changes
        else ""
    )
    return (
        f" Simulated {study.shape} (1 s steps, every service at once): capacity covers the "
        f"load after {slowest} s; {number(round(shed))} requests shed"
        + (f" ({share(shed / offered)} of those offered during the spike)" if offered else "")
        + f", at most {share(worst.budget_share)} of a service's monthly error budget "
        f"({worst.service}; limit {share(study.budget_share_limit)} a spike)."
        + settings
        + backlog
        + _step_risk(study)
    )


def _offered(outcome: SpikeOutcome, study: SpikeStudy) -> float:
    """Requests offered to a service while the spike lasts (rise and hold)."""
    mean = (outcome.baseline + outcome.spike_load) / 2
    return mean * study.ramp_seconds + outcome.spike_load * study.hold_seconds


def _step_risk(study: SpikeStudy) -> str:
    if study.declared_step:
        return ""
    serving = [o for o in study.step if o.max_backlog == 0]
    never = [o.service for o in serving if o.seconds_to_capacity is None]
    slowest = max((o.seconds_to_capacity or 0 for o in serving), default=0)
    worst = max(study.step, key=lambda o: (o.budget_share, o.service))
    reached = f"capacity after {slowest} s" if not never else "never reaches capacity"
    text = (
        f" An instant {number(study.multiplier)}x step instead (a risk, not declared): "
        f"{reached}, {number(round(sum(o.shed for o in study.step)))} requests shed, "
        f"{share(worst.budget_share)} of {worst.service}'s monthly budget."
    )
    option = study.absorb_step
    if option is not None:
        text += (
            f" Absorbing it would cost ${number(round(option.monthly_usd.value))}/month more "
            f"({'; '.join(option.changes)}): declare it with traffic.spike_ramp_seconds: 0."
        )
    return text


def _rollout_simulated(simulation: Simulation, strategy: str) -> str:
    faults = simulation.faults
    if faults is None:
        return ""
    chosen = named(faults.rollouts, strategy, "simulated rollout", key=attrgetter("strategy"))
    others = "; ".join(
        f"{r.strategy} {number(round(r.failed))} ({share(r.budget_share)})"
        for r in faults.rollouts
        if r.strategy != strategy
    )
    return (
        f" Simulated bad version at peak, every request to it failing: under {strategy} "
        f"{number(round(chosen.failed))} requests fail ({share(chosen.budget_share)} of the "
        f"monthly error budget), none reach it after {number(chosen.seconds_to_recover)} s; "
        f"the alternatives: {others}. Emergency rollback of every replica: "
        f"{number(faults.emergency.seconds)} s."
    )


def budget_conflicts(
    cost: CostModel, assumption_costs: list[AssumptionCost] | None = None
) -> list[Conflict]:
    """Over budget today: an error naming what the bill rests on first (the defaults
    that, measured, may close the gap), then the levers that close it (or saying they
    cannot). Within budget today but not along the growth curve: a warning."""
    check = cost.budget
    if check is None:
        return []
    levers = {lever.id: lever for lever in cost.levers}
    if not check.within_budget:
        cheaper = [a for a in assumption_costs or [] if a.saving > 0][:3]
        measure = (
            "first check what the bill assumes: "
            + "; ".join(
                f"{a.assumption} ({a.fix.split(' (')[0].split(';')[0]}: up to "
                f"-${number(round(a.saving))}/month)"
                for a in cheaper
            )
            + ". Then: "
            if cheaper
            else ""
        )
        chosen = [levers[i] for i in check.closing_levers]
        named = "; ".join(
            f"{lv.action} on {lv.component} (-${number(round(lv.saving_usd.value))})"
            for lv in chosen
        )
        if check.closes_gap:
            fix = measure + (
                f"apply these levers (together -${number(round(check.closed_usd))}/month): "
                f"{named}; or raise budget.monthly_usd"
            )
        else:
            fix = measure + (
                f"the levers save only ${number(round(check.closed_usd))} of the "
                f"${number(round(check.gap_usd))} gap ({named}); the rest must come from "
                "the requirements: a lower availability.slo (fewer AZs, no recovery "
                "region), lower traffic figures, or a larger budget.monthly_usd"
            )
        return [
            Conflict(
                id="estimate-over-budget",
                severity=Severity.ERROR,
                title=f"The design costs ${number(round(check.total_monthly_usd))}/month "
                f"(prod and staging), over the ${number(check.budget_monthly_usd)} budget",
                detail=f"over by ${number(round(check.gap_usd))}/month; the largest line is "
                f"{cost.largest.component} (${number(round(cost.largest.monthly_usd.value))}, "
                f"{cost.largest_share:.0%} of prod)",
                fix=fix,
                fields=["budget.monthly_usd"],
            )
        ]
    if check.first_month_over is not None:
        point = next(p for p in cost.growth if p.month == check.first_month_over)
        return [
            Conflict(
                id="growth-over-budget",
                severity=Severity.WARNING,
                title=f"Growth takes the bill over budget by month {point.month} "
                f"(${number(round(point.total_monthly_usd))}/month)",
                detail=f"at {number(round(point.average_rps))} requests/s on average; today "
                f"${number(round(check.total_monthly_usd))} of ${number(check.budget_monthly_usd)}",
                fix="plan the levers in docs/cost.md before then, or raise budget.monthly_usd",
                fields=["budget.monthly_usd", "traffic.growth"],
            )
        ]
    return []


def _cost_answer(
    cost: CostModel, conflicted: str, *, feasible: bool, assumptions: list[AssumptionCost]
) -> DodAnswer:
    prod = cost.environment("prod")
    budget = (
        f" against a budget of ${number(cost.budget.budget_monthly_usd)}"
        if cost.budget is not None
        else " (no budget stated)"
    )
    over = cost.budget is not None and not cost.budget.within_budget
    prod_levers = [lv for lv in cost.levers if lv.environment == "prod"]
    own = [lv for lv in prod_levers if lv.component == cost.largest.component][:3]
    others = [lv for lv in prod_levers if lv.component != cost.largest.component][:2]
    levers = (
        "; ".join(f"{lv.action} (-${number(round(lv.saving_usd.value))}/month)" for lv in own)
        or "none priced for this line beyond rightsizing it from measured load"
    )
    also = "; ".join(
        f"{lv.action} on {lv.component} (-${number(round(lv.saving_usd.value))})" for lv in others
    )
    return DodAnswer(
        question="What is the largest cost driver, and what are its levers?",
        done=feasible and not over,
        answer=f"{cost.largest.component}: ${number(round(cost.largest.monthly_usd.value))}/month, "
        f"{cost.largest_share:.0%} of prod's ${number(round(prod.total_monthly_usd.value))}/month "
        f"(${number(round(cost.total_monthly_usd.value))} with staging{budget}). "
        f"Its levers: {levers}."
        + (f" Next largest savings: {also}." if also else "")
        + (
            f" The bill rests most on an assumption: {assumptions[0].assumption} "
            f"({assumptions[0].said()}); {assumptions[0].fix}."
            if assumptions
            else ""
        ),
        figures=[cost.largest.monthly_usd, prod.total_monthly_usd, cost.total_monthly_usd],
        missing=conflicted + ("the estimate exceeds the budget" if over else ""),
    )
