"""What a tree must not hold before real tools are run on it.

``validate`` hands a tree to terraform, kubectl and checkov. The tree is untrusted: an
output directory is committed, edited and cloned, so a planted link, pipe or reference
can make those tools read outside it, block on a FIFO, or fetch from the network
(``terraform init`` downloads remote modules; kustomize loads URLs). The same bounded
walk and kustomize allow-list that ``review`` uses say what in the tree is unsafe; a
Terraform module call must name a local directory inside the tree.
"""

from __future__ import annotations

from pathlib import Path

from infra_architect.iac import HclSyntaxError, read_hcl
from infra_architect.review._kustomize import filesystem_tree, overlays
from infra_architect.review._walk import Kind, Limits, Skipped, Walk, join, parent, walk

PREFLIGHT_LIMITS = Limits(max_files=20_000, seconds=30.0)


def preflight(tree: Path, limits: Limits = PREFLIGHT_LIMITS) -> list[Skipped]:
    """Everything in ``tree`` that must stop tools from running on it, with the reason:
    files that could not be read (links out, pipes, oversized, not UTF-8), a walk cut
    short, kustomizations that reach outside or name remote resources, and module calls
    whose source is not a local directory inside the tree. Empty: safe to hand over."""
    walked = walk(tree, limits)
    problems = [s for s in walked.skipped if not s.by_design]
    if walked.stopped is not None:
        problems.append(Skipped(path=".", reason=f"walk stopped: {walked.stopped}"))
    _, refused = overlays(walked, filesystem_tree(walked, tree))
    problems += [s for s in refused if not s.by_design]  # a Component is not built alone
    problems += _module_sources(walked)
    return sorted(problems, key=lambda s: (s.path, s.reason))


def _module_sources(walked: Walk) -> list[Skipped]:
    out: list[Skipped] = []
    for found in walked.files:
        if found.kind is not Kind.TERRAFORM:
            continue
        try:
            document = read_hcl(found.text).document
        except (HclSyntaxError, RecursionError):
            out.append(Skipped(path=found.path, reason="not parsed as HCL"))
            continue
        for name, source in _calls(document):
            reason = _source_problem(parent(found.path), source)
            if reason is not None:
                out.append(Skipped(path=found.path, reason=f'module "{name}": {reason}'))
    return out


def _calls(document: dict[str, object]) -> list[tuple[str, object]]:
    calls: list[tuple[str, object]] = []
    blocks = document.get("module")
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, dict):
            calls += [
                (str(name), body.get("source") if isinstance(body, dict) else None)
                for name, body in block.items()
            ]
    return calls


def _source_problem(directory: str, source: object) -> str | None:
    if not isinstance(source, str) or "${" in source:
        return "source is not a literal path (terraform would resolve it at init)"
    if not source.startswith(("./", "../")):
        return f"source {source[:120]!r} is not a local path: terraform init would fetch it"
    if join(directory, source) is None:
        return f"source {source[:120]!r} leaves the tree"
    return None
