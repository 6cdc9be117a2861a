"""Delivery: rolling, blue-green or canary, from the error budget a bad deploy burns.

Expected bad deploys a month = deploys/day × 30 × change failure rate. Each strategy
exposes a share of users to a bad version for the time it takes to detect and revert
it; that share × time is the budget it burns. The simplest strategy whose monthly burn
fits the deploy share of the error budget wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter

from infra_architect._figures import Figure, figure, product
from infra_architect.catalog import Catalog
from infra_architect.engine._accounts import AccountsDesign
from infra_architect.engine._constraints import repository
from infra_architect.engine._design_model import (
    Alternative,
    BaseImages,
    ComputeDesign,
    Decision,
    DeliveryDesign,
    DnsDesign,
    Environment,
    NetworkDesign,
    PipelineTimeouts,
    PipelineVariable,
    Platform,
    ReleaseMechanism,
    ServicePlan,
    ServiceRelease,
    Stage,
    StrategyRisk,
    SyncGate,
)
from infra_architect.engine._model import Conflict, Constraints, Severity
from infra_architect.errors import named
from infra_architect.simulate import bad_rollout
from infra_architect.spec import ComputeChoice, Requirements, ServiceType


def rolling_exposure(catalog: Catalog, replica_start: int) -> tuple[float, float]:
    """A bad rolling deploy simulated second by second: a batch of replicas turns over
    each pod start until the alarm, then the rollback turns back the batches that went
    out, one per pod start. Returns the average share of requests on the bad version
    over the detect-and-revert window, and the revert's seconds."""
    t = catalog.design.timings
    run = bad_rollout(
        "rolling",
        1.0,
        1.0,
        pod_start_seconds=replica_start,
        batches=t.rolling_batches,
        detect_seconds=float(t.deploy_alarm_seconds),
        shift_seconds=float(t.traffic_shift_seconds),
        canary_weight=0.0,
    )
    if not run.seconds_to_recover:
        return 0.0, 0.0
    return round(
        run.failed / run.seconds_to_recover, 6
    ), run.seconds_to_recover - run.seconds_to_detect


