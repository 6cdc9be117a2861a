"""Terraform of the data tier: stores, their cross-region copies, queues, streams and
brokers, each as the environment runs it."""

from __future__ import annotations

from collections.abc import Iterator

from infra_architect.engine import Design, EnvironmentSizing, QueuePlan, StorePlan, StoreSize
from infra_architect.errors import UnbuildableDesignError
from infra_architect.render._hcl import (
    Attr,
    Blank,
    Block,
    Comment,
    Expr,
    Item,
    Value,
)
from infra_architect.render._names import (
    queue_module,
    snake,
    store_module,
)
from infra_architect.render._tf_common import (
    Skips,
    _copied,
    _is_eks,
    _messaging_queues,
    _module,
    _standby,
    _tags,
    search_domain_name,
)


def _clients(design: Design, store: str) -> dict[str, Value]:
    """Client name → security group of the services using a store or broker; the names are
    static so the rules plan before the groups exist."""
    if _is_eks(design):
        return {"eks-nodes": Expr("module.eks.cluster_security_group_id")}
    users = sorted(s.name for s in design.compute.services if store in s.uses)
    return {u: Expr(f'module.ecs.security_group_ids["{u}"]') for u in users}


def _store(design: Design, env: EnvironmentSizing, store: StorePlan) -> Block:
    size = env.store(store.name)
    ident = Expr(f'"${{local.name}}-{store.name}"')
    common_network: list[Item] = [
        Attr("vpc_id", Expr("module.vpc.vpc_id")),
        Attr("subnet_ids", Expr("module.vpc.data_subnet_ids")),
        Attr("allowed_security_groups", _clients(design, store.name)),
    ]
    kms = Attr("kms_key_arn", Expr("module.security.kms_key_arn"))
    retention = Attr("log_retention_days", design.observability.log_retention_days)
    body: list[Item]
    skips: Skips = ()
    if store.kind == "rds":
        body = [
            Attr("identifier", ident),
            *_rds_instance(store, size),
            Attr("multi_az", size.multi_az),
            Attr("read_replicas", size.read_replicas),
            Attr("database_name", snake(store.name)),
            Attr("port", store.port),
            Blank(),
            *common_network,
            kms,
            Blank(),
            Attr("backup_retention_days", size.backup_retention_days),
            Attr("deletion_protection", env.deletion_protection),
            Attr("skip_final_snapshot", not env.deletion_protection),
            retention,
        ]
    elif store.kind == "aurora":
        body = [
            Attr("identifier", ident),
            *_aurora_cluster(store, size),
            Attr("database_name", snake(store.name)),
            Attr("port", store.port),
        ]
        if _copied(env, store):
            body.append(Attr("create_global_cluster", value=True))
        body += [
            Blank(),
            *common_network,
            kms,
            Blank(),
            Attr("backup_retention_days", size.backup_retention_days),
            Attr("deletion_protection", env.deletion_protection),
            Attr("skip_final_snapshot", not env.deletion_protection),
            retention,
        ]
    elif store.kind == "elasticache":
        body = [
            Attr("name", ident),
            Attr("node_type", size.instance_class),
            Attr("num_cache_clusters", size.nodes),
            Attr("port", store.port),
            Blank(),
            *common_network,
            kms,
            Blank(),
            Attr("snapshot_retention_days", size.backup_retention_days),
            retention,
        ]
    elif store.kind == "memorydb":
        body = [
            Attr("name", ident),
            Attr("node_type", size.instance_class),
            # MemoryDB's replicas are per shard; the environment's nodes hold them all.
            Attr("shards", size.shards),
            Attr("replicas_per_shard", size.read_replicas),
            Attr("port", store.port),
            Blank(),
            *common_network,
            kms,
            Blank(),
            Attr("snapshot_retention_days", size.backup_retention_days),
            Attr("final_snapshot", env.deletion_protection),
            Attr("alarm_topic_arn", Expr("module.observability.alert_topic_arn")),
        ]
    elif store.kind == "opensearch":
        if size.zones is None:
            raise UnbuildableDesignError(f"OpenSearch {store.name} without its zones")
        body = [
            Attr("domain_name", Expr(search_domain_name(store.name))),
            Attr("instance_type", size.instance_class),
            Attr("instance_count", size.nodes),
            Attr("availability_zones", size.zones.whole),
            Attr("volume_size_gb", size.volume_gb_per_node),
            Attr(
                "client_role_arns",
                [
                    Expr(f'module.security.service_role_arns["{service}"]')
                    for service in design.security.callers(store.name)
                ],
            ),
            Blank(),
            *common_network,
            kms,
            retention,
        ]
    elif store.kind == "s3":
        expires = store.storage.expiration_days if store.storage is not None else None
        body = [
            Attr("bucket", ident),
            kms,
            Attr("noncurrent_version_expiration_days", store.backup_retention_days),
            Attr(
                "transitions",
                [{"days": t.after_days, "storage_class": t.storage_class} for t in store.lifecycle],
            ),
            *([Attr("expiration_days", expires)] if expires is not None else []),
            Attr("access_log_bucket", Expr("module.s3_logs.bucket_id")),
            Attr("force_destroy", not env.deletion_protection),
        ]
        if _copied(env, store):
            replica = f"module.{store_module(store)}_recovery"
            body += [
                Blank(),
                Attr("enable_replication", value=True),
                Attr("replication_destination_bucket_arn", Expr(f"{replica}.bucket_arn")),
                Attr(
                    "replication_destination_kms_key_arn",
                    Expr("module.security_recovery.kms_key_arn"),
                ),
            ]
        else:
            skips = (("CKV_AWS_144", _no_replication_reason(design, env, store)),)
    else:
        body = [Attr("name", ident), kms, Attr("deletion_protection", env.deletion_protection)]
    body = [Comment(f"{size.why}."), *body]
    body += [Blank(), _tags()]
    return _module(store_module(store), store.kind, body, skips=skips)


