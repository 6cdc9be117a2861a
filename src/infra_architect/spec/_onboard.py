"""Add a service to a spec document (seed 004's onboarding flow), keeping its comments."""

from __future__ import annotations

from dataclasses import dataclass, field

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from infra_architect.errors import InfraArchitectError


@dataclass(frozen=True)
class NewService:
    name: str
    type: str
    public: bool = False
    port: int | None = None
    calls: list[str] = field(default_factory=list)
    uses: list[str] = field(default_factory=list)
    called_by: list[str] = field(default_factory=list)
    schedule: str | None = None
    cpu_ms_per_request: float | None = None
    memory_mb: int | None = None


def _names(items: object) -> list[str]:
    if not isinstance(items, list):
        return []
    return [str(i.get("name")) for i in items if isinstance(i, dict)]


def add_service(tree: CommentedMap, new: NewService, source: str) -> None:
    """Append ``new`` to ``system.services`` and to its callers' ``calls``; every
    reference is checked against the spec first, so a refused change leaves it as it was."""
    system = tree.get("system")
    if not isinstance(system, dict) or not isinstance(system.get("services"), list):
        raise InfraArchitectError(
            f"{source}: has no system.services list\n  fix: run `infra-architect init` first"
        )
    services = system["services"]
    stores = _names(system.get("datastores")) + _names(system.get("queues"))
    problems = _problems(new, _names(services), stores)
    if problems:
        raise InfraArchitectError(
            f"{source}: cannot add service {new.name!r}\n" + "\n".join(f"  {p}" for p in problems)
        )
    services.append(_entry(new))
    for caller in services:
        if isinstance(caller, dict) and caller.get("name") in new.called_by:
            calls = caller.get("calls")
            if not isinstance(calls, list):
                calls = CommentedSeq()
                caller["calls"] = calls
            calls.append(new.name)


def _problems(new: NewService, existing: list[str], stores: list[str]) -> list[str]:
    problems = []
    if new.name in existing:
        problems.append(f"a service named {new.name!r} already exists (pick another name)")
    problems += [
        f"--calls {c!r}: no such service (one of: {', '.join(existing)})"
        for c in new.calls
        if c not in existing
    ]
    problems += [
        f"--called-by {c!r}: no such service (one of: {', '.join(existing)})"
        for c in new.called_by
        if c not in existing
    ]
    problems += [
        f"--uses {u!r}: no such datastore or queue (one of: {', '.join(stores) or 'none'})"
        for u in new.uses
        if u not in stores
    ]
    if new.type == "cron" and not new.schedule:
        problems.append("--schedule is required for a cron service (e.g. '0 3 * * *')")
    if new.called_by and new.type not in ("web", "api"):
        problems.append("--called-by: only web and api services receive calls")
    return problems


def _entry(new: NewService) -> CommentedMap:
    entry = CommentedMap()
    entry["name"] = new.name
    entry["type"] = new.type
    if new.public:
        entry["public"] = True
    if new.port is not None:
        entry["port"] = new.port
    if new.calls:
        entry["calls"] = CommentedSeq(new.calls)
    if new.uses:
        entry["uses"] = CommentedSeq(new.uses)
    if new.schedule:
        entry["schedule"] = new.schedule
    if new.cpu_ms_per_request is not None:
        entry["cpu_ms_per_request"] = new.cpu_ms_per_request
    if new.memory_mb is not None:
        entry["memory_mb"] = new.memory_mb
    return entry
