"""A resource graph of a Terraform root and the local modules it calls, for rules.

HCL is parsed (tree-sitter, in python-hcl2's shape: see ``_hcl``), never executed.
Module calls with a local ``source`` are instantiated with their arguments;
expressions are evaluated only as far as they are static (literals, ``var.``,
``local.``, module outputs, conditionals, for expressions, pure functions: see
``_expr``); anything else is :data:`UNKNOWN`, never guessed. References are followed
through variables, locals and outputs to the resources they name, which is what the
reachability rules need.

Each named value (a local, a variable, a module's outputs) is evaluated once per module
instance and remembered, so locals that each use the one before twice cost one
evaluation each, not two to the power of their number. The graph's :class:`Budget`
bounds sizes, nesting and time (a review's ``--timeout``); what it stopped is UNKNOWN
and listed in :attr:`TerraformGraph.skipped` with the file and line it came from.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import re
import stat
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from infra_architect._io import UnreadableFileError, read_input
from infra_architect.iac._hcl import HclSyntaxError, Parsed, read_hcl
from infra_architect.iac._tf_expr import MAX_DEPTH as MAX_EXPRESSION_DEPTH
from infra_architect.iac._tf_expr import evaluate, evaluate_template
from infra_architect.iac._tf_values import UNKNOWN, Budget, nesting

_INTERPOLATION = re.compile(r"^\$\{(.*)\}$", re.DOTALL)
_REFERENCE = re.compile(
    r"(?<![\w.\"])(?:(var|local)\.([A-Za-z_][\w-]*)|module\.([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)"
    r"|(data\.)?(aws_[a-z0-9_]+)\.([A-Za-z_][\w-]*))"
)
_META_KEYS = {"__start_line__", "__end_line__"}
MAX_DEPTH = 24
"""Module calls nested in one another."""
MAX_REFERENCES = 64
"""References followed from one attribute by :meth:`TerraformGraph.references`."""
MAX_MODULES = 2_000
"""Module instances one root may expand to: bounds fan-out, not only depth."""
MAX_FILE_BYTES = 5 * 1024 * 1024
"""A .tf file read from disk (the review's walk has its own, equal limit)."""
_IN_PROGRESS = object()


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
    origins: dict[str, str] = field(default_factory=dict)
    """Where each named value is written (``local.x`` → ``main.tf:12``), for notes."""
    where: str = "."
    """The module's directory, relative to what paths are reported against."""
    each: dict[str, object] | None = None
    """``each.key`` and ``each.value`` of one ``for_each`` instance of a resource, when
    its attributes are evaluated for that instance (:func:`for_each_instances`)."""
    instance_of: Scope | None = None
    """With ``each``: the module instance's own scope, which every name is looked up in
    and every remembered value is keyed by (this copy lives only while it is priced)."""

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
    providers: list[Resource] = field(default_factory=list)
    """The ``provider`` blocks of every module instance (mode ``provider``, type the
    provider's name, address ``provider.aws`` or ``provider.aws.<alias>``): kept apart
    from :attr:`resources`, since a provider configuration is no resource, but a
    credential written in one is still in the code."""
    budget: Budget = field(default_factory=Budget)
    """Bounds of evaluation (sizes, nesting, deadline), and its notes."""
    installed: Mapping[str, str] = field(default_factory=dict)
    """Where ``terraform init`` put each remote module, by its key in
    ``.terraform/modules/modules.json`` (``vpc``, ``vpc.nested``): a directory relative
    to the root."""
    assigned: dict[str, object] = field(default_factory=dict)
    """The root module's variables given values by variable files (.tfvars), which
    replace their defaults."""
    absent: list[Resource] = field(default_factory=list)
    """Resource blocks with no instance (``count`` 0, ``for_each`` empty): not reviewed,
    kept so that what only they would use is known to be unused."""
    _named_values: dict[tuple[str, str, int], object] = field(default_factory=dict, repr=False)
    _named_references: dict[tuple[str, str, int], object] = field(default_factory=dict, repr=False)
    _expressions: dict[tuple[str, int], object] = field(default_factory=dict, repr=False)

    def of_type(self, *types: str) -> Iterator[Resource]:
        return (r for r in self.resources if r.type in types and r.mode == "managed")

    def data_of_type(self, *types: str) -> Iterator[Resource]:
        return (r for r in self.resources if r.type in types and r.mode == "data")

    def by_address(self, address: str) -> Resource | None:
        return next((r for r in self.resources if r.address == address), None)

    def used_only_by_absent(self) -> set[str]:
        """Addresses that resource blocks with no instance refer to and no existing
        resource does: a policy document only a ``count = 0`` attachment would use
        attaches nowhere. (A module call with no instance loads nothing at all.)"""
        wanted: set[str] = set()
        for resource in self.absent:
            wanted |= self.references(resource.body, resource.scope)
        if not wanted:
            return set()
        used: set[str] = set()
        for resource in self.resources:
            used |= self.references(resource.body, resource.scope) - {resource.address}
        return wanted - used

    def notes(self) -> list[str]:
        """What evaluation left unknown because a bound was reached (sizes, nesting,
        time), each with where it happened."""
        return [f"{n} (evaluated as unknown)" for n in self.budget.summary()]

    # --- evaluation -----------------------------------------------------------------

    def value(self, raw: object, scope: Scope, depth: int = 0) -> object:
        """The static value of an attribute, or UNKNOWN."""
        self.budget.fallback = f"{scope.where}: {scope.path or 'root module'}"
        try:
            found = self._value(raw, scope, depth)
        except RecursionError:  # the depth bounds keep well inside the stack: a net
            self.budget.note("nested too deeply to evaluate")
            return UNKNOWN
        return self._shallow(found)

    def _shallow(self, value: object) -> object:
        """``value``, or UNKNOWN when it nests deeper than the rules should walk (values
        built from remembered ones could otherwise grow a level per local)."""
        if isinstance(value, list | dict):
            limit = self.budget.bounds.max_depth
            if nesting(value, limit) > limit:
                self.budget.note(f"a value nested deeper than {limit} levels")
                return UNKNOWN
        return value

    def _value(self, raw: object, scope: Scope, depth: int) -> object:
        if depth > MAX_EXPRESSION_DEPTH:
            self.budget.note(f"references nested deeper than {MAX_EXPRESSION_DEPTH} steps")
            return UNKNOWN
        if isinstance(raw, list):
            return [self._value(v, scope, depth + 1) for v in raw]
        if isinstance(raw, dict):
            return {
                k: self._value(v, scope, depth + 1) for k, v in raw.items() if k not in _META_KEYS
            }
        if not isinstance(raw, str):
            return raw
        if "${" not in raw and "%{" not in raw:
            return raw
        if scope.each is not None:  # one instance's value: not remembered
            return self._string(raw, scope, depth)
        key = (raw, id(scope))
        if key in self._expressions:
            return self._expressions[key]
        found = self._string(raw, scope, depth)
        self._expressions[key] = found
        return found

    def _string(self, raw: str, scope: Scope, depth: int) -> object:
        """An expression (``${...}`` as the converter writes them) or a template (the
        source between a string's quotes)."""

        names = None if scope.each is None else {"each": scope.each}
        named = scope.instance_of or scope

        def resolve(word: str, name: str, at: int) -> object:
            if word in ("var", "local"):
                return self._named(word, name, named, at + 1)
            return self._outputs(name, named, at + 1)

        match = _INTERPOLATION.match(raw)
        if match is not None:
            found = evaluate(match.group(1).strip(), resolve, self.budget, depth + 1, names)
            # `${a}-${b}` also matches: its middle is not an expression, it is a template
            if not (found is UNKNOWN and "${" in match.group(1)):
                return found
        if "\n" in raw:
            return UNKNOWN  # a heredoc's text: its template cannot be told from it
        return evaluate_template(raw, resolve, self.budget, depth + 1, names)

    def _named(self, kind: str, name: str, scope: Scope, depth: int) -> object:
        """A local or a variable of one module instance, evaluated once."""
        key = (kind, name, id(scope))
        remembered = self._named_values.get(key)
        if remembered is _IN_PROGRESS:
            return UNKNOWN  # a cycle: Terraform refuses it, never a value
        if remembered is not None or key in self._named_values:
            return remembered
        self._named_values[key] = _IN_PROGRESS
        where = scope.origins.get(f"{kind}.{name}", scope.where)
        with self.budget.subject(f"{where}: {scope.address(f'{kind}.{name}')}"):
            found = self._shallow(self._unremembered(kind, name, scope, depth))
        self._named_values[key] = found
        return found

    def _unremembered(self, kind: str, name: str, scope: Scope, depth: int) -> object:
        if kind in ("local", "output"):
            written = scope.locals if kind == "local" else scope.outputs
            return self._value(written[name], scope, depth) if name in written else UNKNOWN
        if name in scope.arguments and scope.caller is not None:
            return self._value(scope.arguments[name], scope.caller, depth)
        if name in scope.variables:
            return self._value(scope.variables[name], scope, depth)
        return UNKNOWN

    def _outputs(self, module: str, scope: Scope, depth: int) -> object:
        """A module call's outputs as a map, each evaluated once."""
        child = scope.modules.get(module)
        if child is None:
            return UNKNOWN
        return {output: self._named("output", output, child, depth) for output in child.outputs}

    def references(self, raw: object, scope: Scope, depth: int = 0) -> set[str]:
        """Addresses of the resources an attribute refers to, through variables, locals
        and module outputs."""
        if depth == 0:  # what a note says when no subject does (as for :meth:`value`)
            self.budget.fallback = f"{scope.where}: {scope.path or 'root module'}"
        if depth > MAX_REFERENCES or self.budget.expired():
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
                found |= self._named_refs("local", name, scope, scope.locals[name], depth)
            elif kind == "var":
                if name in scope.arguments and scope.caller is not None:
                    argument = scope.arguments[name]
                    found |= self._named_refs("var", name, scope.caller, argument, depth)
                elif name in scope.variables:
                    found |= self._named_refs("default", name, scope, scope.variables[name], depth)
            elif module and module in scope.modules:
                child = scope.modules[module]
                if output in child.outputs:
                    found |= self._named_refs("output", output, child, child.outputs[output], depth)
            elif rtype:
                local = f"data.{rtype}.{rname}" if data else f"{rtype}.{rname}"
                found.add(scope.address(local))
        return found

    def _named_refs(self, kind: str, name: str, scope: Scope, raw: object, depth: int) -> set[str]:
        """The references of one named value, followed once per module instance."""
        key = (kind, name, id(scope))
        remembered = self._named_references.get(key)
        if remembered is _IN_PROGRESS:
            return set()
        if isinstance(remembered, set):
            return remembered
        self._named_references[key] = _IN_PROGRESS
        found = self.references(raw, scope, depth + 1)
        self._named_references[key] = found
        return found


# --- loading -------------------------------------------------------------------------------


def _parse_dir(
    directory: Path,
    skipped: list[str],
    root: Path,
    sources: Mapping[Path, Sequence[tuple[Path, str]]] | None,
) -> list[tuple[Path, Parsed]]:
    parsed = []
    texts = (
        _read_dir(directory, skipped, root)
        if sources is None
        else sorted(sources.get(directory, ()))
    )
    for path, text in texts:
        try:
            document = _parse(text)
        except HclSyntaxError as exc:
            skipped.append(f"{_relative(path, root)}: not parsed ({exc})")
            continue
        parsed.append((path, document))
        if document.notes:
            rel = _relative(path, root)
            skipped += [f"{rel}:{note.removeprefix('line ')}" for note in document.notes]
    return parsed


def _read_dir(directory: Path, skipped: list[str], root: Path) -> list[tuple[Path, str]]:
    """The .tf files of a directory on disk: regular files only (a FIFO or a device
    named .tf would block or never end), at most :data:`MAX_FILE_BYTES` each, UTF-8."""
    texts: list[tuple[Path, str]] = []
    try:
        names = sorted(e.name for e in os.scandir(directory) if e.name.endswith(".tf"))
    except OSError as exc:
        skipped.append(f"{_relative(directory, root)}: unreadable ({exc.strerror})")
        return texts
    for name in names:
        path = directory / name
        text = _read_regular(path)
        if isinstance(text, str):
            texts.append((path, text))
        elif text is not None:
            skipped.append(f"{_relative(path, root)}: {text.reason}")
    return texts


@dataclass(frozen=True)
class _Unread:
    reason: str


def _read_regular(path: Path) -> str | _Unread | None:
    """A regular file's text; None for a directory; why not, for anything else."""
    try:
        if stat.S_ISDIR(path.stat().st_mode):
            return None
        data = read_input(path, MAX_FILE_BYTES)
    except UnreadableFileError as exc:
        return _Unread(exc.reason)
    except OSError as exc:
        return _Unread(f"unreadable ({exc.strerror})")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _Unread("not UTF-8 text")


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> Parsed:
    """One parse per distinct text: a module called from several places (or roots) is
    parsed once. The result is shared, so nothing may modify it."""
    return read_hcl(text)


def _relative(path: Path, root: Path) -> str:
    try:
        return _resolved(path).relative_to(_resolved(root)).as_posix()
    except ValueError:
        return path.as_posix()


@functools.lru_cache(maxsize=8192)
def _resolved(path: Path) -> Path:
    """``path.resolve()``, once per path (paths are reported relative to the real root
    for every file and module of every root)."""
    return path.resolve()


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
    budget: Budget | None = None,
    *,
    variable_files: Sequence[tuple[str, str]] = (),
    installed: Mapping[str, str] | None = None,
) -> TerraformGraph:
    """The graph of the root module at ``root`` with its local module calls expanded.
    ``base`` is what file paths are reported relative to (default: ``root``). With
    ``sources`` (directory → its files' absolute paths and texts) only those texts are
    parsed and module calls may not leave ``base``: how a review reads a tree it does
    not trust. ``budget``: the bounds and deadline of evaluation (default: no deadline);
    what it stops is listed in ``skipped``, after loading and after every rule that
    evaluates (call :meth:`TerraformGraph.notes` for the latest). ``variable_files``:
    the root's variable files as (path as reported, text), in Terraform's precedence
    (each later one overrides: terraform.tfvars, then *.auto.tfvars by name, then
    -var-file); a ``.json`` path is read as JSON, any other as HCL. ``installed``:
    the remote modules ``terraform init`` put on disk (see :func:`installed_modules`),
    read from there instead of being left out; nothing is ever fetched."""
    base = base or root
    graph = TerraformGraph(
        root=root,
        resources=[],
        skipped=[],
        sources=sources,
        boundary=base.resolve() if sources is not None else None,
        budget=budget or Budget(),
        installed=installed or {},
    )
    for where, text in variable_files:
        graph.assigned.update(variable_values(where, text, graph.skipped))
    _load_scope(graph, Scope(path="", directory=root, arguments={}, caller=None), base, 0)
    graph.skipped += graph.notes()
    return graph


