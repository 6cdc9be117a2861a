"""IA-TF-008: storage without encryption at rest."""

from __future__ import annotations

from collections.abc import Iterator

from infra_architect.iac import TerraformGraph, blocks, is_read_replica, nested, value
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules.terraform._helpers import finding

META = RuleMeta(
    id="IA-TF-008",
    title="Unencrypted storage",
    severity=Severity.HIGH,
    rationale="Snapshots, replicas and disks of unencrypted stores can be copied or shared "
    "in the clear; encryption cannot be turned on later without a migration.",
    remediation="storage_encrypted / at_rest_encryption_enabled / encrypted = true with a "
    "customer-managed KMS key.",
    references=(
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html",
        "https://docs.aws.amazon.com/documentdb/latest/developerguide/encryption-at-rest.html",
        "https://docs.aws.amazon.com/neptune/latest/userguide/encrypt.html",
    ),
)

# resource type -> (attribute, value when the attribute is absent)
_FLAGS = {
    "aws_db_instance": ("storage_encrypted", False),
    "aws_rds_cluster": ("storage_encrypted", False),
    "aws_elasticache_replication_group": ("at_rest_encryption_enabled", False),
    "aws_ebs_volume": ("encrypted", False),
    "aws_efs_file_system": ("encrypted", False),
    "aws_redshift_cluster": ("encrypted", False),
    "aws_neptune_cluster": ("storage_encrypted", False),
    "aws_docdb_cluster": ("storage_encrypted", False),
}


def check(graph: TerraformGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    yield from _flagged(graph)
    yield from _others(graph)


def _flagged(graph: TerraformGraph) -> Iterator[Finding]:
    for rtype, (attribute, absent) in sorted(_FLAGS.items()):
        for resource in graph.of_type(rtype):
            if rtype == "aws_db_instance" and is_read_replica(graph, resource):
                continue  # a replica inherits the source's encryption
            if value(graph, resource, attribute, default=absent) is False:
                yield finding(META, resource, f"{resource.address}: {attribute} is off")


def _others(graph: TerraformGraph) -> Iterator[Finding]:
    for domain in graph.of_type("aws_opensearch_domain", "aws_elasticsearch_domain"):
        at_rest = list(nested(domain, "encrypt_at_rest"))
        if not at_rest or any(
            graph.value(b.get("enabled"), domain.scope) is False for b in at_rest
        ):
            yield finding(META, domain, f"{domain.address}: encrypt_at_rest is off")
    for queue in graph.of_type("aws_sqs_queue"):
        if (
            value(graph, queue, "sqs_managed_sse_enabled") is False
            and "kms_master_key_id" not in queue.body
        ):
            yield finding(META, queue, f"{queue.address}: server-side encryption is off")
    for stream in graph.of_type("aws_kinesis_stream"):
        if value(graph, stream, "encryption_type", default="NONE") == "NONE":
            yield finding(META, stream, f"{stream.address}: encryption_type is NONE")
    for template in graph.of_type("aws_launch_template"):
        for mapping in nested(template, "block_device_mappings"):
            for ebs in blocks(mapping, "ebs"):
                if graph.value(ebs.get("encrypted", False), template.scope) is False:
                    yield finding(META, template, f"{template.address}: a volume is not encrypted")
