"""Terraform of compute: the EKS cluster, or the ECS services and their tasks."""

from __future__ import annotations

from infra_architect.engine import Design, EnvironmentSizing, ServicePlan
from infra_architect.errors import UnbuildableDesignError
from infra_architect.render._bindings import (
    queue_bindings,
    store_bindings,
)
from infra_architect.render._hcl import (
    Attr,
    Blank,
    Block,
    Comment,
    Expr,
    Item,
    Value,
)
from infra_architect.render._k8s_platform import karpenter_queue
from infra_architect.render._names import (
    snake,
)
from infra_architect.render._tf_common import (
    _SCALING_METRIC,
    _alb_in_terraform,
    _fronted_services,
    _module,
    _tags,
)
from infra_architect.render._tf_security import _permission_resources

# The AWS managed policies of each EKS managed add-on that calls AWS (AWS, "Amazon EBS
# CSI driver IAM role": AmazonEBSCSIDriverPolicy).
EKS_ADDON_POLICIES: dict[str, tuple[str, ...]] = {
    "ebs-csi": ("service-role/AmazonEBSCSIDriverPolicy",),
}
# The people who administer the cluster, from the environment's variable.
ADMIN_ACCESS_ENTRIES = (
    "{ for arn in var.cluster_admin_role_arns : arn => "
    '{ principal_arn = arn, policy = "AmazonEKSClusterAdminPolicy" } }'
)


def _eks(design: Design, env: EnvironmentSizing) -> Block:
    pool = design.compute.node_pool
    addons = design.addons
    if pool is None or not env.node_groups or addons is None:
        msg = "an EKS design without a node pool, node groups or add-ons"
        raise UnbuildableDesignError(msg)
    node_type = env.node_type or pool.instance_type
    groups: dict[str, Value] = {}
    for group in env.node_groups:
        spec: dict[str, Value] = {
            "instance_types": [node_type],
            "capacity_type": "ON_DEMAND",
            "min_size": group.min_size,
            "max_size": group.max_size,
            "desired_size": group.desired_size,
        }
        if group.labels:
            spec["labels"] = dict(group.labels)
        groups[group.name] = spec
    managed: dict[str, Value] = {}
    for addon in addons.managed:
        entry: dict[str, Value] = {}
        if addon.before_compute:
            entry["before_compute"] = True
        if addon.configuration:
            entry["configuration"] = dict(addon.configuration)
        if addon.service_account is not None and addon.namespace is not None:
            entry["pod_identity"] = {
                "namespace": addon.namespace,
                "service_account": addon.service_account,
                "policies": list(EKS_ADDON_POLICIES[addon.aws_role or addon.name]),
                "kms": True,
            }
        managed[addon.name] = entry
    scaling = (
        "Karpenter adds nodes above this baseline group (its controller runs here)"
        if addons.node_autoscaler == "karpenter"
        else "Cluster Autoscaler scales each group between min and max"
    )
    body: list[Item] = [
        Attr("cluster_name", Expr("local.name")),
        Attr("vpc_id", Expr("module.vpc.vpc_id")),
        Attr("subnet_ids", Expr("module.vpc.private_subnet_ids")),
        Attr("endpoint_public_access", Expr("length(var.cluster_endpoint_public_cidrs) > 0")),
        Attr("public_access_cidrs", Expr("var.cluster_endpoint_public_cidrs")),
        Attr("kms_key_arn", Expr("module.security.kms_key_arn")),
        Attr("log_retention_days", design.observability.log_retention_days),
        Blank(),
        Comment(
            "Cluster administrators (access entries): the pipeline needs none, it commits to "
            "git and Argo CD applies."
        ),
        Attr("access_entries", Expr(ADMIN_ACCESS_ENTRIES)),
        Blank(),
        Comment("vpc-cni enforces the NetworkPolicies; the EBS CSI driver's role is bound by"),
        Comment("Pod Identity."),
        Attr("addons", managed),
        Blank(),
        Comment(
            f"{scaling}; min covers one AZ lost. EKS allows "
            "at most 450 nodes per managed node group, so a larger pool is split."
        ),
        Attr("node_groups", groups),
        Blank(),
        _tags(),
    ]
    return _module("eks", "eks", body)