def _load_scope(graph: TerraformGraph, scope: Scope, base: Path, depth: int) -> None:
    if depth > MAX_DEPTH:
        graph.skipped.append(f"{scope.path}: modules nested deeper than {MAX_DEPTH}")
        return
    calls: list[tuple[str, dict[str, object]]] = []
    resources: list[Resource] = []
    graph.modules.append(scope.directory)
    scope.where = _relative(scope.directory, base) or "."
    for path, parsed in _parse_dir(scope.directory, graph.skipped, base, graph.sources):
        rel = _relative(path, base)
        resources += _load_document(graph, scope, rel, parsed.document)
        for name, body in _labelled(parsed.document.get("module")):
            calls.append((name, body))
            scope.origins[f"module.{name}"] = f"{rel}:{_line(body)}"
    if scope.caller is None:
        _assign(graph, scope)
    for resource in resources:
        with graph.budget.subject(f"{resource.file}:{resource.line}: {resource.address}"):
            if _no_instances(graph, resource.body, scope):
                graph.absent.append(resource)
            else:
                graph.resources.append(resource)
    for name, body in calls:
        with graph.budget.subject(f"{scope.origins[f'module.{name}']}: module.{name}"):
            if _no_instances(graph, body, scope):
                continue  # none of its resources exist: nothing of it is reviewed
        child = _module_scope(graph, scope, name, body)
        if child is not None:
            scope.modules[name] = child
            _load_scope(graph, child, base, depth + 1)