def choose_delivery(
    req: Requirements,
    constraints: Constraints,
    catalog: Catalog,
    compute: ComputeDesign,
    network: NetworkDesign,
) -> DeliveryDesign:
    design = catalog.design
    t = design.timings
    bad = figure(
        req.delivery.deploys_per_day * 30 * design.change_failure_rate,
        "bad deploys/month",
        "{deploys_per_day} × 30 × {change_failure_rate}",
        deploys_per_day=req.delivery.deploys_per_day,
        change_failure_rate=design.change_failure_rate,
    )
    budget = product(
        constraints.error_budget.per_30_days.value,
        "error_budget_min",
        design.deploy_budget_share,
        "deploy_share",
        "min/month",
    )
    rolling_share, rolling_revert = rolling_exposure(catalog, compute.replica_start_seconds)
    options: dict[str, tuple[float, float, float]] = {
        "rolling": (rolling_share, float(t.deploy_alarm_seconds), rolling_revert),
        "blue-green": (1.0, float(t.deploy_alarm_seconds), float(t.traffic_shift_seconds)),
    }
    analysis = float(t.analysis_interval_seconds * t.analysis_failure_limit)
    weight = design.canary_weights[-1]
    for candidate in design.canary_weights:
        if _risk("canary", candidate, analysis, t.traffic_shift_seconds, bad, budget).fits:
            weight = candidate
            break
    options["canary"] = (weight, analysis, float(t.traffic_shift_seconds))
    comparison = [
        _risk(name, exposure, detect, revert, bad, budget)
        for name, (exposure, detect, revert) in options.items()
    ]
    pinned = req.decisions.deployment
    if pinned is not None:
        strategy = pinned.value
        why = f"pinned in the spec (decisions.deployment: {pinned.value})"
    else:
        fitting = [r.strategy for r in comparison if r.fits]
        strategy = fitting[0] if fitting else "canary"
        chosen = named(comparison, strategy, "strategy risk", key=attrgetter("strategy"))
        why = (
            f"delivery.deploys_per_day={req.delivery.deploys_per_day:g} at a "
            f"{design.change_failure_rate:.0%} change failure rate is {bad.value:g} bad "
            f"deploys a month; deploys may spend {budget.value:g} min of the "
            f"{constraints.error_budget.per_30_days.value:g} min budget; {strategy} burns "
            f"{chosen.monthly_burn.value:g} min/month"
            + (
                " — the simplest strategy that fits"
                if fitting
                else " — the least of all, and still over: see the conflicts"
            )
        )
    wanted = strategy
    meshed = service_connect_rolling(compute, network, wanted)
    releases = choose_releases(compute, network, wanted)
    if pinned is None and meshed and not any(r.mechanism.codedeploy_ecs for r in releases):
        # Nothing is left to shift: the strategy the services actually follow is rolling.
        strategy = "rolling"
        why += (
            f"; {wanted} would need CodeDeploy, but every load-balanced service is in the "
            "Service Connect mesh, which supports only rolling deployments, so the design "
            "rolls (see the ECS release ADR)"
        )
        releases = choose_releases(compute, network, strategy)
    canary_steps = sorted({round(weight * 100), 25, 50}) if strategy == "canary" else []
    tool = _tool(compute.platform, strategy, releases)
    detection = figure(options[strategy][1], "s", "{detection_s}", detection_s=options[strategy][1])
    rollback = figure(options[strategy][2], "s", "{revert_s}", revert_s=options[strategy][2])
    emergency = figure(
        float(t.rolling_batches * compute.replica_start_seconds + t.traffic_shift_seconds),
        "s",
        "{batches} × {replica_start_s} + {shift_s}",
        batches=float(t.rolling_batches),
        replica_start_s=float(compute.replica_start_seconds),
        shift_s=float(t.traffic_shift_seconds),
    )
    gate = (
        "manual approval by a second engineer (change management: "
        + ", ".join(sorted(c.value for c in req.compliance))
        + ")"
        if req.compliance
        else "automatic when staging verification passes"
    )
    stages = [
        Stage(
            name="build",
            does="build the image once as a single-platform image (ECR's basic scan reads an "
            "image, not an index of attestations); tag it with the git SHA, push, record its "
            "digest; signed build provenance (a GitHub artifact attestation); vulnerability scan",
            gate="build and scan pass (no critical CVEs)",
        ),
        Stage(
            name="test",
            does="unit and integration tests; terraform validate, kustomize build and schema "
            "checks; policy checks",
            gate="all checks green",
        ),
        Stage(
            name="deploy",
            does=f"staging first, then production by {strategy} ({tool}); the same digest in "
            "every environment",
            gate=gate,
        ),
        Stage(
            name="verify",
            does=(
                "wait until Argo CD reports the environment Synced and Healthy at the deploy "
                "commit (GitOps: no job reaches the cluster's API; a Rollout is Healthy only "
                "after its analysis passed), then smoke tests; the SLO burn-rate alerts are "
                "PrometheusRules the pipeline cannot query from outside the cluster, so "
                + (
                    "the Rollout's analysis of the SLO metrics is the gate"
                    if strategy != "rolling"
                    else "they page on-call, who roll back by reverting the deploy commit"
                )
                if compute.platform.kubernetes
                else "smoke tests, then SLO metrics (error rate, p99 latency) compared with the "
                "stable version"
                + (" by automated canary analysis" if strategy == "canary" else " by alarms")
                + "; no SLO burn-rate composite alarm may be firing"
            ),
            gate=f"no regression for {detection.show()}",
        ),
        Stage(
            name="rollback",
            does="automatic on a failed check: "
            + (
                "traffic back to the stable version"
                if strategy != "rolling"
                else "redeploy the previous digest"
            )
            + f" in {rollback.show()}",
            gate="on-call paged with the failed check",
        ),
    ]
    environments = [
        Environment(
            name="dev",
            purpose="per-branch previews and integration; disposable",
            promotion_gate="merge to main",
        ),
        Environment(
            name="staging",
            purpose="production's shape at minimum size; every change lands here first",
            promotion_gate="automatic deploy of main; smoke and SLO checks",
        ),
        Environment(name="prod", purpose="customers", promotion_gate=gate),
    ]
    others = [r for r in comparison if r.strategy != strategy]
    decision = Decision(
        id="deployment",
        title="Deployment strategy",
        selected=f"{strategy} ({tool})",
        alternatives=[
            Alternative(
                name=r.strategy,
                why_not=f"burns {r.monthly_burn.value:g} min/month of error budget "
                f"(budget for deploys {budget.value:g})"
                + (
                    "; CodeDeploy cannot shift a service in the Service Connect mesh"
                    if wanted != strategy and r.strategy != "rolling"
                    else ("" if not r.fits else "; fits, but " + _cost_of(r.strategy))
                ),
            )
            for r in others
        ],
        why=why + _releases_note(releases, strategy, compute.platform, meshed),
        risk={
            "rolling": "old and new versions serve side by side for the whole rollout; schema "
            "changes must be backward compatible",
            "blue-green": "double capacity during each deploy; every user sees a bad version "
            "until the alarm fires",
            "canary": "needs trustworthy metrics: an analysis on a noisy metric aborts good "
            "deploys or passes bad ones",
        }[strategy],
        drivers=["delivery.deploys_per_day", "availability.slo", "delivery.zero_downtime"],
        pinned=pinned is not None,
    )
    return DeliveryDesign(
        decision=decision,
        strategy=strategy,  # type: ignore[arg-type]
        tool=tool,
        releases=releases,
        canary_steps=canary_steps,
        stages=stages,
        environments=environments,
        artifact_versioning="immutable image tags (git SHA) deployed by digest "
        "(image@sha256:...); ECR tag immutability on; the same digest is promoted, never rebuilt",
        bad_deploys_per_month=bad,
        deploy_budget=budget,
        comparison=comparison,
        detection=detection,
        rollback=rollback,
        emergency_rollback=emergency,
        analysis_interval_seconds=catalog.design.timings.analysis_interval_seconds,
        analysis_failure_limit=catalog.design.timings.analysis_failure_limit,
        analysis_window_seconds=figure(
            t.analysis_interval_seconds * design.kubernetes_manifests.analysis_window_intervals,
            "s",
            "{analysis_interval_seconds} × {analysis_window_intervals}",
            analysis_interval_seconds=t.analysis_interval_seconds,
            analysis_window_intervals=design.kubernetes_manifests.analysis_window_intervals,
        ),
        analysis_pause_seconds=figure(
            t.analysis_interval_seconds * t.analysis_failure_limit,
            "s",
            "{analysis_interval_seconds} × {analysis_failure_limit}",
            analysis_interval_seconds=t.analysis_interval_seconds,
            analysis_failure_limit=t.analysis_failure_limit,
        ),
        pipeline_timeouts=PipelineTimeouts(**design.pipeline_timeouts.model_dump()),
        repository=repository(req),
        manual_prod_approval=bool(req.compliance),
        variables=[],  # set once the accounts are designed (engine/_design.py)
        sync_gates=sync_gates(req.metadata.name, compute),
        base_images=BaseImages(**design.container_images.model_dump()),
        service_connect_rolling=meshed,
        release_decision=release_decision(compute, network, wanted, releases, comparison),
    )