def _eks_addons(design: Design, env: EnvironmentSizing) -> Block:
    """The AWS side of the add-ons Argo CD installs: roles bound by Pod Identity."""
    addons = design.addons
    if addons is None:
        msg = "an EKS design without add-ons"
        raise UnbuildableDesignError(msg)
    identities: dict[str, Value] = {
        chart.name: {
            "namespace": chart.namespace,
            "service_account": chart.service_account,
            "policy": chart.aws_role,
        }
        for chart in addons.charts
        if chart.service_account is not None and chart.aws_role is not None
    }
    body: list[Item] = [
        Attr("cluster_name", Expr("module.eks.cluster_name")),
        Attr("region", Expr("var.region")),
        Attr("log_group_prefix", f"/{design.name}/{env.name}/"),
    ]
    if addons.node_autoscaler == "karpenter":
        body += [
            Attr("node_role_arn", Expr("module.eks.node_role_arn")),
            Attr("karpenter_queue_name", karpenter_queue(design, env)),
        ]
    if any(chart.aws_role == "external-dns" for chart in addons.charts):
        body.append(Attr("hosted_zone_arn", Expr("module.dns.zone_arn")))
    body += [Blank(), Attr("pod_identities", identities), Blank(), _tags()]
    return _module("eks_addons", "eks-addons", body)


def _egress_ports(design: Design, service: ServicePlan) -> list[int]:
    ports = {f.port for f in design.network.flows if f.source == service.name and f.port != 443}
    return sorted(ports)


def _callers(design: Design, service: ServicePlan) -> list[str]:
    return sorted(s.name for s in design.compute.services if service.name in s.calls)


def _secrets(design: Design, service: ServicePlan) -> dict[str, Value]:
    secrets: dict[str, Value] = {}
    identity = next(i for i in design.security.identities if i.service == service.name)
    for permission in identity.permissions:
        if permission.kind in ("database-secret", "broker-secret"):
            env_name = snake(permission.target).upper() + "_CREDENTIALS"
            secrets[env_name] = _permission_resources(design, permission)[0]
    return secrets


def _environment(design: Design, service: ServicePlan) -> dict[str, Value]:
    """Where each store and queue the service uses is, and as whom it connects: the
    values the Kubernetes pods read from infrastructure.env."""
    bindings = [b for s in design.data.stores if s.name in service.uses for b in store_bindings(s)]
    bindings += [b for q in design.data.queues if q.name in service.uses for b in queue_bindings(q)]
    return {b.key: Expr(b.expression) for b in bindings if not b.secret_arn}


def _ecs_service(
    design: Design, env: EnvironmentSizing, service: ServicePlan, *, behind_alb: bool
) -> dict[str, Value]:
    size = env.service(service.name)
    spec: dict[str, Value] = {
        "image": Expr(f'"${{module.ecr.repository_urls["{service.name}"]}}:${{var.image_tag}}"'),
        "cpu": size.cpu_units,
        "memory": size.memory_mb,
    }
    if service.port is not None:
        spec["port"] = service.port
        spec["health_check_path"] = service.health_check_path or "/healthz"
        grpc = design.network.grpc
        if grpc is not None and service.name in grpc.services:
            spec["app_protocol"] = grpc.app_protocol
    spec["min_tasks"] = size.min_replicas
    spec["max_tasks"] = size.max_replicas
    spec["task_role_arn"] = Expr(f'module.security.service_role_arns["{service.name}"]')
    callers = _callers(design, service)
    if callers and service.port is not None:
        spec["callers"] = callers
    egress = _egress_ports(design, service)
    if egress:
        spec["egress_ports"] = egress
    environment = _environment(design, service)
    if environment:
        spec["environment"] = environment
    secrets = _secrets(design, service)
    if secrets:
        spec["secrets"] = secrets
    names = design.names_of(env.name)
    if service.schedule:
        spec["schedule"] = service.eventbridge_schedule
        spec["schedule_name"] = names.schedules[service.name]
        return spec
    scaling = service.autoscaling
    if scaling is not None:
        metric = _SCALING_METRIC[scaling.metric]
        spec["scaling_metric"] = metric
        spec["scaling_target"] = scaling.target
        spec["scale_in_cooldown"] = scaling.scale_in_stabilisation_seconds
        if metric == "queue":
            queue = next(q for q in design.data.queues if q.name in service.uses)
            spec["scaling_queue_name"] = Expr(f'module.messaging.queue_names["{queue.name}"]')
    spec.update(_release_spec(design, env, service, behind_alb=behind_alb))
    spec["rollback_alarm_names"] = Expr("module.observability.deployment_alarm_names")
    return spec