def _assign(graph: TerraformGraph, root: Scope) -> None:
    """Give the root's declared variables their values from the variable files (values
    for variables the root does not declare change nothing: Terraform only warns)."""
    declared = {k.removeprefix("var.") for k in root.origins if k.startswith("var.")}
    for name, raw in graph.assigned.items():
        if name in declared:
            root.variables[name] = raw


def variable_values(where: str, text: str, skipped: list[str]) -> dict[str, object]:
    """The values a variable file assigns (``name = value`` lines, or a JSON object),
    as the HCL reader shapes them; what cannot be read is noted in ``skipped``."""
    if where.lower().endswith(".json"):
        try:
            document = json.loads(text)
        except (ValueError, RecursionError) as exc:
            skipped.append(f"{where}: not JSON ({exc})")
            return {}
        if not isinstance(document, dict):
            skipped.append(f"{where}: not a JSON object of variable values")
            return {}
        # a JSON string is a literal: "${" in it is text, never an expression here
        return {str(k): _literal(v) for k, v in document.items()}
    try:
        parsed = _parse(text)
    except HclSyntaxError as exc:
        skipped.append(f"{where}: not parsed ({exc})")
        return {}
    skipped += [f"{where}:{note.removeprefix('line ')}" for note in parsed.notes]
    return {k: v for k, v in parsed.document.items() if k not in _META_KEYS}


