"""The bill's network: the edge (load balancer, WAF, API Gateway), data transfer
out by tier, NAT, interface endpoints and cross-AZ calls between services."""

from __future__ import annotations

from infra_architect._figures import figure, number
from infra_architect.catalog import HOURS_PER_MONTH, SECONDS_PER_MONTH
from infra_architect.cost import Usage
from infra_architect.engine._model import ServiceCapacity
from infra_architect.engine.assess._bill_parts import (
    GB,
    BillInputs,
    Sizes,
    gigabytes,
    hours,
    per_million,
)


def edge_lines(parts: BillInputs, rps: float) -> list[Usage]:
    usage = parts.usage
    out: list[Usage] = []
    if parts.network.load_balancer == "alb":
        out.append(
            Usage(
                component="Application Load Balancer",
                category="network",
                price_key="alb_hour",
                quantity=hours(1.0, "load_balancers"),
                commitment="usage",
                traffic_scaled=False,
            )
        )
        out.append(
            Usage(
                component="ALB capacity units",
                category="network",
                price_key="alb_lcu_hour",
                quantity=figure(
                    rps / usage.requests_per_lcu_second * HOURS_PER_MONTH,
                    "LCU-hours",
                    "{requests_per_second} / {requests_per_lcu} × {hours_per_month}",
                    requests_per_second=rps,
                    requests_per_lcu=usage.requests_per_lcu_second,
                    hours_per_month=float(HOURS_PER_MONTH),
                ),
                commitment="usage",
                traffic_scaled=True,
                note="new connections dominate short HTTPS requests",
            )
        )
    elif parts.network.load_balancer == "nlb":
        out.append(
            Usage(
                component="Network Load Balancer",
                category="network",
                price_key="nlb_hour",
                quantity=hours(1.0, "load_balancers"),
                commitment="usage",
                traffic_scaled=False,
            )
        )
    elif parts.network.load_balancer == "api-gateway":
        out.append(
            per_million(
                "API Gateway requests",
                "network",
                "api_gateway_http_million_requests",
                rps * SECONDS_PER_MONTH,
            )
        )
    if parts.network.waf:
        out.append(
            Usage(
                component="AWS WAF web ACL",
                category="security",
                price_key="waf_web_acl_month",
                quantity=figure(1.0, "web ACLs", "{web_acls}", web_acls=1.0),
                commitment="usage",
                traffic_scaled=False,
            )
        )
        out.append(
            Usage(
                component="AWS WAF managed rule groups",
                category="security",
                price_key="waf_rule_month",
                quantity=figure(
                    float(usage.waf_rule_groups),
                    "rule groups",
                    "{rule_groups}",
                    rule_groups=float(usage.waf_rule_groups),
                ),
                commitment="usage",
                traffic_scaled=False,
            )
        )
        out.append(
            per_million(
                "AWS WAF requests",
                "security",
                "waf_million_requests",
                rps * SECONDS_PER_MONTH,
                "every request inspected",
            )
        )
    if parts.network.load_balancer_scheme == "internet-facing":
        out.extend(_transfer_out(parts, rps))
    return out


def response_bytes(parts: BillInputs, name: str) -> float:
    """Bytes of one response of service ``name``: the spec's, else its type's default."""
    stated = parts.req.service(name).response_bytes
    if stated is not None:
        return stated
    return parts.usage.response_bytes.get(parts.req.service(name).type.value, 0.0)


def _entry_share(parts: BillInputs, name: str) -> float:
    """Share of the system's requests that enter at ``name`` (from the internet or the
    network's edge), as the traffic model spread them (its load factor's entry term)."""
    return parts.capacity(name).load_factor.inputs.get("entry_share", 0.0)


def _serving(parts: BillInputs) -> list[ServiceCapacity]:
    return [c for c in parts.constraints.services if c.load_unit == "requests/s"]


def _egress_bytes(parts: BillInputs) -> float:
    """Bytes a system request sends back to the internet: each entry service's response,
    weighted by its share of the incoming requests."""
    return sum(_entry_share(parts, c.name) * response_bytes(parts, c.name) for c in _serving(parts))


