"""Each cluster's platform, the GitOps way: ``infra/k8s/platform/<env>/``.

Staging and prod are separate clusters in separate accounts, so each runs its own Argo
CD and every Application targets its own in-cluster API server. One documented step per
cluster installs Argo CD (the chart and values below) and applies ``root.yaml``; from
then on Argo CD installs the add-ons (pinned charts, ``apps/``), manages itself, and
syncs the workloads (``apps/workloads.yaml``, the overlay of that environment). The
add-ons that call AWS get their roles from EKS Pod Identity associations Terraform
creates, keyed on namespace and service account: no ARN or ID owned by Terraform is
written here (the load balancer controller finds the VPC by its Name tag).
"""

from __future__ import annotations

from pydantic import JsonValue

from infra_architect.engine import AddonChart, ClusterAddons, Design, EnvironmentSizing
from infra_architect.errors import DesignLookupError
from infra_architect.render._k8s_common import ARGO, K8S, KUSTOMIZE, _meta, manifest_settings
from infra_architect.render._yaml import Doc, dump

IN_CLUSTER = "https://kubernetes.default.svc"
ARGOCD_NAMESPACE = "argocd"
PLATFORM_PROJECT = "platform"
WORKLOADS_WAVE = 1
SYNC_WAVE = "argocd.argoproj.io/sync-wave"
FINALIZER = "resources-finalizer.argocd.argoproj.io"


NOTIFICATIONS_SECRET = "argocd-notifications-secret"  # noqa: S105  (a Secret's name)
GATE_TRIGGERS = ("on-deployed", "on-health-degraded", "on-sync-failed")
"""The Argo CD Notifications triggers that set the commit status a sync gate waits for."""


def platform_folder(env: EnvironmentSizing) -> str:
    return f"{K8S}/platform/{env.name}"


def cluster_name(design: Design, env: EnvironmentSizing) -> str:
    """The EKS cluster of an environment (Terraform's local.name)."""
    return f"{design.name}-{env.name}"


def karpenter_queue(design: Design, env: EnvironmentSizing) -> str:
    """Karpenter's interruption queue: Terraform creates it, the chart reads it."""
    return f"{cluster_name(design, env)}-karpenter"


def cluster_addons(design: Design) -> ClusterAddons:
    if design.addons is None:
        raise DesignLookupError("cluster add-ons of design", design.name)
    return design.addons


def bootstrap_commands(design: Design, env: EnvironmentSizing) -> list[str]:
    """The one manual step per cluster (install Argo CD, hand it the root app), as the
    Design's day-one steps hold it."""
    return design.day_one.step(f"argocd-{env.name}").commands


def render_platform(design: Design) -> dict[str, str]:
    """``infra/k8s/platform/<env>/...`` for every environment (EKS designs)."""
    files: dict[str, str] = {}
    for env in design.environments:
        files.update(_environment(design, env))
    return files


def _environment(design: Design, env: EnvironmentSizing) -> dict[str, str]:
    addons = cluster_addons(design)
    folder = platform_folder(env)
    apps: dict[str, Doc] = {
        addons.argocd.name: _chart_application(design, env, addons.argocd),
        **{c.name: _chart_application(design, env, c) for c in addons.charts},
        "workloads": _workloads_application(design, env),
    }
    files = {
        f"{folder}/argocd-values.yaml": dump(argocd_values(design)),
        f"{folder}/root.yaml": dump(_root(design, env)),
        f"{folder}/projects.yaml": dump(_platform_project(design)),
        f"{folder}/workloads-project.yaml": dump(_workloads_project(design, env)),
    }
    if addons.node_autoscaler == "karpenter":
        apps["karpenter-nodes"] = _path_application(
            design, env, "karpenter-nodes", f"{folder}/karpenter", "kube-system"
        )
        files.update(_karpenter_nodes(design, env))
    resources = ["projects.yaml", "workloads-project.yaml"]
    for name, doc in sorted(apps.items()):
        files[f"{folder}/apps/{name}.yaml"] = dump(doc)
        resources.append(f"apps/{name}.yaml")
    files[f"{folder}/kustomization.yaml"] = dump(
        {"apiVersion": KUSTOMIZE, "kind": "Kustomization", "resources": resources}
    )
    return files


def _sync_policy(design: Design, *, create_namespace: bool) -> Doc:
    retry = manifest_settings(design).sync_retry
    options = [f"CreateNamespace={'true' if create_namespace else 'false'}"]
    # Server-side apply: the charts' CRDs exceed the client-side annotation limit.
    options.append("ServerSideApply=true")
    return {
        "automated": {"prune": True, "selfHeal": True},
        "syncOptions": options,
        "retry": {
            "limit": retry.limit,
            "backoff": {
                "duration": retry.backoff_duration,
                "factor": retry.backoff_factor,
                "maxDuration": retry.max_backoff_duration,
            },
        },
    }