def _literal(value: object) -> object:
    """A JSON value as the evaluator reads it: a string that would read as a template
    is unknown rather than evaluated."""
    if isinstance(value, str) and ("${" in value or "%{" in value):
        return UNKNOWN
    if isinstance(value, list):
        return [_literal(v) for v in value]
    if isinstance(value, dict):
        return {k: _literal(v) for k, v in value.items()}
    return value


def installed_modules(manifest: str) -> dict[str, str]:
    """The remote modules ``terraform init`` installed, from the text of a root's
    ``.terraform/modules/modules.json``: each module key (``vpc``, ``vpc.nested``) and
    its directory relative to the root. Local modules (listed too) and anything that is
    not a key with a relative directory are left out: a manifest is the tree's own
    file, untrusted like the rest."""
    try:
        document = json.loads(manifest)
    except (ValueError, RecursionError):
        return {}
    entries = document.get("Modules") if isinstance(document, dict) else None
    installed: dict[str, str] = {}
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        key, source, directory = entry.get("Key"), entry.get("Source"), entry.get("Dir")
        if not (isinstance(key, str) and key and isinstance(directory, str)):
            continue
        if not isinstance(source, str) or source.startswith(("./", "../")):
            continue  # a local module: read from its source, as the code says
        if directory and not Path(directory).is_absolute():
            installed[key] = directory
    return installed


