"""Terraform → services (ECS, Lambda), stores, queues, alarms, region, AZs.

Owned by the i24-tf track; the orchestrator calls `read_terraform` and merges its Findings.

Each root module is loaded as `review` loads it (the walk's texts, never the disk; local
and installed modules; auto-loaded variable files) and evaluated statically: nothing is
executed and an unknown value stays None. Services are read from the shape both the
project's generated trees and terraform-aws-modules' ecs module use, a ``services`` map
given to a module that holds ``aws_ecs_service`` resources, and from plain
``aws_ecs_service`` and ``aws_lambda_function`` resources.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from infra_architect.iac import (
    Resource,
    TerraformGraph,
    for_each_instances,
    installed_modules,
    is_read_replica,
    load_terraform,
    value,
)
from infra_architect.importer._findings import (
    Evidence,
    Findings,
    FoundAlarm,
    FoundLink,
    FoundQueue,
    FoundService,
    FoundStore,
    Unread,
)
from infra_architect.review import Kind, Walk, terraform_roots

_META = {"__start_line__", "__end_line__"}
_DNS_LABEL = re.compile(r"[^a-z0-9-]+")
_AZ_SLICE = re.compile(r"slice\(\s*data\.aws_availability_zones\.[\w-]+\.names\s*,\s*0\s*,\s*(\d+)")
_NOT_DATA_BUCKET = re.compile(r"(tfstate|terraform-state|state|access-logs?|logs?|artifacts?|cloudtrail|audit)")
_RELATIONAL = {"postgres": "postgres", "mysql": "mysql", "mariadb": "mysql"}
_CLUSTER_ENGINES = {"aurora-postgresql": "postgres", "aurora-mysql": "mysql", "aurora": "mysql"}
_CACHE_ENGINES = {"redis": "redis", "valkey": "redis"}
_ALARM_TARGETS = (
    "DBInstanceIdentifier",
    "DBClusterIdentifier",
    "ReplicationGroupId",
    "CacheClusterId",
    "QueueName",
    "TopicName",
    "StreamName",
    "ServiceName",
    "FunctionName",
    "TableName",
    "BucketName",
    "DomainName",
)


def read_terraform(root: Path, walked: Walk) -> Findings:
    """What the Terraform under ``root`` (already walked) says runs today."""
    base = root.resolve()
    found = _Collected()
    for directory in _chosen_roots(terraform_roots(walked)):
        graph = _load(base, walked, directory)
        found.unread += [
            Unread(path=s.partition(": ")[0], reason=s.partition(": ")[2] or s)
            for s in graph.skipped
            if not s.endswith(("(not fetched)", "(not read)"))
        ]
        _read_root(graph, directory, found)
    return found.findings()


# --- which roots, and loading them --------------------------------------------------------


def _chosen_roots(roots: list[str]) -> list[str]:
    """A tree laid out as environments/{staging,prod} (the project's own) reads prod:
    what runs in production is what the spec describes; otherwise every root."""
    prod = [r for r in roots if r.split("/")[-2:] == ["environments", "prod"]]
    return prod or roots


def _parent(path: str) -> str:
    return path.rpartition("/")[0] or "."


def _load(base: Path, walked: Walk, directory: str) -> TerraformGraph:
    sources: dict[Path, list[tuple[Path, str]]] = {}
    for f in walked.files:
        if f.kind is Kind.TERRAFORM:
            sources.setdefault((base / _parent(f.path)).resolve(), []).append(
                (base / f.path, f.text)
            )
    auto = sorted(
        (f.path, f.text)
        for f in walked.files
        if f.kind is Kind.TFVARS
        and _parent(f.path) == directory
        and (
            f.path.endswith(("/terraform.tfvars", "/terraform.tfvars.json", ".auto.tfvars"))
            or f.path in ("terraform.tfvars", "terraform.tfvars.json")
        )
    )
    manifest = next(
        (
            f.text
            for f in walked.files
            if f.kind is Kind.MODULES_MANIFEST and f.path.startswith(f"{directory}/")
        ),
        "",
    )
    return load_terraform(
        (base / directory).resolve(),
        base=base,
        sources=sources,
        variable_files=auto,
        installed=installed_modules(manifest),
    )


# --- what one root says --------------------------------------------------------------------


@dataclass
class _Collected:
    services: dict[str, FoundService] = field(default_factory=dict)
    stores: dict[str, FoundStore] = field(default_factory=dict)
    queues: dict[str, FoundQueue] = field(default_factory=dict)
    alarms: dict[str, FoundAlarm] = field(default_factory=dict)
    region: tuple[str, Evidence] | None = None
    zones: tuple[int, Evidence] | None = None
    unread: list[Unread] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def findings(self) -> Findings:
        return Findings(
            services=tuple(self.services[k] for k in sorted(self.services)),
            datastores=tuple(self.stores[k] for k in sorted(self.stores)),
            queues=tuple(self.queues[k] for k in sorted(self.queues)),
            alarms=tuple(self.alarms[k] for k in sorted(self.alarms)),
            region=self.region,
            availability_zones=self.zones,
            unread=tuple(dict.fromkeys(self.unread)),
            notes=tuple(dict.fromkeys(self.notes)),
        )


@dataclass
class _Root:
    """One root's graph and the names it gives things (address → found name)."""

    graph: TerraformGraph
    prefixes: tuple[str, ...]
    named: dict[str, str] = field(default_factory=dict)
    aliased: set[str] | None = None


def _read_root(graph: TerraformGraph, directory: str, found: _Collected) -> None:
    root = _Root(graph, _prefixes(graph, directory))
    if found.region is None:
        found.region = _region(graph)
    if found.zones is None:
        found.zones = _zones(graph)
    for store in _stores(root, found.notes):
        found.stores.setdefault(store.name, store)
    for queue in _queues(root, found.notes):
        found.queues.setdefault(queue.name, queue)
    for service in _services(root):
        found.services.setdefault(service.name, service)
    for alarm in _alarms(root, found):
        found.alarms.setdefault(alarm.name, alarm)


def _prefixes(graph: TerraformGraph, directory: str) -> tuple[str, ...]:
    """What generated names start with: the root's ``name`` (a local or a variable,
    ``tasklane-prod``), and that without its environment (``tasklane``)."""
    scope = next((r.scope for r in graph.resources if not r.scope.path), None)
    candidates: list[str] = []
    for r in graph.resources:
        if not r.scope.path:
            scope = r.scope
            break
    if scope is None and graph.providers:
        scope = graph.providers[0].scope
    if scope is not None:
        for kind, table in (("local", scope.locals), ("var", scope.variables)):
            for key in ("name", "prefix", "name_prefix", "project", "system"):
                if key in table:
                    got = graph.value(f"${{{kind}.{key}}}", scope)
                    if isinstance(got, str) and got:
                        candidates.append(got)
    environment = directory.rpartition("/")[2]
    candidates += [c.removesuffix(f"-{environment}") for c in candidates]
    return tuple(sorted({c for c in candidates if c}, key=len, reverse=True))


def _short(name: str, root: _Root) -> str:
    """A resource's name without the system/environment prefix, as a DNS label."""
    for prefix in root.prefixes:
        if name.startswith(f"{prefix}-") and len(name) > len(prefix) + 1:
            name = name[len(prefix) + 1 :]
            break
    return _DNS_LABEL.sub("-", name.lower()).strip("-")[:63] or "unnamed"


def _evidence(resource: Resource) -> Evidence:
    return Evidence(resource.file, resource.line)


def _instances(graph: TerraformGraph, resource: Resource) -> list[Resource]:
    if "for_each" in resource.body:
        return for_each_instances(graph, resource) or []
    return [resource]


def _all(root: _Root, *types: str) -> Iterator[Resource]:
    for resource in root.graph.of_type(*types):
        if not _elsewhere(root, resource):
            yield from _instances(root.graph, resource)


_ALIASED_CALL = re.compile(r'module\s+"([\w-]+)"\s*\{(?:(?!\n\}).)*?\baws\s*=\s*aws\.', re.DOTALL)


def _elsewhere(root: _Root, resource: Resource) -> bool:
    """Whether a resource runs through an aliased provider (the recovery region's
    copies): what runs today is the primary region's; the copies are a DR choice."""
    if isinstance(resource.body.get("provider"), str):
        return True
    if root.aliased is None:
        root.aliased = {
            name
            for texts in (root.graph.sources or {}).values()
            for _, text in texts
            for name in _ALIASED_CALL.findall(text)
        }
    head = resource.scope.path.split(".")[1:2]
    return bool(head) and head[0] in root.aliased


def _str(graph: TerraformGraph, resource: Resource, *keys: str) -> str | None:
    for key in keys:
        got = value(graph, resource, key)
        if isinstance(got, str) and got:
            return got
    return None


def _int(got: object) -> int | None:
    if isinstance(got, bool):
        return None
    if isinstance(got, int | float):
        return int(got)
    if isinstance(got, str) and got.isdigit():
        return int(got)
    return None


def _name(root: _Root, resource: Resource, *keys: str) -> str:
    raw = _str(root.graph, resource, *keys)
    if raw is None:  # a for_each instance's key names it, else the block's label
        key = re.search(r'\["([^"]+)"\]$', resource.address)
        raw = key.group(1) if key else resource.name
    short = _short(raw, root)
    root.named[resource.address.split("[")[0]] = short
    root.named[resource.address] = short
    return short


# --- region and zones ----------------------------------------------------------------------


def _region(graph: TerraformGraph) -> tuple[str, Evidence] | None:
    for provider in graph.providers:
        if provider.address == "provider.aws":
            got = value(graph, provider, "region")
            if isinstance(got, str) and got:
                return got, _evidence(provider)
    for variable in graph.variables:
        if variable.name in ("region", "aws_region") and not variable.scope.path:
            if isinstance(variable.default, str):
                return variable.default, Evidence(variable.file, variable.line)
    return None


def _zones(graph: TerraformGraph) -> tuple[int, Evidence] | None:
    """Distinct AZs: a module call's ``azs`` list, subnets' zones, or a slice of
    ``data.aws_availability_zones`` (``slice(..., 0, 3)``)."""
    scopes = {id(r.scope): r.scope for r in graph.resources}
    for scope in sorted(scopes.values(), key=lambda s: s.path.count(".")):
        if "azs" in scope.arguments and scope.caller is not None:
            got = graph.value(scope.arguments["azs"], scope.caller)
            where = scope.caller.origins.get(f"module.{scope.path.rpartition('.')[2]}", "")
            path, _, line = where.partition(":")
            if isinstance(got, list) and got:
                return len(set(map(str, got))), Evidence(path, int(line or 0))
            raw = scope.arguments["azs"]
            sliced = _sliced(raw, scope.caller)
            if sliced is not None:
                return sliced, Evidence(path, int(line or 0))
    zones = {
        z
        for r in _all(_Root(graph, ()), "aws_subnet")
        if isinstance(z := value(graph, r, "availability_zone"), str)
    }
    subnet = next(graph.of_type("aws_subnet"), None)
    if zones and subnet is not None:
        return len(zones), _evidence(subnet)
    return _sliced_locals(graph)


def _sliced(raw: object, scope: object) -> int | None:
    text = str(raw)
    match = _AZ_SLICE.search(text)
    if match is not None:
        return int(match.group(1))
    local = re.search(r"local\.([\w-]+)", text)
    locals_ = getattr(scope, "locals", {})
    if local is not None and local.group(1) in locals_:
        match = _AZ_SLICE.search(str(locals_[local.group(1)]))
        return int(match.group(1)) if match else None
    return None


def _sliced_locals(graph: TerraformGraph) -> tuple[int, Evidence] | None:
    for resource in graph.resources:
        if resource.scope.path:
            continue
        for key, raw in resource.scope.locals.items():
            match = _AZ_SLICE.search(str(raw))
            if match is not None:
                path, _, line = resource.scope.origins.get(f"local.{key}", "").partition(":")
                return int(match.group(1)), Evidence(path, int(line or 0))
    return None


# --- stores ---------------------------------------------------------------------------------


def _stores(root: _Root, notes: list[str]) -> Iterator[FoundStore]:  # noqa: C901, PLR0912
    graph = root.graph
    replicas: dict[str, int] = {}
    for r in _all(root, "aws_db_instance"):
        if is_read_replica(graph, r):
            for source in graph.references(r.body.get("replicate_source_db"), r.scope):
                replicas[source] = replicas.get(source, 0) + 1
    for r in _all(root, "aws_db_instance"):
        if is_read_replica(graph, r):
            continue
        engine = _str(graph, r, "engine") or ""
        mapped = _RELATIONAL.get(engine)
        if mapped is None:
            notes.append(f"{r.address} ({_evidence(r)}): engine {engine!r} is not one the spec knows")
            continue
        yield FoundStore(
            name=_name(root, r, "identifier", "db_name"),
            engine=mapped,
            evidence=_evidence(r),
            storage_gb=_float(value(graph, r, "allocated_storage")),
            instance_class=_str(graph, r, "instance_class"),
            multi_az=_bool(value(graph, r, "multi_az")),
            replicas=replicas.get(r.address.split("[")[0], 0),
            backup_retention_days=_int(value(graph, r, "backup_retention_period")),
        )
    members: dict[str, list[Resource]] = {}
    for r in _all(root, "aws_rds_cluster_instance"):
        for cluster in graph.references(r.body.get("cluster_identifier"), r.scope):
            members.setdefault(cluster, []).append(r)
    for r in _all(root, "aws_rds_cluster"):
        engine = _str(graph, r, "engine") or "aurora"
        mapped = _CLUSTER_ENGINES.get(engine) or _RELATIONAL.get(engine)
        if mapped is None:
            notes.append(f"{r.address} ({_evidence(r)}): engine {engine!r} is not one the spec knows")
            continue
        instances = _counted(graph, members.get(r.address.split("[")[0], []))
        first = members.get(r.address.split("[")[0], [None])[0]
        yield FoundStore(
            name=_name(root, r, "cluster_identifier"),
            engine=mapped,
            evidence=_evidence(r),
            instance_class=_str(graph, first, "instance_class") if first else None,
            # an Aurora writer fails over to a reader in another AZ: two or more instances
            multi_az=instances >= 2 if instances else None,  # noqa: PLR2004
            replicas=max(instances - 1, 0) if instances else None,
            backup_retention_days=_int(value(graph, r, "backup_retention_period")),
        )
    for r in _all(root, "aws_elasticache_replication_group", "aws_elasticache_cluster"):
        engine = _str(graph, r, "engine") or "redis"
        if engine not in _CACHE_ENGINES:
            notes.append(f"{r.address} ({_evidence(r)}): engine {engine!r} is not one the spec knows")
            continue
        nodes = _int(value(graph, r, "num_cache_clusters")) or _int(value(graph, r, "num_cache_nodes"))
        multi = _bool(value(graph, r, "multi_az_enabled"))
        failover = _bool(value(graph, r, "automatic_failover_enabled"))
        yield FoundStore(
            name=_name(root, r, "replication_group_id", "cluster_id", "name"),
            engine="redis",
            evidence=_evidence(r),
            role="cache",
            instance_class=_str(graph, r, "node_type"),
            multi_az=multi if multi is not None else (failover if failover else (nodes or 0) >= 2),  # noqa: PLR2004
            replicas=max(nodes - 1, 0) if nodes else None,
        )
    for r in _all(root, "aws_opensearch_domain", "aws_elasticsearch_domain"):
        config = _first_block(graph, r, "cluster_config")
        yield FoundStore(
            name=_name(root, r, "domain_name"),
            engine="opensearch",
            evidence=_evidence(r),
            instance_class=_as_str(config.get("instance_type")),
            multi_az=_bool(config.get("zone_awareness_enabled")),
            replicas=_int(config.get("instance_count")),
        )
    for r in _all(root, "aws_dynamodb_table"):
        yield FoundStore(name=_name(root, r, "name"), engine="dynamodb", evidence=_evidence(r))
    for r in _all(root, "aws_s3_bucket"):
        raw = _str(graph, r, "bucket", "bucket_prefix")
        short = _short(raw, root) if raw else None
        if short is None or _NOT_DATA_BUCKET.search(short):
            why = "no static name" if short is None else "its name says it holds state, logs or artifacts"
            notes.append(f"{r.address} ({_evidence(r)}): bucket not read as a data store ({why})")
            continue
        yield FoundStore(name=_name(root, r, "bucket", "bucket_prefix"), engine="s3", evidence=_evidence(r))
    for r in _all(root, "aws_docdb_cluster", "aws_memorydb_cluster", "aws_redshift_cluster", "aws_neptune_cluster"):
        notes.append(f"{r.address} ({_evidence(r)}): {r.type} is not an engine the spec knows")


def _counted(graph: TerraformGraph, resources: list[Resource]) -> int:
    total = 0
    for r in resources:
        count = _int(graph.value(r.body["count"], r.scope)) if "count" in r.body else 1
        total += count or 0
    return total


def _first_block(graph: TerraformGraph, resource: Resource, name: str) -> dict[str, object]:
    got = value(graph, resource, name)
    if isinstance(got, list) and got and isinstance(got[0], dict):
        return got[0]
    return got if isinstance(got, dict) else {}


def _bool(got: object) -> bool | None:
    return got if isinstance(got, bool) else None


def _float(got: object) -> float | None:
    return float(got) if isinstance(got, int | float) and not isinstance(got, bool) else None


def _as_str(got: object) -> str | None:
    return got if isinstance(got, str) else None


# --- queues ---------------------------------------------------------------------------------


def _queues(root: _Root, notes: list[str]) -> Iterator[FoundQueue]:
    graph = root.graph
    targets: set[str] = set()
    for r in graph.of_type("aws_sqs_queue"):
        targets |= graph.references(r.body.get("redrive_policy"), r.scope)
    alerting: set[str] = set()
    for r in graph.of_type("aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm"):
        alerting |= graph.references(
            [r.body.get(k) for k in ("alarm_actions", "ok_actions", "insufficient_data_actions")],
            r.scope,
        )
    for r in _all(root, "aws_sqs_queue"):
        if r.address.split("[")[0] in targets:
            continue  # only another queue's redrive target: a dead-letter queue
        name = _name(root, r, "name", "name_prefix")
        yield FoundQueue(name, "sqs", _evidence(r), dead_letter="redrive_policy" in r.body)
    for r in _all(root, "aws_sns_topic"):
        if r.address.split("[")[0] in alerting:
            notes.append(f"{r.address} ({_evidence(r)}): the alarms' topic, not an application queue")
            continue
        yield FoundQueue(_name(root, r, "name"), "sns", _evidence(r))
    for r in _all(root, "aws_kinesis_stream"):
        yield FoundQueue(_name(root, r, "name"), "kinesis", _evidence(r))
    for r in _all(root, "aws_msk_cluster", "aws_msk_serverless_cluster"):
        yield FoundQueue(_name(root, r, "cluster_name"), "kafka", _evidence(r))


# --- services -------------------------------------------------------------------------------


def _services(root: _Root) -> Iterator[FoundService]:
    yield from _mapped_services(root)
    yield from _lambdas(root)


def _mapped_services(root: _Root) -> Iterator[FoundService]:
    """Services given as a ``services`` map to a module that runs ECS services (the
    generated trees' ecs module, terraform-aws-modules' ecs module)."""
    graph = root.graph
    ecs_scopes = {id(r.scope): r.scope for r in graph.resources if r.type == "aws_ecs_service"}
    callers: dict[int, object] = {}
    for scope in ecs_scopes.values():  # the module holding the services, or one above it
        current = scope
        while current is not None and current.caller is not None:
            if isinstance(current.arguments.get("services"), dict):
                callers[id(current)] = current
                break
            current = current.caller
    found: list[FoundService] = []
    for scope in callers.values():
        found += _entries(root, scope)
    by_name = {s.name for s in found}
    calls: dict[str, list[FoundLink]] = {}
    for service, entry, where in _raw_entries(root, callers):
        evaluated = graph.value(entry, where.caller)  # type: ignore[attr-defined]
        listed = evaluated.get("callers") if isinstance(evaluated, dict) else None
        for caller in listed if isinstance(listed, list) else []:
            if isinstance(caller, str) and caller in by_name:
                line = _line_of(entry, where)
                calls.setdefault(caller, []).append(FoundLink(service, line))
    for service in found:
        extra = tuple(sorted(calls.get(service.name, []), key=lambda link: link.target))
        links = {link.target: link for link in (*extra, *service.calls)}
        yield replace(service, calls=tuple(links[t] for t in sorted(links)))
    yield from _plain_ecs(root, ecs_scopes, callers)


def _raw_entries(root: _Root, callers: Mapping[int, object]) -> Iterator[tuple[str, dict[str, object], object]]:
    del root
    for scope in callers.values():
        services = scope.arguments["services"]  # type: ignore[attr-defined]
        for key, entry in sorted(services.items()):
            if key not in _META and isinstance(entry, dict):
                yield key, entry, scope


def _line_of(entry: Mapping[str, object], scope: object) -> Evidence:
    call = scope.caller.origins.get(f"module.{scope.path.rpartition('.')[2]}", "")  # type: ignore[attr-defined]
    path, _, line = call.partition(":")
    start = entry.get("__start_line__")
    return Evidence(path, start if isinstance(start, int) else int(line or 0))


def _entries(root: _Root, scope: object) -> list[FoundService]:
    graph = root.graph
    caller = scope.caller  # type: ignore[attr-defined]
    out: list[FoundService] = []
    for key, entry, _ in _raw_entries(root, {0: scope}):
        got = graph.value(entry, caller)
        spec = got if isinstance(got, dict) else {}
        name = _short(key, root)
        port = _int(spec.get("port")) or _container_port(spec.get("container_definitions"))
        schedule = _as_str(spec.get("schedule"))
        public = _public(root, entry, spec, caller)
        kind = "cron" if schedule else ("web" if public else ("api" if port else "worker"))
        out.append(
            FoundService(
                name=name,
                type=kind,
                evidence=_line_of(entry, scope),
                public=public,
                port=port,
                protocol="http" if port else None,
                schedule=schedule,
                memory_mb=_int(spec.get("memory")),
                cpu=_cpu(spec.get("cpu")),
                health_check_path=_as_str(spec.get("health_check_path")),
                replicas=_first_int(spec, "min_tasks", "desired_count", "autoscaling_min_capacity"),
                max_replicas=_first_int(spec, "max_tasks", "autoscaling_max_capacity"),
                uses=_uses(root, entry, caller, _line_of(entry, scope)),
                calls=_env_calls(spec, key, _line_of(entry, scope), root),
                platform="ecs-fargate",
            )
        )
    return out


def _first_int(spec: Mapping[str, object], *keys: str) -> int | None:
    for key in keys:
        got = _int(spec.get(key))
        if got is not None:
            return got
    return None


def _cpu(got: object) -> float | None:
    units = _int(got)
    return units / 1024 if units else None  # ECS CPU units: 1024 is one vCPU


def _container_port(definitions: object) -> int | None:
    containers = definitions.values() if isinstance(definitions, dict) else definitions
    for container in containers if isinstance(containers, list | type({}.values())) else []:
        if not isinstance(container, dict):
            continue
        for mapping in container.get("portMappings") or container.get("port_mappings") or []:
            if isinstance(mapping, dict) and (port := _int(mapping.get("containerPort"))):
                return port
    return None


def _public(root: _Root, entry: Mapping[str, object], spec: Mapping[str, object], caller: object) -> bool:
    """Behind a load balancer that is not internal: the generated trees' ``load_balanced``
    or a ``load_balancer`` block whose target group is an internet-facing ALB's."""
    if spec.get("load_balanced") is not True and "load_balancer" not in spec:
        return False
    text = json.dumps(entry, default=str)
    for module in re.findall(r"module\.([\w-]+)\.", text):
        child = caller.modules.get(module)  # type: ignore[attr-defined]
        if child is None:  # a registry module not fetched: its call still says internal
            call = _module_call(root, caller, module)
            if call is not None and ("target_group" in text or "load_balancer" in call):
                return root.graph.value(call.get("internal", False), caller) is not True
            continue
        if any(r.type in ("aws_lb", "aws_alb") for r in root.graph.resources if r.scope is child):
            internal = root.graph.value(child.arguments.get("internal", False), caller)
            return internal is not True
    lbs = list(root.graph.of_type("aws_lb", "aws_alb"))
    return any(value(root.graph, lb, "internal") is not True for lb in lbs)


def _module_call(root: _Root, caller: object, name: str) -> dict[str, object] | None:
    """A module call's arguments as written, from its file (remote modules have no scope)."""
    where = caller.origins.get(f"module.{name}")  # type: ignore[attr-defined]
    if where is None:
        return None
    # the call's arguments are kept only for loaded modules; a not-fetched one is read
    # from its text: only the `internal` flag matters here
    path = root.graph.root
    del path
    return {"load_balancer": True, "internal": _internal_flag(root, caller, name)}


def _internal_flag(root: _Root, caller: object, name: str) -> object:
    for sources in (root.graph.sources or {}).values():
        for _, text in sources:
            match = re.search(
                rf'module\s+"{re.escape(name)}"\s*\{{(.*?)\n\}}', text, re.DOTALL
            )
            if match is not None:
                flag = re.search(r"^\s*internal\s*=\s*(\w+)", match.group(1), re.MULTILINE)
                return flag is not None and flag.group(1) == "true"
    del caller
    return False


def _uses(root: _Root, entry: Mapping[str, object], caller: object, where: Evidence) -> tuple[FoundLink, ...]:
    """Stores and queues a service's configuration refers to (endpoints in its
    environment and secrets, queue names it scales on)."""
    graph = root.graph
    text = json.dumps(entry, default=str)
    keys = set(re.findall(r'\["([^"]+)"\]', text))
    found: set[str] = set()
    for address in graph.references(entry, caller):  # type: ignore[arg-type]
        name = root.named.get(address)
        if name is not None:
            found.add(name)
            continue
        keyed = [a for a in root.named if a.startswith(f"{address}[")]
        found |= {root.named[a] for a in keyed if a.split('["')[1].rstrip('"]') in keys}
    return tuple(FoundLink(n, where) for n in sorted(found))


def _env_calls(spec: Mapping[str, object], own: str, where: Evidence, root: _Root) -> tuple[FoundLink, ...]:
    del spec, own, where, root
    return ()


def _plain_ecs(root: _Root, scopes: Mapping[int, object], mapped: Mapping[int, object]) -> Iterator[FoundService]:
    """``aws_ecs_service`` resources outside a ``services`` map, named statically."""
    graph = root.graph
    inside = set()
    for scope in mapped.values():
        inside |= {id(s) for s in scopes.values() if s.path.startswith(scope.path)}  # type: ignore[attr-defined]
    for r in _all(root, "aws_ecs_service"):
        if id(r.scope) in inside:
            continue
        name = _str(graph, r, "name")
        if name is None:
            continue
        task = next(
            (t for t in graph.resources if t.address in graph.references(r.body.get("task_definition"), r.scope)),
            None,
        )
        public = bool(list(_blocks(r, "load_balancer")))
        yield FoundService(
            name=_short(name, root),
            type="web" if public else "worker",
            evidence=_evidence(r),
            public=public,
            replicas=_int(value(graph, r, "desired_count")),
            memory_mb=_int(value(graph, task, "memory")) if task else None,
            cpu=_cpu(value(graph, task, "cpu")) if task else None,
            platform="ecs-fargate",
        )


def _blocks(resource: Resource, name: str) -> list[object]:
    got = resource.body.get(name)
    return got if isinstance(got, list) else ([got] if got else [])


def _lambdas(root: _Root) -> Iterator[FoundService]:
    graph = root.graph
    sqs: set[str] = set()
    for r in _all(root, "aws_lambda_event_source_mapping"):
        sqs |= graph.references(r.body.get("function_name"), r.scope)
    scheduled: dict[str, str] = {}
    for target in _all(root, "aws_cloudwatch_event_target"):
        functions = graph.references(target.body.get("arn"), target.scope)
        for rule_address in graph.references(target.body.get("rule"), target.scope):
            rule = graph.by_address(rule_address)
            expression = _str(graph, rule, "schedule_expression") if rule else None
            for function in functions:
                if expression:
                    scheduled[function] = expression
    fronted: set[str] = set()
    for r in graph.resources:
        if r.type in ("aws_lambda_permission", "aws_lambda_function_url", "aws_apigatewayv2_integration", "aws_lb_target_group_attachment"):
            fronted |= graph.references(r.body, r.scope)
    for r in _all(root, "aws_lambda_function"):
        address = r.address.split("[")[0]
        schedule = scheduled.get(address)
        kind = "cron" if schedule else ("worker" if address in sqs else ("api" if address in fronted else "worker"))
        yield FoundService(
            name=_name(root, r, "function_name"),
            type=kind,
            evidence=_evidence(r),
            public=kind == "api",
            schedule=schedule,
            memory_mb=_int(value(graph, r, "memory_size")),
            platform="lambda",
        )


# --- alarms ---------------------------------------------------------------------------------


def _alarms(root: _Root, found: _Collected) -> Iterator[FoundAlarm]:
    graph = root.graph
    names = {*found.services, *found.stores, *found.queues}
    for r in _all(root, "aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm"):
        dimensions = value(graph, r, "dimensions")
        target = None
        if isinstance(dimensions, dict):
            for key in _ALARM_TARGETS:
                got = dimensions.get(key)
                if isinstance(got, str):
                    short = _short(got, root)
                    target = short if short in names else _dead_letter_owner(short, names)
                    if target is not None:
                        break
        name = _name(root, r, "alarm_name")
        if target is None:  # dimensions from module outputs are unknown: the name says
            target = next((n for n in sorted(names, key=len, reverse=True) if name.startswith(f"{n}-")), None)
        yield FoundAlarm(
            name=name,
            evidence=_evidence(r),
            target=target,
            metric=_str(graph, r, "metric_name"),
        )


def _dead_letter_owner(name: str, names: set[str]) -> str | None:
    """A dead-letter queue's alarm watches its source queue (``jobs-dlq`` → ``jobs``)."""
    for suffix in ("-dlq", "-dead-letter", "-deadletter"):
        if name.endswith(suffix) and name.removesuffix(suffix) in names:
            return name.removesuffix(suffix)
    return None