def _engine_version(store: StorePlan) -> tuple[str, str]:
    if store.engine_version is None:
        msg = f"no engine version for {store.name} in the design"
        raise UnbuildableDesignError(msg)
    return store.engine_version.version, store.engine_version.parameter_group_family


def _rds_storage_gb(size: StoreSize) -> tuple[int, int]:
    """Allocated gp3 storage and its autoscaling ceiling, as the design sized (and the
    bill prices) them."""
    if size.allocated_gb is None or size.max_allocated_gb is None:
        msg = f"RDS storage of {size.name} not sized by the design"
        raise UnbuildableDesignError(msg)
    return size.allocated_gb, size.max_allocated_gb


def _rds_instance(store: StorePlan, size: StoreSize) -> list[Item]:
    """Engine, class and storage of an RDS instance, the same for a primary and its
    cross-region replica; storage autoscales up to the design's ceiling (the storage
    forecast with headroom); gp3 IOPS and throughput are set only where the load
    passes the baseline."""
    version, family = _engine_version(store)
    storage, ceiling = _rds_storage_gb(size)
    items: list[Item] = [
        Attr("engine", store.engine),
        Attr("engine_version", version),
        Attr("parameter_group_family", family),
        Attr("instance_class", size.instance_class),
        Attr("allocated_storage", storage),
        Attr("max_allocated_storage", ceiling),
    ]
    if size.iops is not None:
        items += [Attr("iops", size.iops), Attr("storage_throughput", size.storage_throughput)]
    return items


def _aurora_cluster(store: StorePlan, size: StoreSize) -> list[Item]:
    """Engine, class, instance count and storage configuration of an Aurora cluster."""
    version, family = _engine_version(store)
    return [
        Attr("engine", store.engine),
        Attr("engine_version", version),
        Attr("parameter_group_family", family),
        Attr("instance_class", size.instance_class),
        Attr("instances", size.instances),
        Attr("io_optimized", store.io_optimized),
    ]


def _no_replication_reason(design: Design, env: EnvironmentSizing, store: StorePlan) -> str:
    if store.recovery == "bucket-replication":
        return (
            f"{env.name} holds no data that must survive a region loss; prod replicates "
            f"this bucket to {design.data.recovery_region}."
        )
    return (
        f"The design keeps {store.name} in one region: {store.cross_region}. The recovery "
        f"strategy ({design.constraints.recovery.strategy}) does not copy it."
    )