def _application_meta(name: str, wave: int, env: EnvironmentSizing) -> Doc:
    return _meta(
        name,
        {"app.kubernetes.io/part-of": PLATFORM_PROJECT, "environment": env.name},
        namespace=ARGOCD_NAMESPACE,
        annotations={SYNC_WAVE: str(wave)},
        finalizers=[FINALIZER],
    )


def _root(design: Design, env: EnvironmentSizing) -> Doc:
    """The app-of-apps: every Application in this folder (applied once by hand)."""
    return {
        "apiVersion": ARGO,
        "kind": "Application",
        "metadata": _meta(
            f"{design.name}-{env.name}-root",
            {"app.kubernetes.io/part-of": PLATFORM_PROJECT, "environment": env.name},
            namespace=ARGOCD_NAMESPACE,
        ),
        "spec": {
            "project": "default",
            "source": {
                "repoURL": design.delivery.repository,
                "targetRevision": "main",
                "path": platform_folder(env),
            },
            "destination": {"server": IN_CLUSTER, "namespace": ARGOCD_NAMESPACE},
            "syncPolicy": _sync_policy(design, create_namespace=False),
        },
    }


def _chart_application(design: Design, env: EnvironmentSizing, chart: AddonChart) -> Doc:
    return {
        "apiVersion": ARGO,
        "kind": "Application",
        "metadata": _application_meta(chart.name, chart.sync_wave, env),
        "spec": {
            "project": PLATFORM_PROJECT,
            "source": {
                "repoURL": chart.repo_url,
                "chart": chart.chart,
                "targetRevision": chart.version,
                "helm": {
                    "releaseName": chart.name,
                    "valuesObject": chart_values(design, env, chart),
                },
            },
            "destination": {"server": IN_CLUSTER, "namespace": chart.namespace},
            "syncPolicy": _sync_policy(design, create_namespace=True),
        },
    }


def _path_application(
    design: Design, env: EnvironmentSizing, name: str, path: str, namespace: str
) -> Doc:
    return {
        "apiVersion": ARGO,
        "kind": "Application",
        "metadata": _application_meta(name, WORKLOADS_WAVE, env),
        "spec": {
            "project": PLATFORM_PROJECT,
            "source": {
                "repoURL": design.delivery.repository,
                "targetRevision": "main",
                "path": path,
            },
            "destination": {"server": IN_CLUSTER, "namespace": namespace},
            "syncPolicy": _sync_policy(design, create_namespace=False),
        },
    }


def _workloads_application(design: Design, env: EnvironmentSizing) -> Doc:
    """The environment's overlay. Automated in prod too: the release act is the approved
    deploy-prod job's commit to the prod overlay; the pipeline never calls the API."""
    settings = manifest_settings(design)
    sync = _sync_policy(design, create_namespace=False)
    sync["syncOptions"] = ["CreateNamespace=false", "PrunePropagationPolicy=foreground"]
    return {
        "apiVersion": ARGO,
        "kind": "Application",
        "metadata": _meta(
            f"{design.name}-{env.name}",
            {"app.kubernetes.io/part-of": design.name, "environment": env.name},
            namespace=ARGOCD_NAMESPACE,
            annotations={
                SYNC_WAVE: str(WORKLOADS_WAVE),
                "infra-architect.dev/sync": (
                    "automated from main: the approved deploy-prod job's commit is the release"
                    if env.name == "prod"
                    else "automated from main"
                ),
                # the commit statuses the workflows' sync gate waits for (argocd-values.yaml)
                **{f"notifications.argoproj.io/subscribe.{t}.github": "" for t in GATE_TRIGGERS},
            },
            finalizers=[FINALIZER],
        ),
        "spec": {
            "project": design.name,
            "source": {
                "repoURL": design.delivery.repository,
                "targetRevision": "main",
                "path": f"{K8S}/overlays/{env.name}",
            },
            "destination": {"server": IN_CLUSTER, "namespace": env.namespace},
            "syncPolicy": sync,
            "revisionHistoryLimit": settings.revision_history_limit,
        },
    }


def _platform_project(design: Design) -> Doc:
    addons = cluster_addons(design)
    repos = sorted({addons.argocd.repo_url, *(c.repo_url for c in addons.charts)})
    return {
        "apiVersion": ARGO,
        "kind": "AppProject",
        "metadata": _meta(PLATFORM_PROJECT, namespace=ARGOCD_NAMESPACE),
        "spec": {
            "description": "Cluster add-ons: pinned charts from their upstream repositories",
            "sourceRepos": [design.delivery.repository, *repos],
            "destinations": [{"server": IN_CLUSTER, "namespace": "*"}],
            # Controllers bring CRDs, webhooks and cluster roles.
            "clusterResourceWhitelist": [{"group": "*", "kind": "*"}],
        },
    }


