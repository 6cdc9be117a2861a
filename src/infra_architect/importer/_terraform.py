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
    Scope,
    TerraformGraph,
    for_each_instances,
    installed_modules,
    is_read_replica,
    load_plan,
    load_terraform,
    plan_json,
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
from infra_architect.review import Kind, Walk, auto_loaded, modules_manifests, terraform_roots

_META = {"__start_line__", "__end_line__"}
_DNS_LABEL = re.compile(r"[^a-z0-9-]+")
_AZ_SLICE = re.compile(r"slice\(\s*data\.aws_availability_zones\.[\w-]+\.names\s*,\s*0\s*,\s*(\d+)")
_NOT_DATA_BUCKET = re.compile(
    r"(tfstate|terraform-state|state|access-logs?|logs?|artifacts?|cloudtrail|audit)"
)
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
    for directory in chosen_roots(terraform_roots(walked)):
        graph = load_root(base, walked, directory)
        found.unread += [
            Unread(path=s.partition(": ")[0], reason=s.partition(": ")[2] or s)
            for s in graph.skipped
            if not s.endswith(("(not fetched)", "(not read)"))
        ]
        _read_root(graph, directory, found)
    if not found.services and not found.stores and not found.queues:
        _read_plans(walked, found)  # a tree of plans only: they are what runs
    return found.findings()


def _read_plans(walked: Walk, found: _Collected) -> None:
    """Plans (``terraform show -json``) hold every value but no line: their evidence
    is the plan file. Read only where no configuration said anything (one source of
    names: the configuration's prefixes are not in a plan)."""
    for file in walked.files:
        if file.kind is not Kind.PLAN:
            continue
        try:
            document = plan_json(file.text)
        except (ValueError, RecursionError):
            found.unread.append(Unread(path=file.path, reason="not JSON"))
            continue
        if isinstance(document, dict) and "planned_values" in document:
            _read_root(load_plan(document, file.path), _parent(file.path), found)


# --- which roots, and loading them --------------------------------------------------------


def chosen_roots(roots: list[str]) -> list[str]:
    """A tree laid out as environments/{staging,prod} (the project's own) reads prod:
    what runs in production is what the spec describes; otherwise every root."""
    prod = [r for r in roots if r.split("/")[-2:] == ["environments", "prod"]]
    return prod or roots


def _parent(path: str) -> str:
    return path.rpartition("/")[0] or "."