def _fronted(network: NetworkDesign) -> set[str]:
    """Services the ALB forwards to (the only ones CodeDeploy can shift)."""
    if network.load_balancer != "alb":
        return set()
    return {f.target for f in network.flows if f.source == network.load_balancer}


def service_connect_mesh(compute: ComputeDesign) -> set[str]:
    """Services that call another service or are called by one: on ECS they reach each
    other through Service Connect, so they must keep it."""
    names = {s.name for s in compute.services}
    callers = {s.name for s in compute.services if names.intersection(s.calls)}
    called = {c for s in compute.services for c in s.calls if c in names}
    return callers | called


def choose_releases(
    compute: ComputeDesign, network: NetworkDesign, strategy: str
) -> list[ServiceRelease]:
    """Each service's release mechanism. A progressive strategy shifts traffic, so it
    needs something to shift: on ECS, a CodeDeploy group moves an ALB listener between
    two target groups (a service without one rolls); on EKS, Argo Rollouts weighs
    request traffic (a service without a port has no request SLI to analyse).

    On ECS, Service Connect supports only the rolling (ECS) deployment controller: "Only
    services that use rolling deployments are supported with Service Connect. Services
    that use the blue/green and external deployment types aren't supported" (ECS
    Developer Guide, Service Connect considerations,
    https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect.html).
    So a service in the mesh rolls, with the circuit breaker and alarm rollback, and
    CodeDeploy shifts only services outside it."""
    fronted, mesh = _fronted(network), service_connect_mesh(compute)
    return [
        _release(compute.platform, strategy, s, fronted=s.name in fronted, meshed=s.name in mesh)
        for s in compute.services
    ]


