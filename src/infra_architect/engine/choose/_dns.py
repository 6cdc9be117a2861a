"""The public name (issue 20 item 8c): the TLS certificate and the DNS records.

With ``cloud.domains`` Terraform issues each environment's ACM certificate, validated by
DNS in the environment's hosted zone, and the records pointing at the load balancer:
on ECS Terraform owns the ALB and writes alias records to it (a failover pair when the
recovery region runs a standby ALB); on EKS the AWS Load Balancer Controller creates
the ALB from the Ingress, so external-dns writes the record from the cluster. Without a
domain the roots keep asking for a certificate ARN and the record is the operator's.
"""

from __future__ import annotations

from infra_architect._figures import figure
from infra_architect.catalog import Catalog
from infra_architect.engine._design_model import (
    ComputeDesign,
    DnsDesign,
    DnsHealthCheck,
    EnvironmentDomain,
    EnvironmentSizing,
    NetworkDesign,
)
from infra_architect.engine._model import Conflict, Severity
from infra_architect.spec import Domain, Requirements

HTTPS_PORT = 443


def _serves_public(compute: ComputeDesign, network: NetworkDesign) -> bool:
    """A public service behind the ALB: what a name and a certificate are for."""
    return network.load_balancer == "alb" and any(s.public for s in compute.services)


def _failover(compute: ComputeDesign, env: EnvironmentSizing) -> bool:
    """The recovery region runs a standby ALB (ECS warm or hot standby): DNS fails over."""
    return not compute.platform.kubernetes and env.standby is not None and env.standby.load_balancer


def _domain(compute: ComputeDesign, env: EnvironmentSizing, domain: Domain) -> EnvironmentDomain:
    return EnvironmentDomain(
        environment=env.name,
        name=domain.name,
        hosted_zone=domain.hosted_zone,
        records="external-dns" if compute.platform.kubernetes else "terraform",
        failover=_failover(compute, env),
        public_url=f"https://{domain.name}",
    )


def choose_dns(
    req: Requirements,
    catalog: Catalog,
    compute: ComputeDesign,
    network: NetworkDesign,
    environments: list[EnvironmentSizing],
) -> DnsDesign:
    policy = catalog.design.dns
    domains = req.cloud.domains
    public = _serves_public(compute, network)
    named = (
        [_domain(compute, env, getattr(domains, env.name)) for env in environments]
        if domains is not None and public
        else []
    )
    health = None
    if any(d.failover for d in named):
        # Through the listener's default action: the default route's service answers.
        check = network.health_check
        default = next((r.service for r in network.routes if r.priority is None), None)
        own = compute.service(default).health_check_path if default is not None else None
        path = own or (check.path if check is not None else "/")
        detection = policy.health_check_interval_seconds * policy.health_check_failure_threshold
        health = DnsHealthCheck(
            path=path,
            port=HTTPS_PORT,
            request_interval_seconds=policy.health_check_interval_seconds,
            failure_threshold=policy.health_check_failure_threshold,
            detection=figure(
                detection,
                "s",
                "{interval} s × {threshold} failed checks",
                interval=policy.health_check_interval_seconds,
                threshold=policy.health_check_failure_threshold,
            ),
            source=policy.health_check_source,
        )
    if named:
        why = (
            "Terraform issues each environment's certificate (validated by DNS in its hosted "
            "zone) and "
            + (
                "external-dns writes the Ingress's record (the load balancer controller "
                "creates the ALB, so only the cluster knows it)"
                if compute.platform.kubernetes
                else "writes alias records to the ALB"
                + (
                    " (prod: a failover pair to the recovery region's standby ALB)"
                    if health is not None
                    else ""
                )
            )
        )
        certificate_input = ""
    elif public:
        why = "the spec names no public domain (cloud.domains)"
        certificate_input = (
            "issue or import an ACM certificate in the environment's region for the name "
            "users reach, pass its ARN as the root's certificate_arn variable, and point the "
            "name at the load balancer's DNS name yourself; or state cloud.domains and "
            "Terraform issues the certificate and writes the record"
        )
    else:
        why = "no public service behind an ALB: no name, no certificate"
        certificate_input = ""
    return DnsDesign(
        domains=named,
        validation_record_ttl=policy.validation_record_ttl,
        health_check=health,
        certificate_input=certificate_input,
        why=why,
    )


def dns_conflicts(dns: DnsDesign) -> list[Conflict]:
    """An info note when the operator must bring the certificate and the record."""
    if not dns.certificate_input:
        return []
    return [
        Conflict(
            id="no-public-domain",
            severity=Severity.INFO,
            title="No public domain: the certificate and the DNS record are inputs",
            detail="Each environment root asks for certificate_arn (the HTTPS listener's "
            "ACM certificate) and creates no DNS record.",
            fix=dns.certificate_input,
            fields=["cloud.domains"],
        )
    ]