def _workloads_project(design: Design, env: EnvironmentSizing) -> Doc:
    return {
        "apiVersion": ARGO,
        "kind": "AppProject",
        "metadata": _meta(design.name, namespace=ARGOCD_NAMESPACE),
        "spec": {
            "description": f"{design.name}: the workloads of {env.name}",
            "sourceRepos": [design.delivery.repository],
            "destinations": [{"server": IN_CLUSTER, "namespace": env.namespace}],
            # Workloads only: no cluster-scoped objects except the namespace they live in.
            "clusterResourceWhitelist": [{"group": "", "kind": "Namespace"}],
            "namespaceResourceBlacklist": [
                {"group": "", "kind": "ResourceQuota"},
                {"group": "", "kind": "LimitRange"},
            ],
        },
    }


def argocd_values(design: Design) -> dict[str, JsonValue]:
    """Argo CD's values: the bootstrap install and the self-managing Application."""
    addons = cluster_addons(design)
    values = _merge(addons.argocd.values, {})
    oci = sorted({c.repo_url for c in addons.charts if "://" not in c.repo_url})
    if oci:
        # Charts served from an OCI registry need a repository entry (Argo CD docs,
        # "Helm OCI": enableOCI).
        configs = values.setdefault("configs", {})
        assert isinstance(configs, dict)  # noqa: S101  (catalog values are mappings)
        configs["repositories"] = {
            url.rsplit("/", 1)[-1]: {
                "url": url,
                "name": url.rsplit("/", 1)[-1],
                "type": "helm",
                "enableOCI": "true",
            }
            for url in oci
        }
    return values


def chart_values(design: Design, env: EnvironmentSizing, chart: AddonChart) -> dict[str, JsonValue]:
    """The catalog's values plus the design facts the chart needs (names, region)."""
    if chart.name == cluster_addons(design).argocd.name:
        return argocd_values(design)
    return _merge(chart.values, _design_values(design, env, chart))


def _design_values(
    design: Design, env: EnvironmentSizing, chart: AddonChart
) -> dict[str, JsonValue]:
    cluster = cluster_name(design, env)
    account: dict[str, JsonValue] = (
        {"serviceAccount": {"create": True, "name": chart.service_account}}
        if chart.service_account
        else {}
    )
    match chart.name:
        case "aws-load-balancer-controller":
            # Pods cannot read the node's metadata (IMDSv2, one hop): region and VPC given.
            return {
                "clusterName": cluster,
                "region": design.region,
                "vpcTags": {"Name": cluster},
                **account,
            }
        case "cluster-autoscaler":
            return {
                "autoDiscovery": {"clusterName": cluster},
                "awsRegion": design.region,
                "image": {"tag": chart.image_tag},
                "rbac": {"serviceAccount": {"create": True, "name": chart.service_account}},
            }
        case "karpenter":
            return {
                "settings": {
                    "clusterName": cluster,
                    "interruptionQueue": karpenter_queue(design, env),
                },
                **account,
            }
        case "aws-for-fluent-bit":
            prefix = f"/{design.name}/{env.name}/"
            return {
                "cloudWatchLogs": {
                    "region": design.region,
                    # Only the workloads' pods, each into its service's group.
                    "match": f"kube.var.log.containers.*_{env.namespace}_*",
                    "logGroupTemplate": (
                        f"{prefix}$kubernetes['labels']['app.kubernetes.io/name']"
                    ),
                    # Used only for a pod without the name label; every workload has it.
                    "logGroupName": f"{prefix}{design.compute.services[0].name}",
                },
                **account,
            }
        case "external-dns":
            domain = design.dns.domain(env.name)
            zone: list[JsonValue] = [domain.hosted_zone] if domain is not None else []
            return {
                # only this environment's zone, records owned by this cluster's TXT entries
                "domainFilters": zone,
                "txtOwnerId": cluster,
                # Pods cannot read the node's metadata (IMDSv2, one hop): the region given.
                "env": [{"name": "AWS_DEFAULT_REGION", "value": design.region}],
                **account,
            }
        case "otel-collector":
            return {"config": {"exporters": {"awsxray": {"region": design.region}}}, **account}
        case "prometheus-adapter":
            return {"rules": _adapter_rules(design)}
        case "cloudwatch-exporter":
            return {"config": _exporter_config(design, env), **account}
        case _:
            return account