def _release(
    platform: Platform, strategy: str, service: ServicePlan, *, fronted: bool, meshed: bool
) -> ServiceRelease:
    progressive = strategy in ("canary", "blue-green")
    cron = service.type is ServiceType.CRON
    if platform == ComputeChoice.LAMBDA:
        return ServiceRelease(
            service=service.name,
            mechanism=ReleaseMechanism.LAMBDA_ALIAS,
            why="CodeDeploy shifts the function alias between versions",
        )
    if platform.kubernetes:
        if cron:
            mechanism, why = ReleaseMechanism.K8S_CRONJOB, "the next run uses the new image"
        elif progressive and service.port is not None:
            mechanism = (
                ReleaseMechanism.ARGO_ROLLOUTS_CANARY
                if strategy == "canary"
                else ReleaseMechanism.ARGO_ROLLOUTS_BLUE_GREEN
            )
            why = f"Argo Rollouts {strategy} on the service's request metrics"
        else:
            mechanism = ReleaseMechanism.K8S_ROLLING
            why = (
                "Deployment rolling update"
                if not progressive
                else "no port, so no request traffic to shift: Deployment rolling update"
            )
        return ServiceRelease(service=service.name, mechanism=mechanism, why=why)
    if cron:
        return ServiceRelease(
            service=service.name,
            mechanism=ReleaseMechanism.ECS_SCHEDULED_TASK,
            why="the EventBridge schedule runs the new task definition next time",
        )
    if progressive and fronted and service.port is not None and not meshed:
        mechanism = (
            ReleaseMechanism.CODEDEPLOY_CANARY
            if strategy == "canary"
            else ReleaseMechanism.CODEDEPLOY_BLUE_GREEN
        )
        why = (
            f"CodeDeploy {strategy} between the ALB's blue and green target groups; it calls "
            "no service and none calls it, so it needs no Service Connect"
        )
        return ServiceRelease(service=service.name, mechanism=mechanism, why=why)
    why = (
        "ECS rolling update; the deployment circuit breaker and the rollback alarms roll "
        "back a failing deploy"
    )
    if progressive and fronted and service.port is not None:
        why += (
            " (it reaches or is reached by other services over Service Connect, which AWS "
            "supports only with rolling deployments, so CodeDeploy cannot shift it)"
        )
    elif progressive:
        why += " (no load balancer in front: no traffic to shift)"
    return ServiceRelease(
        service=service.name,
        mechanism=ReleaseMechanism.ECS_ROLLING,
        why=why,
        service_connect=True,
    )


def service_connect_rolling(
    compute: ComputeDesign, network: NetworkDesign, strategy: str
) -> list[str]:
    """Services CodeDeploy would shift (progressive strategy, ALB-fronted, a port) that
    roll because they are in the Service Connect mesh."""
    if compute.platform != ComputeChoice.ECS_FARGATE or strategy == "rolling":
        return []
    fronted, mesh = _fronted(network), service_connect_mesh(compute)
    return sorted(
        s.name
        for s in compute.services
        if s.type is not ServiceType.CRON
        and s.port is not None
        and s.name in fronted
        and s.name in mesh
    )