def for_each_instances(graph: TerraformGraph, resource: Resource) -> list[Resource] | None:
    """The instances of a ``for_each`` resource whose map or set is static, each with its
    own address (``x.this["key"]``) and ``each.key``/``each.value`` bound, so attributes
    that differ per instance (``each.value.instance_types``) evaluate; None when the
    resource has no ``for_each`` or its value is not known."""
    if "for_each" not in resource.body:
        return None
    found = graph.value(resource.body["for_each"], resource.scope)
    if isinstance(found, dict):
        pairs = [(str(key), found[key]) for key in sorted(found)]
    elif isinstance(found, list) and all(isinstance(v, str) for v in found):
        pairs = [(str(v), v) for v in sorted(set(found))]  # a set: key and value alike
    else:
        return None
    return [
        dataclasses.replace(
            resource,
            address=f'{resource.address}["{key}"]',
            scope=dataclasses.replace(
                resource.scope, each={"key": key, "value": value}, instance_of=resource.scope
            ),
        )
        for key, value in pairs
    ]


def _no_instances(graph: TerraformGraph, body: Mapping[str, object], scope: Scope) -> bool:
    """Whether a resource or module block statically has no instance: ``count`` 0, or
    ``for_each`` an empty map or set (``create ? 1 : 0`` with ``create`` false). An
    unknown count or for_each may have instances: the block is kept."""
    if "count" in body and graph.value(body["count"], scope) == 0:
        return True
    if "for_each" in body:
        each = graph.value(body["for_each"], scope)
        return isinstance(each, list | dict) and not each
    return False


