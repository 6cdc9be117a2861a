"""A resource graph of a Terraform root and the local modules it calls, for rules.

HCL is parsed (tree-sitter, in python-hcl2's shape: see ``_hcl``), never executed.
Module calls with a local ``source`` are instantiated with their arguments;
expressions are evaluated only as far as they are static (literals, ``var.``,
``local.``, module outputs, simple conditionals and ``length``); anything else is
:data:`UNKNOWN`, never guessed. References are followed through variables, locals and
outputs to the resources they name, which is what the reachability rules need.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from infra_architect.rules.terraform._expr import evaluate
from infra_architect.rules.terraform._hcl import HclSyntaxError, parse_hcl
from infra_architect.rules.terraform._values import UNKNOWN

_INTERPOLATION = re.compile(r"^\$\{(.*)\}$", re.DOTALL)
_REFERENCE = re.compile(
    r"(?<![\w.\"])(?:(var|local)\.([A-Za-z_][\w-]*)|module\.([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)"
    r"|(data\.)?(aws_[a-z0-9_]+)\.([A-Za-z_][\w-]*))"
)
_META_KEYS = {"__start_line__", "__end_line__"}
MAX_DEPTH = 24
MAX_MODULES = 2_000
"""Module instances one root may expand to: bounds fan-out, not only depth."""


@dataclass
class Scope:
    """One module instance: its directory, address prefix and the caller's arguments."""

    path: str  # "" for the root, "module.x" or "module.x.module.y"
    directory: Path
    arguments: dict[str, object]
    caller: Scope | None
    variables: dict[str, object] = field(default_factory=dict)
    locals: dict[str, object] = field(default_factory=dict)
    outputs: dict[str, object] = field(default_factory=dict)
    modules: dict[str, Scope] = field(default_factory=dict)

    def address(self, local: str) -> str:
        return f"{self.path}.{local}" if self.path else local


@dataclass
class Resource:
    address: str
    type: str
    name: str
    mode: str  # "managed" or "data"
    body: dict[str, object]
    scope: Scope
    file: str
    line: int

    def get(self, key: str, default: object = None) -> object:
        return self.body.get(key, default)


@dataclass
class Variable:
    name: str
    default: object
    scope: Scope
    file: str
    line: int


@dataclass
class TerraformGraph:
    root: Path
    resources: list[Resource]
    skipped: list[str]
    variables: list[Variable] = field(default_factory=list)
    sources: Mapping[Path, Sequence[tuple[Path, str]]] | None = None
    """The texts to parse by directory, as (absolute path, text) (a review's bounded
    walk); None: read the disk."""
    boundary: Path | None = None
    """Module calls may not leave this directory (a review's root)."""
    modules: list[Path] = field(default_factory=list)
    """Every module directory loaded (the root first)."""

    def of_type(self, *types: str) -> Iterator[Resource]:
        return (r for r in self.resources if r.type in types and r.mode == "managed")

    def data_of_type(self, *types: str) -> Iterator[Resource]:
        return (r for r in self.resources if r.type in types and r.mode == "data")

    def by_address(self, address: str) -> Resource | None:
        return next((r for r in self.resources if r.address == address), None)

    # --- evaluation -----------------------------------------------------------------

    def value(self, raw: object, scope: Scope, depth: int = 0) -> object:
        """The static value of an attribute, or UNKNOWN."""
        if depth > MAX_DEPTH:
            return UNKNOWN
        if isinstance(raw, list):
            return [self.value(v, scope, depth + 1) for v in raw]
        if isinstance(raw, dict):
            return {
                k: self.value(v, scope, depth + 1) for k, v in raw.items() if k not in _META_KEYS
            }
        if not isinstance(raw, str):
            return raw
        match = _INTERPOLATION.match(raw)
        if match is not None:
            return self._expression(match.group(1).strip(), scope, depth + 1)
        if "${" not in raw:
            return raw
        if "\n" in raw or '"' in raw:
            return UNKNOWN  # a heredoc or a template with quotes: not worth the risk
        return self._expression(f'"{raw}"', scope, depth + 1)

    def _expression(self, expr: str, scope: Scope, depth: int) -> object:
        """Evaluate one expression; references resolve through this module instance."""

        def resolve(word: str, name: str) -> object:
            if word in ("var", "local"):
                return self._named(word, name, scope, depth + 1)
            child = scope.modules.get(name)
            if child is None:
                return UNKNOWN
            return {
                output: self.value(raw, child, depth + 1) for output, raw in child.outputs.items()
            }

        return evaluate(expr, resolve)

    def _named(self, kind: str, name: str, scope: Scope, depth: int) -> object:
        if kind == "local":
            return self.value(scope.locals[name], scope, depth) if name in scope.locals else UNKNOWN
        if name in scope.arguments and scope.caller is not None:
            return self.value(scope.arguments[name], scope.caller, depth)
        if name in scope.variables:
            return self.value(scope.variables[name], scope, depth)
        return UNKNOWN

    def references(self, raw: object, scope: Scope, depth: int = 0) -> set[str]:
        """Addresses of the resources an attribute refers to, through variables, locals
        and module outputs."""
        if depth > MAX_DEPTH:
            return set()
        if isinstance(raw, list):
            return (
                set().union(*(self.references(v, scope, depth + 1) for v in raw)) if raw else set()
            )
        if isinstance(raw, dict):
            found: set[str] = set()
            for key, v in raw.items():
                if key not in _META_KEYS:
                    found |= self.references(v, scope, depth + 1)
            return found
        if not isinstance(raw, str) or "${" not in raw:
            return set()
        return self._string_references(raw, scope, depth)

    def _string_references(self, raw: str, scope: Scope, depth: int) -> set[str]:
        found: set[str] = set()
        for match in _REFERENCE.finditer(raw):
            kind, name, module, output, data, rtype, rname = match.groups()
            if kind == "local" and name in scope.locals:
                found |= self.references(scope.locals[name], scope, depth + 1)
            elif kind == "var":
                if name in scope.arguments and scope.caller is not None:
                    found |= self.references(scope.arguments[name], scope.caller, depth + 1)
                elif name in scope.variables:
                    found |= self.references(scope.variables[name], scope, depth + 1)
            elif module and module in scope.modules:
                child = scope.modules[module]
                if output in child.outputs:
                    found |= self.references(child.outputs[output], child, depth + 1)
            elif rtype:
                local = f"data.{rtype}.{rname}" if data else f"{rtype}.{rname}"
                found.add(scope.address(local))
        return found