def release_decision(
    compute: ComputeDesign,
    network: NetworkDesign,
    strategy: str,
    releases: list[ServiceRelease],
    comparison: list[StrategyRisk],
) -> Decision | None:
    """ECS with a progressive strategy: which load-balanced services CodeDeploy shifts
    and which stay in the Service Connect mesh and roll; None when no service could be
    shifted at all (nothing to decide)."""
    if compute.platform != ComputeChoice.ECS_FARGATE or strategy == "rolling":
        return None
    meshed = service_connect_rolling(compute, network, strategy)  # strategy: the one wanted
    shifted = sorted(r.service for r in releases if r.mechanism.codedeploy_ecs)
    if not meshed and not shifted:
        return None
    risks = {r.strategy: r for r in comparison}
    rolling, chosen = risks["rolling"], risks[strategy]
    parts = []
    if shifted:
        parts.append(f"CodeDeploy {strategy} for {', '.join(shifted)}")
    if meshed:
        parts.append(
            f"rolling with circuit breaker and alarm rollback for {', '.join(meshed)} "
            "(Service Connect)"
        )
    why = (
        "AWS supports Service Connect only on services with the rolling (ECS) deployment "
        'controller: "Only services that use rolling deployments are supported with '
        'Service Connect" (ECS Developer Guide, Service Connect considerations), and '
        "CreateService rejects a CODE_DEPLOY service with a Service Connect configuration. "
        "A service that calls or is called by another service reaches it through Service "
        "Connect, so it keeps the mesh and rolls; CodeDeploy shifts only load-balanced "
        "services outside it"
    )
    risk = (
        f"a bad version of {', '.join(meshed)} reaches users batch by batch until the "
        f"rollback alarm fires: {rolling.exposure:.0%} of requests on average for "
        f"{rolling.detect_and_revert.value:g} s, {rolling.burn_per_bad_deploy.value:g} min of "
        f"error budget per bad deploy instead of {chosen.burn_per_bad_deploy.value:g} min "
        f"under {strategy} ({rolling.monthly_burn.value:g} min/month instead of "
        f"{chosen.monthly_burn.value:g})"
        + ("" if rolling.fits else "; over the budget deploys may spend: see the conflicts")
        if meshed
        else "none beyond the strategy's: no load-balanced service is in the mesh"
    )
    return Decision(
        id="ecs-release",
        title="ECS release mechanism: CodeDeploy or Service Connect",
        selected="; ".join(parts),
        alternatives=[
            Alternative(
                name="CodeDeploy for every load-balanced service, Service Connect kept",
                why_not="AWS rejects the combination: Service Connect supports only "
                "rolling deployments",
            ),
            Alternative(
                name="CodeDeploy everywhere; east-west calls through an internal ALB or "
                "Cloud Map DNS",
                why_not="one more load balancer per environment (hourly and LCU charges) "
                "and one more hop on every internal call; loses Service Connect's retries, "
                "outlier detection and per-call metrics",
            ),
            Alternative(
                name="ECS-native blue/green or canary (deployment_configuration strategy), "
                "which keeps Service Connect",
                why_not="needs hashicorp/aws 6.21 or later (canary and linear strategies); "
                "the generated Terraform also supports provider 5.x. The way forward once "
                "the provider floor reaches 6.21",
            ),
        ],
        why=why,
        risk=risk,
        drivers=["system.services[].calls", "delivery.deploys_per_day", "availability.slo"],
    )


def release_conflicts(delivery: DeliveryDesign) -> list[Conflict]:
    """A warning when the services Service Connect keeps rolling burn more error budget
    than deploys may spend (the strategy was chosen because rolling does not fit)."""
    if not delivery.service_connect_rolling:
        return []
    rolling = named(delivery.comparison, "rolling", "strategy risk", key=attrgetter("strategy"))
    if rolling.fits:
        return []
    names = ", ".join(delivery.service_connect_rolling)
    return [
        Conflict(
            id="service-connect-rolls-over-budget",
            severity=Severity.WARNING,
            title=f"{names} must roll (Service Connect), and rolling burns "
            f"{rolling.monthly_burn.value:g} min/month, over the "
            f"{delivery.deploy_budget.value:g} min deploys may spend",
            detail=f"AWS supports Service Connect only with rolling deployments, so CodeDeploy "
            f"cannot shift {names}; a bad rolling deploy burns "
            f"{rolling.burn_per_bad_deploy.worked} min",
            fix="move the provider floor to hashicorp/aws 6.21 and use ECS-native canary "
            "(keeps Service Connect), route these calls through an internal load balancer, "
            "or lower delivery.deploys_per_day or availability.slo",
            fields=["system.services[].calls", "delivery.deploys_per_day", "availability.slo"],
        )
    ]


