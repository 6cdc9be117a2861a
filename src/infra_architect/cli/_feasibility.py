"""Whether the answers so far already make the requirements infeasible: the engine's own
conflict checks (``derive_constraints``), run after each interview answer once the spec
is complete enough to derive, so the user hears at once which answer broke it."""

from __future__ import annotations

from collections.abc import Callable

from ruamel.yaml.comments import CommentedMap

from infra_architect.errors import InfraArchitectError
from infra_architect.spec import dump_document, parse_document, validate_document

Check = Callable[[CommentedMap], list[str]]


def conflict_check(source: str) -> Check:
    """A check of the tree as answered so far: each conflict the engine calls an error,
    as ``title (fix: ...)``; nothing while required inputs are still missing."""

    def check(tree: CommentedMap) -> list[str]:
        # the engine is loaded on the first answer that completes the spec, not at startup
        from infra_architect.catalog import load_catalog  # noqa: PLC0415
        from infra_architect.engine import Severity, derive_constraints  # noqa: PLC0415

        catalog = load_catalog()
        try:
            # re-read as the file will be: a tree built by answers has no line marks
            document = parse_document(dump_document(tree), source)
            requirements = validate_document(document, catalog.regions)
        except InfraArchitectError:
            return []
        constraints = derive_constraints(requirements, catalog)
        return [
            f"{c.title} (fix: {c.fix})"
            for c in constraints.conflicts
            if c.severity is Severity.ERROR
        ]

    return check
