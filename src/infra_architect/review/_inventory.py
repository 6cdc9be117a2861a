"""What a review found, as architecture: the notable resources of each root module (entry
points, compute, data stores, queues), the edges between them through references, and a
Mermaid flowchart of it."""

from __future__ import annotations

import re
from collections import deque
from typing import Literal

from pydantic import BaseModel, ConfigDict

from infra_architect.iac import DATA_STORES, ENTRY_POINTS, Resource, TerraformGraph

Role = Literal["entry", "compute", "data", "queue"]
ROLES: dict[str, Role] = {
    **dict.fromkeys(ENTRY_POINTS, "entry"),
    **dict.fromkeys(
        (
            "aws_instance",
            "aws_autoscaling_group",
            "aws_ecs_service",
            "aws_eks_cluster",
            "aws_eks_node_group",
            "aws_lambda_function",
        ),
        "compute",
    ),
    **dict.fromkeys((*DATA_STORES, "aws_dynamodb_table", "aws_s3_bucket"), "data"),
    **dict.fromkeys(
        ("aws_sqs_queue", "aws_sns_topic", "aws_kinesis_stream", "aws_msk_cluster"), "queue"
    ),
}
HOPS = 3
"""References followed through other resources (target groups, security groups, policies)
to connect two notable resources."""


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    root: str
    address: str
    type: str
    role: Role
    file: str
    line: int


class Link(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    root: str
    source: str
    target: str


def inventory(graph: TerraformGraph, root: str) -> tuple[list[Part], list[Link]]:
    parts = [
        Part(root=root, address=r.address, type=r.type, role=ROLES[r.type], file=r.file,
             line=r.line)
        for r in graph.resources
        if r.mode == "managed" and r.type in ROLES
    ]  # fmt: skip
    notable = {p.address for p in parts}
    by_address = {r.address: r for r in graph.resources}
    refs: dict[str, set[str]] = {}

    def references(resource: Resource) -> set[str]:
        if resource.address not in refs:
            found = graph.references(resource.body, resource.scope)
            refs[resource.address] = {a for a in found if a in by_address} - {resource.address}
        return refs[resource.address]

    links: set[tuple[str, str]] = set()
    for part in parts:
        seen = {part.address}
        queue = deque([(part.address, 0)])
        while queue:
            current, depth = queue.popleft()
            for target in references(by_address[current]):
                if target in seen:
                    continue
                seen.add(target)
                if target in notable:
                    links.add(_directed(part, by_address[target]))
                elif depth + 1 < HOPS:
                    queue.append((target, depth + 1))
    return parts, [Link(root=root, source=s, target=t) for s, t in sorted(links)]


_ORDER = {"entry": 0, "compute": 1, "queue": 2, "data": 3}


def _directed(part: Part, other: Resource) -> tuple[str, str]:
    """Traffic flows from entry points to compute to queues and data stores."""
    if _ORDER[part.role] <= _ORDER[ROLES[other.type]]:
        return part.address, other.address
    return other.address, part.address


_UNSAFE = re.compile(r"[^A-Za-z0-9_]")
_SHAPES = {
    "entry": ('(["', '"])'),
    "compute": ('["', '"]'),
    "queue": ('[/"', '"/]'),
    "data": ('[("', '")]'),
}


_LABEL_SAFE = re.compile(r"[^A-Za-z0-9_.:/\[\] -]")


def _label(text: str) -> str:
    """A name from the reviewed tree inside a quoted Mermaid label: anything but plain
    address characters as an entity code (a quote, a backtick fence, HTML, a newline
    or a control character cannot end the label, the block or the document)."""
    return _LABEL_SAFE.sub(lambda m: f"#{ord(m.group())};", text)


def mermaid(parts: list[Part], links: list[Link], limit: int = 80) -> str:
    """A flowchart, one subgraph per root module; capped at ``limit`` nodes."""
    shown = parts[:limit]
    ids = {(p.root, p.address): f"n{i}" for i, p in enumerate(shown)}
    lines = ["flowchart LR"]
    roots = sorted({p.root for p in shown})
    for index, root in enumerate(roots):
        lines.append(f'  subgraph r{index}["{_label(root)}"]')
        for part in (p for p in shown if p.root == root):
            left, right = _SHAPES[part.role]
            label = f"{_label(part.address)}<br/>{_label(part.type)}"
            lines.append(f"    {ids[(root, part.address)]}{left}{label}{right}")
        lines.append("  end")
    for link in links:
        a, b = ids.get((link.root, link.source)), ids.get((link.root, link.target))
        if a and b:
            lines.append(f"  {a} --> {b}")
    if len(parts) > limit:
        lines.append(f'  more["... {len(parts) - limit} more resources"]')
    return "\n".join(lines)


__all__ = ["Link", "Part", "inventory", "mermaid"]