def _releases_note(
    releases: list[ServiceRelease], strategy: str, platform: Platform, meshed: list[str]
) -> str:
    """Names the services that cannot follow a progressive strategy, and how they ship."""
    if strategy == "rolling":
        return ""
    rolling = sorted(
        r.service
        for r in releases
        if r.mechanism in (ReleaseMechanism.ECS_ROLLING, ReleaseMechanism.K8S_ROLLING)
        and r.service not in meshed
    )
    note = (
        f"; {', '.join(meshed)} {'is' if len(meshed) == 1 else 'are'} in the Service Connect "
        "mesh, which CodeDeploy cannot shift, so "
        f"{'it rolls' if len(meshed) == 1 else 'they roll'} with the circuit breaker and "
        "alarm rollback (see the ECS release ADR)"
        if meshed
        else ""
    )
    if not rolling:
        return note
    how = (
        "an ECS rolling update with the deployment circuit breaker and alarm rollback"
        if not platform.kubernetes
        else "a Deployment rolling update"
    )
    return (
        f"; {', '.join(rolling)} take no load-balanced request traffic, so "
        f"{'it deploys' if len(rolling) == 1 else 'they deploy'} by {how}"
    ) + note


def _risk(  # noqa: PLR0917  (the five figures of one strategy)
    strategy: str, exposure: float, detect: float, revert: float, bad: Figure, budget: Figure
) -> StrategyRisk:
    window = figure(
        detect + revert, "s", "{detect_s} + {revert_s}", detect_s=detect, revert_s=revert
    )
    burn = figure(
        exposure * window.value / 60,
        "min",
        "{exposure} × {window_s} / 60",
        exposure=exposure,
        window_s=window.value,
    )
    monthly = product(bad.value, "bad_deploys", burn.value, "burn_min", "min/month")
    return StrategyRisk(
        strategy=strategy,
        exposure=exposure,
        detect_and_revert=window,
        burn_per_bad_deploy=burn,
        monthly_burn=monthly,
        fits=monthly.value <= budget.value,
    )


def _tool(platform: Platform, strategy: str, releases: list[ServiceRelease]) -> str:
    if platform.kubernetes:
        return "Argo Rollouts" if strategy != "rolling" else "Deployment rolling update"
    if platform == ComputeChoice.LAMBDA:
        return "CodeDeploy alias traffic shifting"
    rolling = "ECS rolling update with circuit breaker and alarm rollback"
    if strategy == "rolling":
        return rolling
    codedeploy = "CodeDeploy ECS " + ("canary" if strategy == "canary" else "blue/green")
    shifted = any(r.mechanism.codedeploy_ecs for r in releases)
    meshed = any(r.service_connect for r in releases)
    if shifted and meshed:
        return f"{codedeploy} outside the Service Connect mesh; {rolling} inside it"
    if shifted:
        return codedeploy
    # Every service either takes no ALB traffic or is in the Service Connect mesh.
    return rolling


def _cost_of(strategy: str) -> str:
    return {
        "rolling": "a simpler strategy already fits",
        "blue-green": "doubles capacity during deploys",
        "canary": "needs automated analysis a simpler strategy does without",
    }[strategy]


ENVIRONMENTS = ("staging", "prod")
"""The environments the workflows deploy to, in order (GitHub environments of the same name)."""
BOOTSTRAP_ROOT = "infra/terraform/bootstrap"
"""The per-account Terraform root that creates the GitHub OIDC provider and deploy roles."""


def sync_gates(name: str, compute: ComputeDesign) -> list[SyncGate]:
    """GitOps on EKS: the cluster's API endpoint is private and the runners are
    GitHub-hosted, so no job talks to the cluster. Each environment's Application
    reports on the commit it synced; the workflow waits for that report."""
    if not compute.platform.kubernetes:
        return []
    return [
        SyncGate(
            environment=env,
            application=f"{name}-{env}",
            status_context=f"argocd/{name}-{env}",
        )
        for env in ENVIRONMENTS
    ]


def smoke_tested(compute: ComputeDesign, network: NetworkDesign) -> bool:
    """A public service with a health endpoint (HTTP probe or gRPC health) is called
    through the load balancer after each deploy."""
    edge = set(network.grpc.edge) if network.grpc is not None else set()
    return any(s.public and (s.probes is not None or s.name in edge) for s in compute.services)