def _store_recovery(design: Design, env: EnvironmentSizing, store: StorePlan) -> Block:
    size = env.store(store.name)
    module = store_module(store)
    kms = Attr("kms_key_arn", Expr("module.security_recovery.kms_key_arn"))
    retention = Attr("log_retention_days", design.observability.log_retention_days)
    if store.recovery == "bucket-replication":
        body: list[Item] = [
            Attr("bucket", Expr(f'"${{local.name}}-{store.name}-${{var.recovery_region}}"')),
            kms,
            Attr("noncurrent_version_expiration_days", store.backup_retention_days),
            Attr("enable_access_logging", value=False),
            Attr("force_destroy", not env.deletion_protection),
            Blank(),
            _tags(),
        ]
        replica_skips: Skips = (
            (
                "CKV_AWS_144",
                (
                    "This bucket is the cross-region replica; replicating it onwards would only "
                    "copy the copy."
                ),
            ),
            (
                "CKV_AWS_18",
                (
                    "Only S3 replication writes here (CloudTrail records it); server access "
                    "logging is switched on by the DR runbook when clients fail over to this "
                    "bucket."
                ),
            ),
        )
        return _module(f"{module}_recovery", "s3", body, skips=replica_skips, provider="recovery")
    if store.recovery == "global-database":
        return _module(
            f"{module}_recovery",
            "aurora",
            [
                Comment(
                    f"{store.name}: the Global Database's secondary cluster, one instance; "
                    "the DR runbook promotes it (switchover or failover)."
                ),
                Attr("identifier", Expr(f'"${{local.name}}-{store.name}-recovery"')),
                *[
                    a
                    for a in _aurora_cluster(store, size)
                    if not (isinstance(a, Attr) and a.name == "instances")
                ],
                Attr("instances", 1),
                Attr("global_cluster_identifier", Expr(f"module.{module}.global_cluster_id")),
                Attr("database_name", snake(store.name)),
                Attr("port", store.port),
                Blank(),
                Attr("vpc_id", Expr("module.vpc_recovery.vpc_id")),
                Attr("subnet_ids", Expr("module.vpc_recovery.data_subnet_ids")),
                Attr("allowed_security_groups", _standby_clients(design, env, store.name)),
                kms,
                Blank(),
                Attr("backup_retention_days", size.backup_retention_days),
                Attr("deletion_protection", env.deletion_protection),
                Attr("skip_final_snapshot", value=True),
                retention,
                Blank(),
                _tags(),
            ],
            provider="recovery",
        )
    if store.recovery == "backup-replication":
        return Block(
            "resource",
            ("aws_db_instance_automated_backups_replication", snake(store.name)),
            (
                Comment(
                    f"{store.name}: automated backups and transaction logs copied to the "
                    "recovery region; a restore there is the DR runbook's first step."
                ),
                Attr("provider", Expr("aws.recovery")),
                Blank(),
                Attr("source_db_instance_arn", Expr(f"module.{module}.instance_arn")),
                Attr("kms_key_id", Expr("module.security_recovery.kms_key_arn")),
                Attr("retention_period", size.backup_retention_days),
            ),
        )
    body = [
        Attr("identifier", Expr(f'"${{local.name}}-{store.name}-recovery"')),
        Attr("replicate_source_db", Expr(f"module.{module}.instance_arn")),
        *_rds_instance(store, size),
        Attr("multi_az", value=False),
        Attr("database_name", snake(store.name)),
        Attr("port", store.port),
        Blank(),
        Attr("vpc_id", Expr("module.vpc_recovery.vpc_id")),
        Attr("subnet_ids", Expr("module.vpc_recovery.data_subnet_ids")),
        Attr("allowed_security_groups", {}),
        kms,
        Blank(),
        Attr("backup_retention_days", size.backup_retention_days),
        Attr("deletion_protection", env.deletion_protection),
        Attr("skip_final_snapshot", value=True),
        retention,
        Blank(),
        _tags(),
    ]
    skips = (
        (
            "CKV_AWS_157",
            (
                "Pilot-light standby of the primary: it only receives replication until "
                "the DR runbook promotes it and turns Multi-AZ on."
            ),
        ),
    )
    return _module(f"{module}_recovery", "rds", body, skips=skips, provider="recovery")


def _messaging(design: Design, env: EnvironmentSizing) -> Block:
    queues: dict[str, Value] = {}
    topics: dict[str, Value] = {}
    streams: dict[str, Value] = {}
    for queue in _messaging_queues(design):
        queues.update(_queue_specs(queue))
        if queue.engine == "sns":
            topics[queue.name] = {
                "subscriber_queues": [f"{queue.name}-{c}" for c in sorted(queue.consumers)]
            }
        if queue.engine == "kinesis":
            streams[queue.name] = _stream_spec(queue, env)
    body: list[Item] = [
        Attr("name", Expr("local.name")),
        Attr("kms_key_arn", Expr("module.security.kms_key_arn")),
        Blank(),
        Attr("queues", queues),
        Attr("topics", topics),
        Attr("streams", streams),
        Blank(),
        _tags(),
    ]
    return _module("messaging", "messaging", body)


