"""Mermaid diagrams of a Design, built as text from the model (no decisions here).

Every value that comes from the spec goes into a quoted label through ``_label``
(``render._text.mermaid_label``): a name, a schedule or a region cannot close the label,
open HTML or start a ``click``/``classDef``/``%%`` line, whatever the spec's character
sets let through.
"""

from __future__ import annotations

import itertools
import math
import re

from infra_architect.engine import Design
from infra_architect.render._text import mermaid_label

_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def node_id(kind: str, name: str) -> str:
    """A Mermaid-safe id; prefixed so names like ``end`` or ``graph`` never clash."""
    return f"{kind}_{_UNSAFE.sub('_', name)}"


def _label(text: object) -> str:
    return mermaid_label(str(text))


def compute_diagram(design: Design) -> str:
    compute = design.compute
    platform = {
        "eks": "EKS cluster",
        "eks-karpenter": "EKS cluster (Karpenter)",
        "ecs-fargate": "ECS cluster on Fargate",
        "lambda": "Lambda functions",
    }[compute.platform]
    lines = ["flowchart TB"]
    lines.append(f'  subgraph platform["{_label(platform)}"]')
    for plan in compute.services:
        replicas = (
            f"{plan.min_replicas}-{plan.max_replicas} replicas"
            if plan.type.value != "cron"
            else f"cron {_label(plan.schedule)}"
        )
        scaling = f"<br/>scales on {plan.autoscaling.metric}" if plan.autoscaling else ""
        lines.append(
            f'    {node_id("svc", plan.name)}["{_label(plan.name)} ({plan.type.value})'
            f'<br/>{replicas}<br/>{plan.vcpu:g} vCPU, {plan.memory_mb} MiB{scaling}"]'
        )
    lines.append("  end")
    pool = compute.node_pool
    if pool is not None:
        lines.append(
            f'  nodes["{pool.instance_type} nodes<br/>{pool.min_nodes.whole}-'
            f'{pool.max_nodes.whole} ({pool.scaler})"]'
        )
        lines.append("  platform --- nodes")
    for plan in compute.services:
        for callee in plan.calls:
            lines.append(f"  {node_id('svc', plan.name)} --> {node_id('svc', callee)}")
    return "\n".join(lines)


def network_diagram(design: Design) -> str:
    network = design.network
    lines = ["flowchart LR"]
    entry = "lb"
    public = [s for s in design.compute.services if s.public]
    if public:
        lines.append('  users(("users"))')
        first = "waf" if network.waf else entry
        if network.waf:
            lines.append('  waf["AWS WAF"]')
        lines.append(f"  users -->|HTTPS 443| {first}")
        if network.waf:
            lines.append(f"  waf --> {entry}")
    elif network.load_balancer != "none":
        lines.append('  staff(("internal clients"))')
        lines.append(f"  staff -->|HTTPS 443| {entry}")
    lines.append(f'  subgraph vpc["VPC {network.vpc_cidr}"]')
    zones = sorted({s.availability_zone for s in network.subnets})
    for tier in ("public", "private", "data"):
        lines.append(f'    subgraph tier_{tier}["{tier} subnets"]')
        for subnet in (s for s in network.subnets if s.tier == tier):
            sid = node_id(f"sn_{tier}", subnet.availability_zone)
            lines.append(f'      {sid}["{_label(subnet.availability_zone)}<br/>{subnet.cidr}"]')
        lines.append("    end")
    if network.load_balancer != "none":
        lines.append(
            f'    {entry}["{network.load_balancer.upper()} ({network.load_balancer_scheme})"]'
        )
    for index in range(network.nat_gateways):
        lines.append(f'    nat{index}["NAT gateway {_label(zones[index])}"]')
    lines.append("  end")
    for index in range(network.nat_gateways):
        lines.append(f"  tier_private -->|egress| nat{index}")
    lines.append("  tier_public --- tier_private")
    lines.append("  tier_private -->|only listed ports| tier_data")
    if network.load_balancer != "none":
        lines.append(f"  {entry} -->|health check| tier_private")
    return "\n".join(lines)


def data_diagram(design: Design) -> str:
    lines = ["flowchart LR"]
    for plan in design.compute.services:
        lines.append(f'  {node_id("svc", plan.name)}["{_label(plan.name)}"]')
    for store in design.data.stores:
        detail = store.instance_class or store.aws_service
        az = "Multi-AZ" if store.multi_az else "single-AZ"
        lines.append(
            f'  {node_id("ds", store.name)}[("{_label(store.name)}<br/>{store.aws_service}'
            f'<br/>{detail}, {az}")]'
        )
    for queue in design.data.queues:
        lines.append(
            f'  {node_id("q", queue.name)}[["{_label(queue.name)}<br/>{queue.aws_service}"]]'
        )
    stores = {s.name for s in design.data.stores}
    for plan in design.compute.services:
        for use in plan.uses:
            kind = "ds" if use in stores else "q"
            lines.append(f"  {node_id('svc', plan.name)} --> {node_id(kind, use)}")
    return "\n".join(lines)