def _held_by(role_outputs: Sequence[tuple[str, str, str]]) -> str:
    """The command that prints a role's ARN: ``(environment, bootstrap, output)`` per
    environment it is set on; ENVIRONMENT stands for each when the commands differ only
    by the environment's name."""
    commands = {
        env: f"terraform -chdir={BOOTSTRAP_ROOT}/{root} output -raw {output}"
        for env, root, output in role_outputs
    }
    general = {command.replace(env, "ENVIRONMENT") for env, command in commands.items()}
    if len(commands) > 1 and len(general) == 1:
        return general.pop()
    return "; ".join(
        command if len(commands) == 1 else f"{env}: {command}" for env, command in commands.items()
    )


def _role_variable(
    accounts: AccountsDesign, variable: str, used_for: str, note: str
) -> PipelineVariable:
    """A role ARN variable, from the bootstrap roots that create the role."""
    held = [
        (role.github_environment, bootstrap.name, role.output)
        for bootstrap in accounts.bootstraps
        for role in bootstrap.roles
        if role.variable == variable
    ]
    held.sort(key=lambda h: ENVIRONMENTS.index(h[0]))
    return PipelineVariable(
        name=variable,
        kind="vars",
        environments=[env for env, _, _ in held],
        required=True,
        used_for=used_for,
        value_command=_held_by(held),
        value_note=note,
    )


def pipeline_variables(
    name: str,
    compute: ComputeDesign,
    network: NetworkDesign,
    accounts: AccountsDesign,
    dns: DnsDesign | None = None,
) -> list[PipelineVariable]:
    """Every variable the generated workflows read, with where its value comes from (the
    bootstrap roots' outputs for the roles). GitHub resolves an environment's variable
    before a repository's, so one name serves both accounts."""
    kubernetes = compute.platform.kubernetes
    deploys = (
        "push the image to the environment's registry (build in staging, promote in prod)"
        if kubernetes
        else "push the image, register task definitions and deploy the ECS services"
    )
    variables = [
        _role_variable(
            accounts,
            "AWS_DEPLOY_ROLE_ARN",
            f"the IAM role a job assumes with GitHub's OIDC token to {deploys}",
            "the bootstrap root of each environment's account creates the role",
        ),
        _role_variable(
            accounts,
            "AWS_STAGING_PULL_ROLE_ARN",
            "the role in the staging account the promote job assumes to read the "
            "verified image from the staging registry",
            "the staging account's bootstrap root creates the role; it trusts only jobs of "
            "the prod environment",
        ),
        PipelineVariable(
            name="ARTIFACT_ATTESTATIONS",
            kind="vars",
            environments=[],
            required=False,
            used_for="signed build provenance for each image (GitHub artifact attestations); "
            "unset means on",
            value_command=None,
            value_note="leave unset; set to false only in a private repository on a GitHub "
            "Free, Pro or Team plan, where artifact attestations are not available (GitHub "
            'Docs, "Using artifact attestations to establish provenance for builds")',
        ),
    ]
    if smoke_tested(compute, network):
        entry = (
            "the load balancer the Ingress creates (kubectl get ingress: ADDRESS)"
            if kubernetes
            else "the load balancer (terraform output load_balancer_dns_name of the "
            "environment's root)"
        )
        named = dns.domains if dns is not None else []
        variables.append(
            PipelineVariable(
                name="PUBLIC_URL",
                kind="vars",
                environments=list(ENVIRONMENTS),
                required=True,
                used_for="the smoke test through the load balancer after each deploy",
                # The name is the spec's (cloud.domains): known before anything exists.
                value_command="; ".join(f"{d.environment}: echo {d.public_url}" for d in named)
                or None,
                value_note=(
                    "https:// and the environment's name (cloud.domains); Terraform issues its "
                    "certificate and "
                    + (
                        "external-dns points it at the load balancer the Ingress creates"
                        if kubernetes
                        else "points it at the load balancer"
                    )
                    if named
                    else "https:// and the DNS name the TLS certificate covers, a record "
                    f"pointing at {entry}; no trailing slash"
                ),
            )
        )
    return variables