# --- loading -------------------------------------------------------------------------------


def _parse_dir(
    directory: Path,
    skipped: list[str],
    root: Path,
    sources: Mapping[Path, Sequence[tuple[Path, str]]] | None,
) -> list[tuple[Path, dict[str, object]]]:
    parsed = []
    if sources is None:
        texts = [(p, p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.tf"))]
    else:
        texts = sorted(sources.get(directory, ()))
    for path, text in texts:
        try:
            parsed.append((path, _parse(text)))
        except HclSyntaxError as exc:
            skipped.append(f"{_relative(path, root)}: not parsed ({exc})")
    return parsed


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> dict[str, object]:
    """One parse per distinct text: a module called from several places (or roots) is
    parsed once. The result is shared, so nothing may modify it."""
    return parse_hcl(text)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _labelled(blocks: object) -> Iterator[tuple[str, dict[str, object]]]:
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, dict):
            for label, body in block.items():
                if isinstance(body, dict):
                    yield label, body


def load_terraform(
    root: Path,
    base: Path | None = None,
    sources: Mapping[Path, Sequence[tuple[Path, str]]] | None = None,
) -> TerraformGraph:
    """The graph of the root module at ``root`` with its local module calls expanded.
    ``base`` is what file paths are reported relative to (default: ``root``). With
    ``sources`` (directory → its files' absolute paths and texts) only those texts are
    parsed and module calls may
    not leave ``base``: how a review reads a tree it does not trust."""
    base = base or root
    graph = TerraformGraph(
        root=root,
        resources=[],
        skipped=[],
        sources=sources,
        boundary=base.resolve() if sources is not None else None,
    )
    _load_scope(graph, Scope(path="", directory=root, arguments={}, caller=None), base, 0)
    return graph


def _load_scope(graph: TerraformGraph, scope: Scope, base: Path, depth: int) -> None:
    if depth > MAX_DEPTH:
        graph.skipped.append(f"{scope.path}: modules nested deeper than {MAX_DEPTH}")
        return
    calls: list[tuple[str, dict[str, object]]] = []
    resources: list[Resource] = []
    graph.modules.append(scope.directory)
    for path, document in _parse_dir(scope.directory, graph.skipped, base, graph.sources):
        resources += _load_document(graph, scope, _relative(path, base), document)
        calls += list(_labelled(document.get("module")))
    # Resources whose count is statically 0 do not exist.
    graph.resources += [r for r in resources if graph.value(r.body.get("count", 1), scope) != 0]
    for name, body in calls:
        child = _module_scope(graph, scope, name, body)
        if child is not None:
            scope.modules[name] = child
            _load_scope(graph, child, base, depth + 1)


def _load_document(
    graph: TerraformGraph, scope: Scope, rel: str, document: dict[str, object]
) -> list[Resource]:
    """Record the variables, locals and outputs of one file; return its resources."""
    resources: list[Resource] = []
    for name, body in _labelled(document.get("variable")):
        if "default" in body:
            scope.variables[name] = body["default"]
            graph.variables.append(Variable(name, body["default"], scope, rel, _line(body)))
    for block in _dicts(document.get("locals")):
        scope.locals.update({k: v for k, v in block.items() if k not in _META_KEYS})
    for name, body in _labelled(document.get("output")):
        if "value" in body:
            scope.outputs[name] = body["value"]
    for mode, key in (("managed", "resource"), ("data", "data")):
        for rtype, named in _labelled(document.get(key)):
            for rname, rbody in named.items():
                if not isinstance(rbody, dict):
                    continue
                local = f"{rtype}.{rname}" if mode == "managed" else f"data.{rtype}.{rname}"
                resources.append(
                    Resource(
                        address=scope.address(local),
                        type=rtype,
                        name=rname,
                        mode=mode,
                        body=rbody,
                        scope=scope,
                        file=rel,
                        line=_line(rbody),
                    )
                )
    return resources


def _module_scope(
    graph: TerraformGraph, scope: Scope, name: str, body: dict[str, object]
) -> Scope | None:
    source = body.get("source")
    address = scope.address(f"module.{name}")
    if not isinstance(source, str) or not source.startswith(("./", "../")):
        graph.skipped.append(f"{address}: source {source!r} is not a local path (not fetched)")
        return None
    directory = (scope.directory / source).resolve()
    boundary = graph.boundary
    if boundary is not None and directory != boundary and boundary not in directory.parents:
        graph.skipped.append(f"{address}: source {source} leaves the reviewed tree (not read)")
        return None
    if not directory.is_dir():
        graph.skipped.append(f"{address}: {source} not found")
        return None
    caller: Scope | None = scope
    while caller is not None:
        if caller.directory.resolve() == directory:
            graph.skipped.append(f"{address}: {source} calls a module already being loaded")
            return None
        caller = caller.caller
    if len(graph.modules) >= MAX_MODULES:
        graph.skipped.append(f"{address}: more than {MAX_MODULES} module instances (not read)")
        return None
    arguments = {k: v for k, v in body.items() if k not in _META_KEYS | {"source", "providers"}}
    return Scope(path=address, directory=directory, arguments=arguments, caller=scope)


def _line(body: Mapping[str, object]) -> int:
    line = body.get("__start_line__", 1)
    return line if isinstance(line, int) else 1


def _dicts(value: object) -> list[dict[str, object]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def blocks(body: Mapping[str, object], name: str) -> list[dict[str, object]]:
    """The nested blocks ``name`` of a resource body (a list, one entry per block)."""
    value = body.get(name)
    return [value] if isinstance(value, dict) else _dicts(value)


def load_plan(document: Mapping[str, object], file: str) -> TerraformGraph:
    """The graph of a plan as ``terraform show -json`` prints it: planned values, every
    module flattened, addresses as Terraform writes them. Values known only after apply
    are absent from the plan and read as UNKNOWN; a plan has no line numbers, so
    findings point at the plan file."""
    graph = TerraformGraph(root=Path(file), resources=[], skipped=[])
    scope = Scope(path="", directory=Path(file).parent, arguments={}, caller=None)
    planned = document.get("planned_values")
    stack = [planned.get("root_module")] if isinstance(planned, Mapping) else []
    while stack:
        module = stack.pop()
        if not isinstance(module, Mapping):
            continue
        for item in _dicts(module.get("resources")):
            address, values = item.get("address"), item.get("values")
            if not isinstance(address, str) or not isinstance(values, dict):
                continue
            graph.resources.append(
                Resource(
                    address=address,
                    type=str(item.get("type", "")),
                    name=str(item.get("name", "")),
                    mode="data" if item.get("mode") == "data" else "managed",
                    body={k: v for k, v in values.items() if v is not None},
                    scope=scope,
                    file=file,
                    line=1,
                )
            )
        stack.extend(_dicts(module.get("child_modules")))
    if not isinstance(planned, Mapping):
        graph.skipped.append(f"{file}: no planned_values (not `terraform show -json` of a plan)")
    graph.resources.sort(key=lambda r: r.address)
    return graph