def _transfer_out(parts: BillInputs, rps: float) -> list[Usage]:
    """Data transfer out to the internet, one line per volume tier it reaches (the first
    100 GB a month are free and come off the first tier)."""
    usage = parts.usage
    per_request = _egress_bytes(parts)
    gb = gigabytes(rps, per_request, "response_bytes")
    free = usage.free_data_transfer_out_gb
    out: list[Usage] = []
    for key, above, end in parts.catalog.price_catalog.tiers("data_transfer_out"):
        if above > 0 and gb.value <= above:
            break
        top = gb.value if end is None else min(gb.value, end)
        if above == 0:
            quantity = figure(
                max(0.0, top - free),
                "GB",
                "max(0, min({gb}, {tier_end_gb}) - {free_gb})",
                gb=gb.value,
                tier_end_gb=end if end is not None else gb.value,
                free_gb=free,
            )
            component = "Data transfer out to the internet"
            note = (
                f"{number(per_request)} bytes a response (services' response_bytes by their "
                f"share of requests); {gb.worked} GB a month in all, the first "
                f"{number(free)} GB free"
            )
        else:
            quantity = figure(
                top - above,
                "GB",
                "min({gb}, {tier_end_gb}) - {tier_start_gb}",
                gb=gb.value,
                tier_end_gb=end if end is not None else gb.value,
                tier_start_gb=above,
            )
            component = f"Data transfer out to the internet, {_tier_name(above, end)}"
            note = "the month's volume above the lower tiers, at this tier's price"
        out.append(
            Usage(
                component=component,
                category="network",
                price_key=key,
                quantity=quantity,
                commitment="usage",
                traffic_scaled=True,
                note=note,
            )
        )
    return out


def _tier_name(above: float, end: float | None) -> str:
    tb = 1024  # the Price List counts tiers in GB, 1,024 to a TB
    if end is None:
        return f"above {number(above / tb)} TB"
    return f"{number(above / tb)}-{number(end / tb)} TB"


def network_lines(parts: BillInputs, sizes: Sizes, rps: float, scale: float) -> list[Usage]:
    usage = parts.usage
    out = [
        Usage(
            component="NAT gateways",
            category="network",
            price_key="nat_gateway_hour",
            quantity=hours(float(sizes.nat_gateways), "gateways"),
            commitment="usage",
            traffic_scaled=False,
            note="one per AZ" if sizes.nat_gateways > 1 else "one shared",
        ),
        Usage(
            component="NAT data processed",
            category="network",
            price_key="nat_gateway_gb",
            quantity=gigabytes(rps, usage.nat_bytes_per_request, "nat_bytes"),
            commitment="usage",
            traffic_scaled=True,
            note="third-party calls and AWS APIs without an endpoint",
        ),
    ]
    endpoints = len(parts.network.interface_endpoints)
    if endpoints:
        out.append(
            Usage(
                component="VPC interface endpoints",
                category="network",
                price_key="vpc_interface_endpoint_hour",
                quantity=figure(
                    endpoints * sizes.azs * HOURS_PER_MONTH,
                    "endpoint-AZ-hours",
                    "{endpoints} × {azs} × {hours_per_month}",
                    endpoints=float(endpoints),
                    azs=float(sizes.azs),
                    hours_per_month=float(HOURS_PER_MONTH),
                ),
                commitment="usage",
                traffic_scaled=False,
                note=", ".join(parts.network.interface_endpoints),
            )
        )
    internal = _internal_calls(parts) * scale
    call_bytes = _internal_call_bytes(parts)
    if sizes.azs > 1 and internal > 0:
        crossing = (sizes.azs - 1) / sizes.azs
        out.append(
            Usage(
                component="Cross-AZ traffic between services",
                category="network",
                price_key="data_transfer_inter_az_gb",
                quantity=figure(
                    internal * call_bytes * SECONDS_PER_MONTH / GB * crossing * 2,
                    "GB",
                    "{calls_per_second} × {call_bytes} × {seconds_per_month} / 1e9 × "
                    "{share_crossing} × {directions}",
                    calls_per_second=internal,
                    call_bytes=call_bytes,
                    seconds_per_month=SECONDS_PER_MONTH,
                    share_crossing=crossing,
                    directions=2.0,
                ),
                commitment="usage",
                traffic_scaled=True,
                note=f"a call carries {number(usage.request_bytes)} bytes of request and the "
                "callee's response_bytes; calls land in another AZ (AZs - 1) / AZs of the "
                "time; billed both ways",
            )
        )
    return out


def _internal_load(parts: BillInputs, capacity: ServiceCapacity) -> float:
    """Requests/s ``capacity``'s service receives from other services."""
    entry = _entry_share(parts, capacity.name) * parts.constraints.traffic.average_rps.value
    return max(0.0, capacity.average_load.value - entry)


def _internal_calls(parts: BillInputs) -> float:
    """Requests/s services receive from other services (not from the internet)."""
    return sum(_internal_load(parts, c) for c in _serving(parts))


def _internal_call_bytes(parts: BillInputs) -> float:
    """Bytes of an average call between services: the request plus the callee's
    response, weighted by the calls each callee receives."""
    calls = _internal_calls(parts)
    if calls <= 0:
        return parts.usage.request_bytes
    weighted = sum(
        _internal_load(parts, c) * response_bytes(parts, c.name) for c in _serving(parts)
    )
    return parts.usage.request_bytes + weighted / calls