def _release_spec(
    design: Design, env: EnvironmentSizing, service: ServicePlan, *, behind_alb: bool
) -> dict[str, Value]:
    """How the service is reached and shipped: Service Connect, its target groups, and
    the CodeDeploy settings when CodeDeploy shifts it."""
    spec: dict[str, Value] = {}
    names = design.names_of(env.name)
    release = next(r for r in design.delivery.releases if r.service == service.name)
    codedeploy = release.mechanism.codedeploy_ecs
    if release.service_connect:
        spec["service_connect"] = True
    if behind_alb:
        spec["load_balanced"] = True
        spec["target_group_arn"] = Expr(f'module.alb.target_group_arns["{service.name}-blue"]')
        colours = ["blue", "green"] if codedeploy else ["blue"]
        spec["target_group_names"] = [
            Expr(f'module.alb.target_group_names["{service.name}-{c}"]') for c in colours
        ]
        spec["target_group_arn_suffixes"] = [
            Expr(f'module.alb.target_group_arn_suffixes["{service.name}-{c}"]') for c in colours
        ]
    if codedeploy:
        if not behind_alb:
            msg = f"CodeDeploy for {service.name}, which no ALB in Terraform fronts"
            raise UnbuildableDesignError(msg)
        spec["deployment"] = "codedeploy"
        spec["canary_percent"] = design.delivery.codedeploy_canary_percent
        spec["canary_minutes"] = design.delivery.codedeploy_canary_minutes
        spec["codedeploy_config_name"] = names.codedeploy_configs[service.name]
    return spec


def _ecs(design: Design, env: EnvironmentSizing) -> Block:
    alb = _alb_in_terraform(design)
    fronted = {s.name for s in _fronted_services(design)} if alb else set()
    services = {
        s.name: _ecs_service(design, env, s, behind_alb=s.name in fronted)
        for s in design.compute.services
    }
    body: list[Item] = [
        Attr("name", Expr("local.name")),
        Attr("vpc_id", Expr("module.vpc.vpc_id")),
        Attr("vpc_cidr", Expr("module.vpc.vpc_cidr")),
        Attr("subnet_ids", Expr("module.vpc.private_subnet_ids")),
        Attr("kms_key_arn", Expr("module.security.kms_key_arn")),
        Attr("log_group_prefix", f"/{design.name}/{env.name}"),
        Attr("log_retention_days", design.observability.log_retention_days),
        Attr("alarm_topic_arn", Expr("module.observability.alert_topic_arn")),
        Attr(
            "role_names",
            {key.replace("-", "_"): name for key, name in design.names_of(env.name).roles.items()},
        ),
    ]
    if alb:
        body += [
            Attr("load_balancer_security_group_id", Expr("module.alb.security_group_id")),
            Attr("load_balancer_arn_suffix", Expr("module.alb.arn_suffix")),
            Attr("https_listener_arn", Expr("module.alb.https_listener_arn")),
        ]
    body += [Blank(), Attr("services", services), Blank(), _tags()]
    return _module("ecs", "ecs", body)