def _adapter_rules(design: Design) -> dict[str, JsonValue]:
    addons = cluster_addons(design)
    rules: dict[str, JsonValue] = {
        "default": False,
        "custom": [
            {
                "seriesQuery": f'{addons.request_series}{{namespace!="",pod!=""}}',
                "resources": {
                    "overrides": {
                        "namespace": {"resource": "namespace"},
                        "pod": {"resource": "pod"},
                    }
                },
                "name": {
                    "matches": f"^{addons.request_series}$",
                    "as": design.observability.sli.request_rate_metric,
                },
                "metricsQuery": (
                    f"sum(rate(<<.Series>>{{<<.LabelMatchers>>}}[{addons.request_rate_window}])) "
                    "by (<<.GroupBy>>)"
                ),
            }
        ],
    }
    depth = addons.queue_depth
    if depth is not None:
        rules["external"] = [
            {
                "seriesQuery": f'{depth.prometheus_series}{{queue!=""}}',
                "resources": {"namespaced": False},
                "name": {"matches": f"^{depth.prometheus_series}$", "as": depth.external_metric},
                "metricsQuery": "max(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)",
            }
        ]
    return rules


def _exporter_config(design: Design, env: EnvironmentSizing) -> str:
    depth = cluster_addons(design).queue_depth
    if depth is None:
        raise DesignLookupError("queue depth metric of design", design.name)
    config: Doc = {
        "apiVersion": "v1alpha1",
        "sts-region": design.region,
        "discovery": {
            "jobs": [
                {
                    "type": "AWS/SQS",
                    "regions": [design.region],
                    # This environment's queues (Terraform tags every resource).
                    "searchTags": [
                        {"key": "Project", "value": f"^{design.name}$"},
                        {"key": "Environment", "value": f"^{env.name}$"},
                    ],
                    "metrics": [
                        {
                            "name": depth.cloudwatch_metric,
                            "statistics": ["Average"],
                            "period": depth.period_seconds,
                            "length": depth.length_seconds,
                        }
                    ],
                }
            ]
        },
    }
    return dump(config)


def _karpenter_nodes(design: Design, env: EnvironmentSizing) -> dict[str, str]:
    """Karpenter's NodePool and EC2NodeClass: the design's shape, on demand, up to the
    vCPU the design allows above the baseline group."""
    cluster = cluster_name(design, env)
    folder = f"{platform_folder(env)}/karpenter"
    node_class: Doc = {
        "apiVersion": "karpenter.k8s.aws/v1",
        "kind": "EC2NodeClass",
        "metadata": _meta("default"),
        "spec": {
            # The managed node groups' role: EKS created its access entry with them.
            "role": f"{cluster}-node",
            "amiSelectorTerms": [{"alias": "al2023@latest"}],
            "subnetSelectorTerms": [{"tags": {"Name": f"{cluster}-private-*"}}],
            # EKS tags the cluster security group it creates with the cluster's name.
            "securityGroupSelectorTerms": [{"tags": {"aws:eks:cluster-name": cluster}}],
            "metadataOptions": {
                "httpEndpoint": "enabled",
                "httpTokens": "required",
                "httpPutResponseHopLimit": 1,
            },
        },
    }
    node_pool: Doc = {
        "apiVersion": "karpenter.sh/v1",
        "kind": "NodePool",
        "metadata": _meta("default"),
        "spec": {
            "template": {
                "spec": {
                    "nodeClassRef": {
                        "group": "karpenter.k8s.aws",
                        "kind": "EC2NodeClass",
                        "name": "default",
                    },
                    "requirements": [
                        {
                            "key": "node.kubernetes.io/instance-type",
                            "operator": "In",
                            "values": [env.node_type],
                        },
                        {
                            "key": "karpenter.sh/capacity-type",
                            "operator": "In",
                            "values": ["on-demand"],
                        },
                    ],
                }
            },
            "limits": {"cpu": str(env.karpenter_cpu_limit)},
            "disruption": {"consolidationPolicy": "WhenEmptyOrUnderutilized"},
        },
    }
    return {
        f"{folder}/ec2nodeclass.yaml": dump(node_class),
        f"{folder}/nodepool.yaml": dump(node_pool),
        f"{folder}/kustomization.yaml": dump(
            {
                "apiVersion": KUSTOMIZE,
                "kind": "Kustomization",
                "resources": ["ec2nodeclass.yaml", "nodepool.yaml"],
            }
        ),
    }


def _merge(base: dict[str, JsonValue], extra: dict[str, JsonValue]) -> dict[str, JsonValue]:
    """``extra`` over ``base``, mappings merged key by key (Helm's own rule)."""
    out: dict[str, JsonValue] = {}
    for key in sorted({*base, *extra}):
        if key in base and key in extra:
            left, right = base[key], extra[key]
            out[key] = (
                _merge(left, right) if isinstance(left, dict) and isinstance(right, dict) else right
            )
        else:
            out[key] = extra[key] if key in extra else base[key]
    return out
