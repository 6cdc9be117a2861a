"""What Kubernetes needs from Terraform, and where each value comes from.

Some values exist only once Terraform has applied (a database endpoint, the ARN of an
RDS-managed secret, the WAF ACL). Each is one binding: an environment-variable name the
workloads read, the Terraform expression that produces it, and what it is. The
Terraform environment root prints every binding as one ``KEY=value`` document
(``terraform output -raw kubernetes_infrastructure_env``); the Kubernetes overlay reads
that file (``infrastructure.env``) into a ConfigMap the pods load and the kustomize
replacements copy from. One list feeds both sides, so they cannot drift apart. ECS tasks
get the same values of the stores they use in their environment (and read the secrets
those values name through the task definition's secrets).
"""

from __future__ import annotations

from dataclasses import dataclass

from infra_architect.engine import Design, QueuePlan, StorePlan
from infra_architect.render._names import queue_module, store_module

PENDING = "pending-terraform-apply"
"""What ``infrastructure.env`` holds for a value until Terraform has produced it."""


@dataclass(frozen=True)
class Binding:
    key: str
    expression: str
    description: str
    secret_arn: bool = False
    """The value names a secret (the workload reads the secret, not this value)."""


def env_key(name: str) -> str:
    """``orders-db`` → ``ORDERS_DB``."""
    return name.upper().replace("-", "_")


_ENDPOINT = {
    "rds": ("ENDPOINT", "endpoint", "host:port of the primary"),
    "aurora": ("ENDPOINT", "endpoint", "host:port of the cluster's writer endpoint"),
    "elasticache": ("ENDPOINT", "primary_endpoint", "primary endpoint (TLS)"),
    "memorydb": ("ENDPOINT", "endpoint", "cluster endpoint (TLS, cluster mode)"),
    "opensearch": ("ENDPOINT", "endpoint", "domain endpoint (HTTPS)"),
    "s3": ("BUCKET", "bucket_id", "bucket name"),
    "dynamodb": ("TABLE", "table_name", "table name"),
}


_SECRET = {
    "rds": ("master_user_secret_arn", "RDS-managed master secret (username, password)"),
    "aurora": ("master_user_secret_arn", "RDS-managed master secret (username, password)"),
}

# ElastiCache has no password: the client signs an IAM token as this user.
_USER = {
    "elasticache": ("user_name", "user to AUTH as with an IAM token the role signs"),
    "memorydb": ("user_name", "user to AUTH as with an IAM token the role signs"),
}


def store_bindings(store: StorePlan) -> list[Binding]:
    """What a workload needs to reach one store: where it is, and as whom."""
    if store.kind not in _ENDPOINT:
        return []
    suffix, output, what = _ENDPOINT[store.kind]
    module = store_module(store)
    prefix = env_key(store.name)
    out = [Binding(f"{prefix}_{suffix}", f"module.{module}.{output}", f"{store.name}: {what}")]
    if store.kind in _USER:
        output, what = _USER[store.kind]
        out.append(Binding(f"{prefix}_USER", f"module.{module}.{output}", f"{store.name}: {what}"))
    if store.kind in _SECRET:
        output, what = _SECRET[store.kind]
        out.append(
            Binding(f"{prefix}_SECRET_ARN", f"module.{module}.{output}", what, secret_arn=True)
        )
    return out


def infrastructure_bindings(design: Design) -> list[Binding]:
    """Every value the Kubernetes overlays take from Terraform, in a stable order."""
    out: list[Binding] = []
    if any(s.public for s in design.compute.services):
        out.append(
            Binding(
                "CERTIFICATE_ARN",
                # the certificate Terraform issues for the spec's domain, else the input
                "module.dns.certificate_arn" if design.dns.domains else "var.certificate_arn",
                "ACM certificate of the HTTPS listener",
            )
        )
    if design.network.waf:
        out.append(
            Binding("WAF_ACL_ARN", "module.waf.arn", "WAF web ACL the ALB is associated with")
        )
    for store in design.data.stores:
        out.extend(store_bindings(store))
    for queue in design.data.queues:
        out.extend(queue_bindings(queue))
    return out


def queue_bindings(queue: QueuePlan) -> list[Binding]:
    """What a workload needs to reach one queue, topic, stream or broker."""
    prefix = env_key(queue.name)
    if queue.engine == "sqs":
        return [
            Binding(
                f"{prefix}_QUEUE_URL",
                f'module.messaging.queue_urls["{queue.name}"]',
                f"{queue.name}: queue URL",
            )
        ]
    if queue.engine == "sns":
        return [
            Binding(
                f"{prefix}_TOPIC_ARN",
                f'module.messaging.topic_arns["{queue.name}"]',
                f"{queue.name}: topic ARN",
            )
        ]
    if queue.engine == "kinesis":
        return [
            Binding(
                f"{prefix}_STREAM_NAME",
                f'module.messaging.stream_names["{queue.name}"]',
                f"{queue.name}: stream name",
            )
        ]
    module = f"module.{queue_module(queue)}"
    if queue.engine == "kafka":
        return [
            Binding(
                f"{prefix}_BOOTSTRAP_BROKERS",
                f"{module}.bootstrap_brokers",
                f"{queue.name}: bootstrap brokers (IAM authentication over TLS)",
            ),
            Binding(f"{prefix}_TOPIC", f"{module}.topic", f"{queue.name}: topic"),
            Binding(
                f"{prefix}_PARTITIONS",
                f"{module}.partitions",
                f"{queue.name}: partitions the producers create the topic with",
            ),
            Binding(
                f"{prefix}_REPLICATION_FACTOR",
                f"{module}.replication_factor",
                f"{queue.name}: replication factor the producers create the topic with",
            ),
        ]
    return [
        Binding(f"{prefix}_ENDPOINT", f"{module}.endpoint", f"{queue.name}: AMQPS endpoint"),
        Binding(
            f"{prefix}_SECRET_ARN",
            f"{module}.secret_arn",
            f"{queue.name}: broker user (username, password)",
            secret_arn=True,
        ),
    ]