def _stream_spec(queue: QueuePlan, env: EnvironmentSizing) -> dict[str, Value]:
    """A Kinesis stream as this environment runs it: on-demand, or its provisioned shards."""
    size = env.queue(queue.name)
    sizing = queue.sizing
    if size is None or sizing is None:
        msg = f"stream {queue.name} without its sizing"
        raise UnbuildableDesignError(msg)
    spec: dict[str, Value] = {"retention_hours": sizing.retention_whole_hours}
    if size.mode == "provisioned":
        spec["stream_mode"] = "PROVISIONED"
        spec["shard_count"] = size.partitions
    else:
        spec["stream_mode"] = "ON_DEMAND"
    return spec


def _broker(design: Design, env: EnvironmentSizing, queue: QueuePlan) -> Block:
    """A Kafka cluster (MSK) or a RabbitMQ broker (Amazon MQ) as this environment runs it."""
    size = env.queue(queue.name)
    sizing = queue.sizing
    if size is None or sizing is None or queue.port is None or size.zones > env.availability_zones:
        msg = f"broker {queue.name} without its sizing or port, or beyond {env.name}'s AZs"
        raise UnbuildableDesignError(msg)
    network: list[Item] = [
        Attr("vpc_id", Expr("module.vpc.vpc_id")),
        Attr("subnet_ids", Expr(_broker_subnets(size.zones))),
        Attr("allowed_security_groups", _clients(design, queue.name)),
        Attr("port", queue.port),
        Attr("kms_key_arn", Expr("module.security.kms_key_arn")),
    ]
    name = Expr(f'"${{local.name}}-{queue.name}"')
    if queue.engine == "kafka":
        body: list[Item] = [Comment(f"{size.why}."), Attr("name", name)]
        if size.mode == "serverless":
            body.append(Attr("serverless", value=True))
        else:
            body += [
                Attr("instance_type", size.instance_class),
                Attr("broker_count", size.brokers),
                Attr("volume_size_gb", size.volume_gb_per_broker),
            ]
        body += [
            Attr("replication_factor", size.replication_factor),
            Attr("min_insync_replicas", size.min_insync_replicas),
            Attr("partitions", size.partitions),
            Attr("retention_hours", sizing.retention_whole_hours),
            Attr("topic", queue.name),
            Attr("consumer_groups", sorted(queue.consumers)),
            Blank(),
            *network,
            Attr("log_retention_days", design.observability.log_retention_days),
            Blank(),
            _tags(),
        ]
        return _module(queue_module(queue), "msk", body)
    deployment = "CLUSTER_MULTI_AZ" if size.mode == "cluster" else "SINGLE_INSTANCE"
    body = [
        Comment(f"{size.why}."),
        Attr("name", name),
        Attr("instance_type", size.instance_class),
        Attr("deployment_mode", deployment),
        Blank(),
        *network,
        Attr("secret_recovery_window_days", env.recovery_window_days),
        Blank(),
        _tags(),
    ]
    skips: Skips = (
        (
            "CKV_AWS_209",
            (
                "Amazon MQ for RabbitMQ encrypts at rest only with a key Amazon MQ owns; it "
                "takes no customer-managed key (the credentials secret is under the "
                "environment's key)."
            ),
        ),
    )
    return _module(queue_module(queue), "mq", body, skips=skips)


def _broker_subnets(zones: int) -> str:
    """The data subnets of the AZs the brokers span (the first ``zones``)."""
    return f"slice(module.vpc.data_subnet_ids, 0, {zones})"


def _queue_specs(queue: QueuePlan) -> Iterator[tuple[str, dict[str, Value]]]:
    spec: dict[str, Value] = {
        "max_receive_count": queue.max_receive_count,
        "enable_dead_letter": queue.dead_letter,
    }
    if queue.engine == "sqs":
        yield queue.name, spec
    elif queue.engine == "sns":
        for consumer in sorted(queue.consumers):
            yield f"{queue.name}-{consumer}", spec


def _standby_clients(design: Design, env: EnvironmentSizing, store: str) -> dict[str, Value]:
    """The standby's services that use a store copy, by their recovery-region groups."""
    if _standby(design, env) is None:
        return {}
    return {
        name: Expr(value.text.replace("module.ecs.", "module.ecs_recovery."))
        if isinstance(value, Expr)
        else value
        for name, value in _clients(design, store).items()
    }