def _load_document(
    graph: TerraformGraph, scope: Scope, rel: str, document: dict[str, object]
) -> list[Resource]:
    """Record the variables, locals and outputs of one file; return its resources."""
    resources: list[Resource] = []
    for name, body in _labelled(document.get("variable")):
        scope.origins[f"var.{name}"] = f"{rel}:{_line(body)}"
        if "default" in body:
            scope.variables[name] = body["default"]
            graph.variables.append(Variable(name, body["default"], scope, rel, _line(body)))
    for block in _dicts(document.get("locals")):
        values = {k: v for k, v in block.items() if k not in _META_KEYS}
        scope.locals.update(values)
        scope.origins.update(dict.fromkeys((f"local.{k}" for k in values), f"{rel}:{_line(block)}"))
    for name, body in _labelled(document.get("output")):
        if "value" in body:
            scope.outputs[name] = body["value"]
            scope.origins[f"output.{name}"] = f"{rel}:{_line(body)}"
    for name, body in _labelled(document.get("provider")):
        alias = body.get("alias")
        local = f"provider.{name}.{alias}" if isinstance(alias, str) else f"provider.{name}"
        graph.providers.append(
            Resource(scope.address(local), name, name, "provider", body, scope, rel, _line(body))
        )
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
    if isinstance(source, str) and source.startswith(("./", "../")):
        directory = (scope.directory / source).resolve()
    else:
        key = ".".join(p for p in address.split(".")[1::2])  # module.a.module.b -> a.b
        if key not in graph.installed:
            graph.skipped.append(f"{address}: source {source!r} is not a local path (not fetched)")
            return None
        source = graph.installed[key]  # as terraform init recorded it, from the root
        directory = (graph.root / source).resolve()
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
    child = Scope(path=address, directory=directory, arguments=arguments, caller=scope)
    where = scope.origins.get(f"module.{name}", "")
    child.origins.update({f"var.{k}": where for k in arguments})
    return child


def _line(body: Mapping[str, object]) -> int:
    line = body.get("__start_line__", 1)
    return line if isinstance(line, int) else 1