def load_root(base: Path, walked: Walk, directory: str) -> TerraformGraph:
    sources: dict[Path, list[tuple[Path, str]]] = {}
    for f in walked.files:
        if f.kind is Kind.TERRAFORM:
            sources.setdefault((base / _parent(f.path)).resolve(), []).append(
                (base / f.path, f.text)
            )
    # the variable files and installed modules Terraform itself loads, read as review does
    return load_terraform(
        (base / directory).resolve(),
        base=base,
        sources=sources,
        variable_files=auto_loaded(walked, directory),
        installed=installed_modules(modules_manifests(walked).get(directory, "")),
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
    stored: set[str] = field(default_factory=set)
    """The names of the stores and queues found."""
    guards: dict[str, str] = field(default_factory=dict)
    """Security group address → the service or store it guards."""
    roles: dict[str, str] = field(default_factory=dict)
    """IAM role address → the service that runs as it."""
    _calls: dict[str, str] | None = None

    def text(self, path: str) -> str:
        """A file's text, by its path as reported (relative to the tree)."""
        for texts in (self.graph.sources or {}).values():
            for absolute, text in texts:
                if absolute.as_posix().endswith(f"/{path}"):
                    return text
        return ""

    def calls(self) -> dict[str, str]:
        """Each module call's text by name (registry modules are not loaded: their
        calls are still the code's word on them)."""
        if self._calls is None:
            self._calls = {
                name: body
                for texts in (self.graph.sources or {}).values()
                for _, text in texts
                for name, body in _MODULE_CALL.findall(text)
            }
        return self._calls


def _read_root(graph: TerraformGraph, directory: str, found: _Collected) -> None:
    root = _Root(graph, _prefixes(graph, directory))
    if found.region is None:
        found.region = root_region(graph)
    if found.zones is None:
        found.zones = _zones(graph)
    for store in _stores(root, found.notes):
        found.stores.setdefault(store.name, store)
        root.stored.add(store.name)
    for queue in _queues(root, found.notes):
        found.queues.setdefault(queue.name, queue)
        root.stored.add(queue.name)
    for service in _services(root):
        found.services.setdefault(service.name, service)
    for alarm in _alarms(root, found):
        found.alarms.setdefault(alarm.name, alarm)


def _prefixes(graph: TerraformGraph, directory: str) -> tuple[str, ...]:
    """What generated names start with: the root's ``name`` (a local or a variable,
    ``tasklane-prod``), and that without its environment (``tasklane``)."""
    candidates: list[str] = []
    anything = [*graph.resources, *graph.providers]
    scope = anything[0].scope if anything else None
    while scope is not None and scope.caller is not None:  # up to the root module
        scope = scope.caller
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


def _call_name(resource: Resource) -> str:
    """A module's lone resource is named by its call, less the module's own name
    (``module.opensearch_search_index`` of modules/opensearch → ``search_index``)."""
    if not resource.scope.path:
        return resource.name
    call = resource.scope.path.rpartition(".")[2]
    kind = resource.scope.directory.name.replace("-", "_")
    return call.removeprefix(f"{kind}_") if call != kind else resource.name


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
    if raw is None:  # a for_each instance's key names it, else its module call or label
        key = re.search(r'\["([^"]+)"\]$', resource.address)
        raw = key.group(1) if key else _call_name(resource)
    short = _short(raw, root)
    root.named[resource.address.split("[")[0]] = short
    root.named[resource.address] = short
    return short


# --- region and zones ----------------------------------------------------------------------


def root_region(graph: TerraformGraph) -> tuple[str, Evidence] | None:
    for provider in graph.providers:
        if provider.address == "provider.aws":
            got = value(graph, provider, "region")
            if isinstance(got, str) and got:
                return got, _evidence(provider)
    for variable in graph.variables:
        named = variable.name in ("region", "aws_region") and not variable.scope.path
        if named and isinstance(variable.default, str):
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


def _stores(root: _Root, notes: list[str]) -> Iterator[FoundStore]:  # noqa: PLR0912
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
            notes.append(
                f"{r.address} ({_evidence(r)}): engine {engine!r} is not one the spec knows"
            )
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
            notes.append(
                f"{r.address} ({_evidence(r)}): engine {engine!r} is not one the spec knows"
            )
            continue
        instances = _counted(graph, members.get(r.address.split("[")[0], []))
        first = members.get(r.address.split("[")[0], [None])[0]
        yield FoundStore(
            name=_name(root, r, "cluster_identifier"),
            engine=mapped,
            evidence=_evidence(r),
            instance_class=_str(graph, first, "instance_class") if first else None,
            # an Aurora writer fails over to a reader in another AZ: two or more instances
            multi_az=instances >= 2 if instances else None,
            replicas=max(instances - 1, 0) if instances else None,
            backup_retention_days=_int(value(graph, r, "backup_retention_period")),
        )
    for r in _all(root, "aws_elasticache_replication_group", "aws_elasticache_cluster"):
        engine = _str(graph, r, "engine") or "redis"
        if engine not in _CACHE_ENGINES:
            notes.append(
                f"{r.address} ({_evidence(r)}): engine {engine!r} is not one the spec knows"
            )
            continue
        nodes = _int(value(graph, r, "num_cache_clusters")) or _int(
            value(graph, r, "num_cache_nodes")
        )
        multi = _bool(value(graph, r, "multi_az_enabled"))
        failover = _bool(value(graph, r, "automatic_failover_enabled"))
        yield FoundStore(
            name=_name(root, r, "replication_group_id", "cluster_id", "name"),
            engine="redis",
            evidence=_evidence(r),
            role="cache",
            instance_class=_str(graph, r, "node_type"),
            multi_az=multi if multi is not None else (failover if failover else (nodes or 0) >= 2),
            replicas=max(nodes - 1, 0) if nodes else None,
            backup_retention_days=_int(value(graph, r, "snapshot_retention_limit")),
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
            why = (
                "no static name"
                if short is None
                else "its name says it holds state, logs or artifacts"
            )
            notes.append(f"{r.address} ({_evidence(r)}): bucket not read as a data store ({why})")
            continue
        # S3 Standard keeps every object in at least three AZs (the S3 User Guide's
        # "Data protection"); One Zone classes are set per object, not read here
        yield FoundStore(
            name=_name(root, r, "bucket", "bucket_prefix"),
            engine="s3",
            evidence=_evidence(r),
            multi_az=True,
        )
    for r in _all(
        root,
        "aws_docdb_cluster",
        "aws_memorydb_cluster",
        "aws_redshift_cluster",
        "aws_neptune_cluster",
    ):
        notes.append(f"{r.address} ({_evidence(r)}): {r.type} is not an engine the spec knows")  # noqa: PERF401  (a generator's last step)


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

# Subscriptions that deliver to a person: a topic with only these notifies an on-call
# rota (an alerts topic whose alarms were removed still is one), no service consumes it.
_PEOPLE_PROTOCOLS = frozenset({"email", "email-json", "sms"})


def _topics_for_people(graph: TerraformGraph) -> set[str]:
    people: set[str] = set()
    services: set[str] = set()
    # A subscription with no instance counts: its addresses (alert_emails) are given at
    # apply time, so the code leaves the list empty and says only who reads the topic.
    absent = (r for r in graph.absent if r.type == "aws_sns_topic_subscription")
    for r in [*graph.of_type("aws_sns_topic_subscription"), *absent]:
        topics = graph.references(r.body.get("topic_arn"), r.scope)
        (people if r.body.get("protocol") in _PEOPLE_PROTOCOLS else services).update(topics)
    return people - services


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
        if "karpenter" in r.address:
            why = "Karpenter's interruption queue: the cluster's, not an application queue"
            notes.append(f"{r.address} ({_evidence(r)}): {why}")
            continue
        name = _name(root, r, "name", "name_prefix")
        yield FoundQueue(name, "sqs", _evidence(r), dead_letter="redrive_policy" in r.body)
    people = _topics_for_people(graph)
    for r in _all(root, "aws_sns_topic"):
        if r.address.split("[")[0] in alerting:
            notes.append(
                f"{r.address} ({_evidence(r)}): the alarms' topic, not an application queue"
            )
            continue
        if r.address.split("[")[0] in people:
            notes.append(
                f"{r.address} ({_evidence(r)}): only people subscribe (email/SMS), "
                "not an application queue"
            )
            continue
        yield FoundQueue(_name(root, r, "name"), "sns", _evidence(r))
    for r in _all(root, "aws_kinesis_stream"):
        yield FoundQueue(_name(root, r, "name"), "kinesis", _evidence(r))
    for r in _all(root, "aws_msk_cluster", "aws_msk_serverless_cluster"):
        yield FoundQueue(_name(root, r, "cluster_name"), "kafka", _evidence(r))


# --- services -------------------------------------------------------------------------------


def _services(root: _Root) -> Iterator[FoundService]:
    """Every service, then the calls and uses security-group rules and IAM policies say."""
    holders = _service_holders(root)
    found = [*_mapped_services(root, holders), *_plain_ecs(root, holders), *_lambdas(root)]
    links = _group_links(root) + _policy_links(root)
    names = {s.name for s in found}
    for service in found:
        calls = {link.target: link for link in service.calls}
        uses = {link.target: link for link in service.uses}
        for source, target, where in links:
            if source != service.name:
                continue
            if target in names and target != service.name:
                calls.setdefault(target, FoundLink(target, where))
            elif target in root.stored:
                uses.setdefault(target, FoundLink(target, where))
        yield replace(
            service,
            calls=tuple(calls[t] for t in sorted(calls)),
            uses=tuple(uses[t] for t in sorted(uses)),
        )


def _service_holders(root: _Root) -> list[Scope]:
    """Module instances given a ``services`` map that run ECS services (the module
    itself, or a caller of the one holding ``aws_ecs_service``)."""
    holders: dict[int, Scope] = {}
    for resource in root.graph.resources:
        if resource.type != "aws_ecs_service":
            continue
        current: Scope | None = resource.scope
        while current is not None and current.caller is not None:
            if isinstance(current.arguments.get("services"), dict):
                holders[id(current)] = current
                break
            current = current.caller
    return sorted(holders.values(), key=lambda s: s.path)


def _entries(holder: Scope) -> Iterator[tuple[str, dict[str, object]]]:
    services = holder.arguments["services"]
    if isinstance(services, dict):
        for key, entry in sorted(services.items()):
            if key not in _META and isinstance(entry, dict):
                yield key, entry


def _entry_evidence(root: _Root, holder: Scope, key: str) -> Evidence:
    """Where one entry of a module call's ``services`` map is written: the line of
    ``key = {`` after the call's own line (the call's line when it is not found)."""
    caller = holder.caller
    call = caller.origins.get(f"module.{holder.path.rpartition('.')[2]}", "") if caller else ""
    path, _, at = call.partition(":")
    start = int(at or 0)
    text = root.text(path)
    entry = re.compile(rf'^\s*"?{re.escape(key)}"?\s*=\s*\{{', re.MULTILINE)
    for number, line in enumerate(text.splitlines()[start:], start=start + 1):
        if entry.match(line):
            return Evidence(path, number)
    return Evidence(path, start)


def _mapped_services(root: _Root, holders: list[Scope]) -> Iterator[FoundService]:
    graph = root.graph
    for holder in holders:
        caller = holder.caller
        if caller is None:
            continue
        entries = dict(_entries(holder))
        evaluated = {key: graph.value(entry, caller) for key, entry in entries.items()}
        called: dict[str, list[str]] = {}
        for key, got in evaluated.items():
            listed = got.get("callers") if isinstance(got, dict) else None
            for name in listed if isinstance(listed, list) else []:
                if isinstance(name, str) and name in entries:
                    called.setdefault(name, []).append(_short(key, root))
        for key, entry in entries.items():
            got = evaluated[key]
            spec: Mapping[str, object] = got if isinstance(got, dict) else {}
            where = _entry_evidence(root, holder, key)
            name = _short(key, root)
            _own_groups(root, holder, key, name)
            port = _int(spec.get("port")) or _container_port(spec.get("container_definitions"))
            schedule = _unix_cron(_as_str(spec.get("schedule")))
            public = _public(root, entry, spec, caller)
            kind = _kind(schedule=schedule, public=public, port=port)
            if kind == "web" and _routed_under_api(root, entry, caller, key):
                kind = "api"
            yield FoundService(
                name=name,
                type=kind,
                evidence=where,
                public=public,
                port=port,
                protocol="http" if port else None,
                schedule=schedule,
                memory_mb=_int(spec.get("memory")),
                cpu=_cpu(spec.get("cpu")),
                health_check_path=_as_str(spec.get("health_check_path")),
                replicas=_first_int(spec, "min_tasks", "desired_count", "autoscaling_min_capacity"),
                max_replicas=_first_int(spec, "max_tasks", "autoscaling_max_capacity"),
                calls=tuple(FoundLink(c, where) for c in sorted(called.get(key, []))),
                uses=_uses(root, entry, caller, where),
                platform="ecs-fargate",
            )


def _kind(*, schedule: str | None, public: bool, port: int | None) -> str:
    """Terraform cannot tell a web front end from a public API: behind an
    internet-facing load balancer reads as web, a port without one as api."""
    if schedule:
        return "cron"
    if public:
        return "web"
    return "api" if port else "worker"


def _unix_cron(expression: str | None) -> str | None:
    """EventBridge's ``cron(m h dom mon dow year)`` as the spec's five cron fields: the
    year (when any) dropped, ``?`` read as ``*``, numbered weekdays moved from 1-7 to 0-6
    (EventBridge counts Sunday as 1). ``rate(...)`` and anything else is kept as written,
    for the spec's validation to name."""
    if expression is None:
        return None
    text = expression.strip()
    if text.startswith("cron(") and text.endswith(")"):
        text = text[5:-1]
    fields = text.split()
    if len(fields) != 6 or fields[5] != "*":
        return expression
    minute, hour, day, month, weekday, _ = (f.replace("?", "*") for f in fields)
    if re.fullmatch(r"[\d,\-/]+", weekday):
        weekday = re.sub(r"\d+", lambda m: str((int(m.group()) - 1) % 7), weekday)
    return f"{minute} {hour} {day} {month} {weekday}"


def _own_groups(root: _Root, holder: Scope, key: str, name: str) -> None:
    """A map entry's security groups: the holder's (or its modules') groups keyed by it."""
    for resource in root.graph.of_type("aws_security_group"):
        if resource.scope.path.startswith(holder.path):
            for instance in _instances(root.graph, resource):
                if instance.address.endswith(f'["{key}"]'):
                    root.guards[instance.address] = name


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
    if isinstance(definitions, dict):
        containers: list[object] = list(definitions.values())
    elif isinstance(definitions, list):
        containers = definitions
    else:
        return None
    for container in containers:
        mappings = container.get("portMappings") if isinstance(container, dict) else None
        for mapping in mappings if isinstance(mappings, list) else []:
            if isinstance(mapping, dict) and (port := _int(mapping.get("containerPort"))):
                return port
    return None


_MODULE_CALL = re.compile(r'module\s+"([\w-]+)"\s*\{(.*?)\n\}', re.DOTALL)
_INTERNAL = re.compile(r"^\s*internal\s*=\s*true\b", re.MULTILINE)


def _public(
    root: _Root, entry: Mapping[str, object], spec: Mapping[str, object], caller: Scope
) -> bool:
    """Behind a load balancer that is not internal: the generated trees'
    ``load_balanced`` or a ``load_balancer`` block, whose module (loaded, or a registry
    module read from its call) does not say ``internal = true``."""
    if spec.get("load_balanced") is not True and not spec.get("load_balancer"):
        return False
    text = _text(entry)
    for module in dict.fromkeys(re.findall(r"module\.([\w-]+)\.", text)):
        child = caller.modules.get(module)
        if child is not None:
            if any(
                r.type in ("aws_lb", "aws_alb") and r.scope is child for r in root.graph.resources
            ):
                internal = child.arguments.get("internal", False)
                return root.graph.value(internal, caller) is not True
            continue
        call = root.calls().get(module)
        if call is not None and ("load_balancer_type" in call or module in ("alb", "lb", "nlb")):
            return _INTERNAL.search(call) is None
    lbs = list(root.graph.of_type("aws_lb", "aws_alb"))
    return any(value(root.graph, lb, "internal") is not True for lb in lbs)


def _routed_under_api(root: _Root, entry: Mapping[str, object], caller: Scope, key: str) -> bool:
    """The load balancer the entry refers to forwards only ``/api`` paths to it (a
    listener rule's path patterns in the LB module's per-target map): an API behind the
    same front door as a web app, the one place Terraform says api rather than web."""
    for module in dict.fromkeys(re.findall(r"module\.([\w-]+)\.", _text(entry))):
        child = caller.modules.get(module)
        if child is None:
            continue
        for raw in child.arguments.values():
            got = root.graph.value(raw, caller) if isinstance(raw, dict) else None
            target = got.get(key) if isinstance(got, dict) else None
            patterns = target.get("path_patterns") if isinstance(target, dict) else None
            if isinstance(patterns, list) and patterns:
                return all(isinstance(p, str) and p.startswith("/api") for p in patterns)
    return False


def _uses(
    root: _Root, entry: Mapping[str, object], caller: Scope, where: Evidence
) -> tuple[FoundLink, ...]:
    """Stores and queues a map entry refers to (endpoints in its environment and
    secrets, the queue it scales on)."""
    found = {root.named[a] for a in _keyed_refs(root, entry, caller) if a in root.named}
    return tuple(FoundLink(n, where) for n in sorted(found & root.stored))


def _text(raw: object) -> str:
    """An attribute's source as one string (its expressions' quotes unescaped)."""
    return json.dumps(raw, default=str).replace('\\"', '"')


def _keyed_refs(root: _Root, raw: object, scope: Scope) -> set[str]:
    """The resources ``raw`` refers to, with the ``["key"]`` its text picks out of a
    ``for_each`` resource reached through a module output (``queue_urls["jobs"]``)."""
    text = _text(raw)
    keys = set(re.findall(r'\["([^"]+)"\]', text))
    found: set[str] = set()
    for address in root.graph.references(raw, scope):
        found.add(address)
        found |= {f'{address}["{k}"]' for k in keys}
    return found


def _indexed_refs(root: _Root, resource: Resource, raw: object) -> set[str]:
    """The resources one instance's attribute names, indexes included:
    ``aws_security_group.service[each.value.caller]`` with ``each`` bound is
    ``aws_security_group.service["app"]``. An attribute that is ``each.value`` of a
    ``for_each`` over a module variable is read from the caller's map entry."""
    graph = root.graph
    text = _text(raw)
    found = set(graph.references(raw, resource.scope))
    for local, index in re.findall(r"\b(aws_[a-z0-9_]+\.[\w-]+)\[([^\]]+)\]", text):
        key = graph.value(f"${{{index}}}", resource.scope)
        if isinstance(key, str | int):
            found.add(resource.scope.address(f'{local}["{key}"]'))
    if "each.value" in text and resource.scope.each is not None:
        source = _each_source(resource)
        if source is not None:
            found |= _keyed_refs(root, *source)
    return found


_EACH_OVER_VARIABLE = re.compile(r"^\$\{var\.([\w-]+)\}$")


def _each_source(instance: Resource) -> tuple[object, Scope] | None:
    each = instance.scope.each or {}
    over = _EACH_OVER_VARIABLE.match(str(instance.body.get("for_each", "")))
    module = instance.scope.instance_of or instance.scope
    if over is None or module.caller is None:
        return None
    given = module.arguments.get(over.group(1))
    key = each.get("key")
    if isinstance(given, dict) and isinstance(key, str) and key in given:
        return given[key], module.caller
    return None


_INGRESS = ("aws_vpc_security_group_ingress_rule", "aws_security_group_rule")
_EGRESS = ("aws_vpc_security_group_egress_rule",)


def _group_links(root: _Root) -> list[tuple[str, str, Evidence]]:
    """(from, to, where) for every security-group rule between two owned groups: an
    ingress rule lets its source reach its group, an egress rule its group reach the
    target; a group's inline ``ingress`` blocks likewise."""
    _store_groups(root)
    links: list[tuple[str, str, Evidence]] = []
    for rule in _all(root, *_INGRESS, *_EGRESS):
        if rule.type == "aws_security_group_rule" and value(root.graph, rule, "type") != "ingress":
            continue
        group = _owners(root, rule, rule.body.get("security_group_id"))
        other = _owners(
            root,
            rule,
            rule.body.get(
                "referenced_security_group_id", rule.body.get("source_security_group_id")
            ),
        )
        pairs = [(o, g) for o in other for g in group]
        if rule.type in _EGRESS:
            pairs = [(g, o) for o in other for g in group]
        links += [(a, b, _evidence(rule)) for a, b in pairs]
    for sg in _all(root, "aws_security_group"):
        owners = {root.guards[sg.address]} if sg.address in root.guards else set()
        for block in _blocks(sg, "ingress"):
            sources = _owners(root, sg, block.get("security_groups"))
            links += [(s, o, _evidence(sg)) for s in sources for o in owners]
    return links


def _owners(root: _Root, resource: Resource, raw: object) -> set[str]:
    if raw is None:
        return set()
    return {root.guards[a] for a in _indexed_refs(root, resource, raw) if a in root.guards}


_GROUP_KEYS = {
    "aws_db_instance": "vpc_security_group_ids",
    "aws_rds_cluster": "vpc_security_group_ids",
    "aws_elasticache_replication_group": "security_group_ids",
    "aws_elasticache_cluster": "security_group_ids",
    "aws_msk_cluster": "broker_node_group_info",
    "aws_opensearch_domain": "vpc_options",
}


def _store_groups(root: _Root) -> None:
    """The security groups guarding each found store (those its resource names)."""
    for resource in _all(root, *_GROUP_KEYS):
        name = root.named.get(resource.address) or root.named.get(resource.address.split("[")[0])
        if name is None:
            continue
        for address in _indexed_refs(root, resource, resource.body.get(_GROUP_KEYS[resource.type])):
            if "aws_security_group." in address:
                root.guards.setdefault(address, name)


def _policy_links(root: _Root) -> list[tuple[str, str, Evidence]]:
    """(service, store or queue, where) for each IAM policy attached to a service's
    role whose statements name the store's or queue's resource."""
    graph = root.graph
    links: list[tuple[str, str, Evidence]] = []
    for policy in _all(root, "aws_iam_role_policy", "aws_iam_role_policy_attachment"):
        roles = _indexed_refs(root, policy, policy.body.get("role"))
        services = {root.roles[r] for r in roles if r in root.roles}
        if not services:
            continue
        documents = _indexed_refs(
            root, policy, policy.body.get("policy", policy.body.get("policy_arn"))
        )
        named: set[str] = set()
        for address in documents:
            named |= _keyed_refs_at(root, address)
        targets = {root.named[a] for a in named if a in root.named} & root.stored
        links += [(s, t, _evidence(policy)) for s in services for t in targets]
    del graph
    return links


def _keyed_refs_at(root: _Root, address: str) -> set[str]:
    """What a policy (document) resource refers to, one step further for a policy
    whose ``policy`` is a document's JSON."""
    resource = root.graph.by_address(address)
    if resource is None:
        return set()
    found = _keyed_refs(root, resource.body, resource.scope)
    for inner in list(found):
        if inner.startswith(
            ("data.aws_iam_policy_document", f"{resource.scope.path}.data.aws_iam_policy_document")
        ):
            document = root.graph.by_address(inner)
            if document is not None:
                found |= _keyed_refs(root, document.body, document.scope)
    return found


def _plain_ecs(root: _Root, holders: list[Scope]) -> Iterator[FoundService]:
    """``aws_ecs_service`` resources outside a ``services`` map, named statically."""
    graph = root.graph
    inside = tuple(h.path for h in holders)
    for service in _all(root, "aws_ecs_service"):
        if inside and service.scope.path.startswith(inside):
            continue
        raw_name = _str(graph, service, "name")
        if raw_name is None:
            continue
        name = _short(raw_name, root)
        task = next(
            (
                graph.by_address(a)
                for a in sorted(_indexed_refs(root, service, service.body.get("task_definition")))
                if a.split("[")[0].rpartition(".")[0].endswith("aws_ecs_task_definition")
                and graph.by_address(a) is not None
            ),
            None,
        )
        for block in _blocks(service, "network_configuration"):
            for address in _indexed_refs(root, service, block.get("security_groups")):
                root.guards.setdefault(address, name)
        balanced = _blocks(service, "load_balancer")
        public = bool(balanced) and _balanced_publicly(root, service, balanced)
        port = None
        if task is not None:
            role = task.body.get("task_role_arn")
            for address in _indexed_refs(root, task, role):
                root.roles.setdefault(address, name)
            port = _container_port(_decoded(value(graph, task, "container_definitions")))
        if port is None and balanced:
            port = _int(graph.value(balanced[0].get("container_port"), service.scope))
        yield FoundService(
            name=name,
            type=_kind(schedule=None, public=public, port=port),
            evidence=_evidence(service),
            public=public,
            port=port,
            protocol="http" if port else None,
            replicas=_int(value(graph, service, "desired_count")),
            memory_mb=_int(value(graph, task, "memory")) if task else None,
            cpu=_cpu(value(graph, task, "cpu")) if task else None,
            platform="ecs-fargate",
        )


def _decoded(got: object) -> object:
    if isinstance(got, str):
        try:
            return json.loads(got)
        except ValueError:
            return None
    return got


def _balanced_publicly(root: _Root, service: Resource, blocks: list[dict[str, object]]) -> bool:
    """Whether a load_balancer block's target group is served by an internet-facing
    load balancer (through its listeners)."""
    graph = root.graph
    groups: set[str] = set()
    for block in blocks:
        groups |= _indexed_refs(root, service, block.get("target_group_arn"))
    for listener in graph.of_type("aws_lb_listener", "aws_alb_listener", "aws_lb_listener_rule"):
        if groups & graph.references(listener.body, listener.scope):
            for lb in graph.references(listener.body, listener.scope):
                found = graph.by_address(lb)
                if found is not None and found.type in ("aws_lb", "aws_alb"):
                    return value(graph, found, "internal") is not True
    return False


def _blocks(resource: Resource, name: str) -> list[dict[str, object]]:
    got = resource.body.get(name)
    if isinstance(got, dict):
        return [got]
    return [b for b in got if isinstance(b, dict)] if isinstance(got, list) else []


def _schedules(root: _Root) -> dict[str, str]:
    """Function address → the schedule expression of the EventBridge rule targeting it."""
    graph = root.graph
    scheduled: dict[str, str] = {}
    for target in _all(root, "aws_cloudwatch_event_target"):
        for rule_address in graph.references(target.body.get("rule"), target.scope):
            rule = graph.by_address(rule_address)
            expression = _str(graph, rule, "schedule_expression") if rule else None
            if expression:
                for called in graph.references(target.body.get("arn"), target.scope):
                    scheduled[called] = expression
    return scheduled


def _lambdas(root: _Root) -> Iterator[FoundService]:
    """Functions: an SQS (or stream) event source makes a worker, a schedule rule a
    cron, an API Gateway integration, load balancer target or function URL an api."""
    graph = root.graph
    triggered: set[str] = set()
    for mapping in _all(root, "aws_lambda_event_source_mapping"):
        triggered |= graph.references(mapping.body.get("function_name"), mapping.scope)
    scheduled = _schedules(root)
    fronted: set[str] = set()
    for resource in graph.of_type(
        "aws_lambda_function_url",
        "aws_apigatewayv2_integration",
        "aws_api_gateway_integration",
        "aws_lb_target_group_attachment",
    ):
        fronted |= graph.references(resource.body, resource.scope)
    for fn in _all(root, "aws_lambda_function"):
        address = fn.address.split("[")[0]
        schedule = _unix_cron(scheduled.get(address))
        if schedule:
            kind = "cron"
        elif address in fronted and address not in triggered:
            kind = "api"
        else:
            kind = "worker"
        name = _name(root, fn, "function_name")
        for role in _indexed_refs(root, fn, fn.body.get("role")):
            root.roles.setdefault(role, name)
        for block in _blocks(fn, "vpc_config"):
            for group in _indexed_refs(root, fn, block.get("security_group_ids")):
                root.guards.setdefault(group, name)
        yield FoundService(
            name=name,
            type=kind,
            evidence=_evidence(fn),
            public=kind == "api",
            schedule=schedule,
            memory_mb=_int(value(graph, fn, "memory_size")),
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
            target = next(
                (n for n in sorted(names, key=len, reverse=True) if name.startswith(f"{n}-")), None
            )
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
