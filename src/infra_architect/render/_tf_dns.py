"""Terraform of the public name (Design.dns): the certificate and the alias records."""

from __future__ import annotations

from infra_architect.engine import Design, EnvironmentDomain, EnvironmentSizing
from infra_architect.errors import UnbuildableDesignError
from infra_architect.render._hcl import Attr, Blank, Block, Comment, Expr, Item, Value
from infra_architect.render._tf_common import _alb_in_terraform, _module, _tags


def _health_check(design: Design) -> dict[str, Value]:
    check = design.dns.health_check
    if check is None:
        msg = "a failover pair without a health check in the design"
        raise UnbuildableDesignError(msg)
    return {
        "fqdn": Expr("module.alb.dns_name"),
        "port": check.port,
        "resource_path": check.path,
        "request_interval": check.request_interval_seconds,
        "failure_threshold": check.failure_threshold,
    }


def _alias_records(design: Design, domain: EnvironmentDomain) -> dict[str, Value]:
    """The name's A records: Terraform's ALB (and the standby's as the failover
    secondary); none on EKS, where external-dns writes the record for the Ingress's ALB."""
    if domain.records != "terraform" or not _alb_in_terraform(design):
        return {}
    primary: dict[str, Value] = {
        "dns_name": Expr("module.alb.dns_name"),
        "zone_id": Expr("module.alb.zone_id"),
    }
    if not domain.failover:
        return {"primary": primary}
    return {
        "primary": {**primary, "failover": "PRIMARY"},
        "secondary": {
            "dns_name": Expr("module.alb_recovery.dns_name"),
            "zone_id": Expr("module.alb_recovery.zone_id"),
            "failover": "SECONDARY",
        },
    }


def dns_blocks(design: Design, env: EnvironmentSizing) -> list[Block]:
    """The environment's certificate and records (none without cloud.domains), plus the
    recovery region's certificate where a standby ALB serves the same name."""
    domain = design.dns.domain(env.name)
    if domain is None:
        return []
    records = _alias_records(design, domain)
    body: list[Item] = [
        Comment(f"{domain.name}: {design.dns.why}."),
        Attr("domain_name", domain.name),
        Attr("zone_name", domain.hosted_zone),
        Attr("validation_record_ttl", design.dns.validation_record_ttl),
    ]
    if records:
        body.append(Attr("alias_records", records))
    if domain.failover:
        body.append(Attr("health_check", _health_check(design)))
    body += [Blank(), _tags()]
    out = [_module("dns", "dns", body)]
    if domain.failover:
        out.append(
            _module(
                "dns_recovery",
                "dns",
                [
                    Comment("ACM certificates are regional: the standby ALB's, for the same name."),
                    Attr("domain_name", domain.name),
                    Attr("zone_name", domain.hosted_zone),
                    Attr("validation_record_ttl", design.dns.validation_record_ttl),
                    Blank(),
                    _tags(),
                ],
                provider="recovery",
            )
        )
    return out