def _dicts(value: object) -> list[dict[str, object]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def blocks(body: Mapping[str, object], name: str) -> list[dict[str, object]]:
    """The nested blocks ``name`` of a resource body (a list, one entry per block)."""
    value = body.get(name)
    return [value] if isinstance(value, dict) else _dicts(value)


# --- plans ---------------------------------------------------------------------------------


def plan_json(text: str) -> object:
    """A plan file's JSON (``terraform show -json``), however deeply its modules nest:
    what the standard parser refuses for its recursion (about 500 nested modules) is
    read by an iterative one. Raises ValueError when it is not JSON."""
    try:
        return json.loads(text)
    except RecursionError:
        return _deep_json(text)


_JSON_TOKEN = re.compile(
    r"[ \t\n\r]*(?:([\[\]{},:])|(\")|(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?)"
    r"|(true|false|null))"
)
_JSON_WORDS: dict[str, object] = {"true": True, "false": False, "null": None}


def _json_tokens(text: str) -> Iterator[tuple[str, object]]:
    """(kind, value): a punctuation mark (kind is the mark), a "string" or a "value"."""
    position = 0
    while True:
        match = _JSON_TOKEN.match(text, position)
        if match is None:
            if text[position:].strip(" \t\n\r"):
                raise ValueError(f"not JSON at {position}")
            return
        position = match.end()
        mark, quote, digits, word = match.groups()
        if mark:
            yield mark, None
        elif quote:
            value, position = json.decoder.scanstring(text, position)  # type: ignore[attr-defined]
            yield "string", value
        elif digits is not None:
            yield "value", json.loads(digits)
        else:
            yield "value", _JSON_WORDS[word]


def _deep_json(text: str) -> object:  # noqa: PLR0912  (a state machine: a branch per token)
    """JSON with an explicit stack instead of recursion (``json.loads`` refuses past
    about a thousand levels). Raises ValueError on anything that is not JSON."""
    top: list[object] = []
    stack: list[list[object] | dict[str, object]] = [top]
    key: str | None = None
    anything = {"value", "string", "[", "{"}
    expect = anything
    for kind, value in _json_tokens(text):
        if kind not in expect:
            raise ValueError(f"not JSON: {kind} where {sorted(expect)} belongs")
        container = stack[-1]
        if kind in ("]", "}"):
            stack.pop()
            expect = _after_value(stack)
        elif kind == ":":
            expect = anything
        elif kind == ",":
            expect = anything if isinstance(container, list) else {"string"}
        elif isinstance(container, dict) and key is None:  # an object's key
            key, expect = str(value), {":"}
        else:
            child: object = value
            if kind in ("[", "{"):
                child = [] if kind == "[" else {}
            if isinstance(container, list):
                container.append(child)
            else:
                container[str(key)] = child
                key = None
            if isinstance(child, list | dict) and kind in ("[", "{"):
                stack.append(child)
                expect = anything | {"]"} if kind == "[" else {"string", "}"}
            else:
                expect = _after_value(stack)
    if len(stack) != 1 or len(top) != 1:
        raise ValueError("not JSON: unfinished")
    return top[0]


def _after_value(stack: Sequence[list[object] | dict[str, object]]) -> set[str]:
    if len(stack) == 1:
        return set()  # one document: nothing may follow it
    return {",", "]"} if isinstance(stack[-1], list) else {",", "}"}


def load_plan(
    document: Mapping[str, object], file: str, budget: Budget | None = None
) -> TerraformGraph:
    """The graph of a plan as ``terraform show -json`` prints it: planned values, every
    module flattened, addresses as Terraform writes them. Values known only after apply
    are absent from the plan and read as UNKNOWN; a plan has no line numbers, so
    findings point at the plan file. Values nested deeper than the budget's bound are
    UNKNOWN (and noted): the rules walk values recursively."""
    graph = TerraformGraph(root=Path(file), resources=[], skipped=[], budget=budget or Budget())
    scope = Scope(path="", directory=Path(file).parent, arguments={}, caller=None)
    planned = document.get("planned_values")
    stack = [planned.get("root_module")] if isinstance(planned, Mapping) else []
    limit = graph.budget.bounds.max_depth
    while stack:
        module = stack.pop()
        if not isinstance(module, Mapping):
            continue
        for item in _dicts(module.get("resources")):
            address, values = item.get("address"), item.get("values")
            if not isinstance(address, str) or not isinstance(values, dict):
                continue
            body: dict[str, object] = {}
            for key, value in values.items():
                if value is None:
                    continue
                if nesting(value, limit) > limit:
                    graph.skipped.append(
                        f"{file}: {address}.{key} nested deeper than {limit} levels "
                        "(evaluated as unknown)"
                    )
                    value = UNKNOWN  # noqa: PLW2901
                body[key] = value
            graph.resources.append(
                Resource(
                    address=address,
                    type=str(item.get("type", "")),
                    name=str(item.get("name", "")),
                    mode="data" if item.get("mode") == "data" else "managed",
                    body=body,
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