def delivery_diagram(design: Design) -> str:
    delivery = design.delivery
    lines = [
        "flowchart LR",
        '  build["Build<br/>image tagged by git SHA"] --> test["Test<br/>unit, integration, IaC"]',
        '  test --> staging["Deploy staging"] --> verify_s["Verify staging<br/>smoke + SLO"]',
        f'  verify_s --> gate{{"Promotion gate"}} --> prod["Deploy prod<br/>{delivery.strategy}"]',
        f'  prod --> verify_p{{"Verify<br/>{delivery.detection.show()}"}}',
        '  verify_p -->|healthy| done(["Released"])',
        f'  verify_p -->|failed| rollback["Rollback<br/>{delivery.rollback.show()}"]',
        '  rollback --> prod_stable(["Previous digest serving"])',
    ]
    return "\n".join(lines)


def failover_diagram(design: Design) -> str:
    availability = design.availability
    zones = sorted({s.availability_zone for s in design.network.subnets})
    lines = ["flowchart TB", '  dns["Route 53"]']
    lines.append(f'  subgraph primary["{_label(design.region)} (primary)"]')
    for zone in zones:
        lines.append(f'    {node_id("az", zone)}["{_label(zone)}<br/>compute + data replica"]')
    lines.append("  end")
    lines.append("  dns --> primary")
    target = design.data.recovery_region
    label = (
        "second region (serving)"
        if design.constraints.topology.name == "active-active"
        else design.constraints.recovery.strategy
    )
    lines.append(f'  subgraph dr["{_label(target)} ({_label(label)})"]')
    lines.append('    dr_data[("replicated data")]')
    lines.append("  end")
    lines.append("  primary -.->|replication| dr_data")
    arrow = "-->" if availability.regions > 1 else "-.->"
    lines.append(f"  dns {arrow}|failover| dr")
    for left, right in itertools.pairwise(zones):
        lines.append(f"  {node_id('az', left)} <-->|sync| {node_id('az', right)}")
    return "\n".join(lines)


SPIKE_PALETTE = ("#d62728", "#1f77b4")
"""Mermaid's default xychart palette draws the second line pale; a strong red and blue
set the two lines apart, and the legend under each chart names them by these colours."""
_COLOUR_NAMES = {"#d62728": "red", "#1f77b4": "blue"}


def _palette_directive() -> str:
    palette = ", ".join(SPIKE_PALETTE)
    return f'%%{{init: {{"themeVariables": {{"xyChart": {{"plotColorPalette": "{palette}"}}}}}}}}%%'


def _legend(first: str, second: str) -> str:
    red, blue = (_COLOUR_NAMES[c] for c in SPIKE_PALETTE)
    return f"Legend: {red} line: {first}; {blue} line: {second}."


def spike_charts(design: Design) -> list[tuple[str, str]]:
    """The simulated spike as two Mermaid xy charts, each with its legend line (xychart
    draws none): load and capacity, then replicas."""
    study = design.simulation.spike
    if study is None or study.series is None:
        return []
    s = study.series
    end = s.seconds[-1] if s.seconds else 0

    def values(points: list[float] | list[int]) -> str:
        return "[" + ", ".join(f"{round(v, 1):g}" for v in points) + "]"

    top = max([*s.load, *s.capacity, 1.0])
    load = [
        _palette_directive(),
        "xychart-beta",
        (
            f'  title "{_label(s.service)}: {study.multiplier:g}x step at '
            f'{study.start_seconds} s ({_label(s.unit)})"'
        ),
        f'  x-axis "seconds" 0 --> {end}',
        f'  y-axis "{_label(s.unit)}" 0 --> {math.ceil(top * 1.1)}',
        f"  line {values(s.load)}",
        f"  line {values(s.capacity)}",
    ]
    most = max([*s.ready, *s.desired, 1])
    replicas = [
        _palette_directive(),
        "xychart-beta",
        f'  title "{_label(s.service)}: replicas (desired by the autoscaler, then ready)"',
        f'  x-axis "seconds" 0 --> {end}',
        f'  y-axis "replicas" 0 --> {math.ceil(most * 1.1)}',
        f"  line {values(s.desired)}",
        f"  line {values(s.ready)}",
    ]
    return [
        ("\n".join(load), _legend(f"load ({s.unit})", "capacity of the ready replicas")),
        ("\n".join(replicas), _legend("replicas desired by the autoscaler", "replicas ready")),
    ]
