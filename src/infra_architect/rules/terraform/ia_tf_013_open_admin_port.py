"""IA-TF-013: a security group open to the internet on an administration or data port."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from infra_architect.iac import Resource, TerraformGraph, nested
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules.terraform._helpers import finding

META = RuleMeta(
    id="IA-TF-013",
    title="Security group open to the internet on an admin or data port",
    severity=Severity.HIGH,
    rationale="SSH, RDP and database or cache ports open to 0.0.0.0/0 (or ::/0) are "
    "found by internet-wide scanners within minutes and brute-forced or exploited "
    "through the service's own CVEs; nothing but the service's login stands in the way.",
    remediation="Admit these ports from the VPC's or the office's CIDRs or from other "
    "security groups only; reach hosts through SSM Session Manager or a bastion.",
    references=(
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-13",
    ),
)

PORTS = {
    22: "SSH",
    23: "Telnet",
    445: "SMB",
    1433: "SQL Server",
    1521: "Oracle",
    2375: "Docker API",
    2379: "etcd",
    3306: "MySQL",
    3389: "RDP",
    5432: "PostgreSQL",
    5601: "Kibana",
    5984: "CouchDB",
    6379: "Redis",
    9042: "Cassandra",
    9200: "Elasticsearch",
    9300: "Elasticsearch",
    11211: "Memcached",
    27017: "MongoDB",
}
"""Ports whose service should never face the internet, and the service."""
_ANYWHERE = ("0.0.0.0/0", "::/0")
_ALL_PROTOCOLS = ("-1", "all", -1)


def _ports(protocol: object, low: object, high: object) -> list[int]:
    """The listed ports a rule opens: all for every protocol, else the known range's."""
    if protocol in _ALL_PROTOCOLS:
        return sorted(PORTS)
    if str(protocol).lower() not in ("tcp", "6", "udp", "17"):
        return []  # icmp and the like: no port
    if not isinstance(low, int) or not isinstance(high, int):
        return []  # unknown range: never guessed
    return [port for port in sorted(PORTS) if low <= port <= high]


def _open(graph: TerraformGraph, rule: Mapping[str, object], resource: Resource) -> list[int]:
    """The listed ports an ingress rule (an inline block or a rule resource's body)
    opens to anywhere; none when its sources are unknown."""
    sources: list[object] = []
    for key in ("cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6"):
        found = graph.value(rule.get(key), resource.scope)
        sources += found if isinstance(found, list) else [found]
    if not any(source in _ANYWHERE for source in sources):
        return []
    protocol = graph.value(rule.get("protocol", rule.get("ip_protocol")), resource.scope)
    low = graph.value(rule.get("from_port"), resource.scope)
    high = graph.value(rule.get("to_port"), resource.scope)
    return _ports(protocol, low, high)


def _report(resource: Resource, ports: set[int]) -> Finding:
    listed = sorted(ports)
    named = ", ".join(f"{port} ({PORTS[port]})" for port in listed[:4])
    if len(listed) > 4:
        named += f" and {len(listed) - 4} more admin and data ports"
    return finding(META, resource, f"{resource.address} admits the internet on {named}")


def check(graph: TerraformGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    for group in graph.of_type("aws_security_group"):
        ports = {p for rule in nested(group, "ingress") for p in _open(graph, rule, group)}
        if ports:
            yield _report(group, ports)
    for rule in graph.of_type("aws_security_group_rule"):
        if graph.value(rule.get("type"), rule.scope) == "ingress":
            ports = set(_open(graph, rule.body, rule))
            if ports:
                yield _report(rule, ports)
    for rule in graph.of_type("aws_vpc_security_group_ingress_rule"):
        ports = set(_open(graph, rule.body, rule))
        if ports:
            yield _report(rule, ports)
