"""Kustomize overlays in a reviewed tree, built with ``kubectl kustomize`` when kubectl
is present, so the rules see what a cluster would get (replicas after patches, images
after overrides).

Never fetches, never reads outside the tree. kustomize loads a URL from almost every
field that names a file (``patches[].path``, generator ``files``/``envs``, ``openapi``,
``crds``, ``replacements[].path``, plugin configs ...) and clones a git repository named
in ``resources``/``components``; its root-only load restrictor does not stop either.
So an overlay is built only when every kustomization it includes, recursively, passes an
allow-list: each field kustomize reads a path or URL from (``api/types/kustomization.go``)
holds a relative path that stays in the reviewed tree, each resource or component is a
file or kustomization this review read, and no other field is present. Anything else
(a URL, ``git::``, ``github.com/...``, ``?ref=``, ``host:path``, an absolute path, ``..``
out of the tree, a symlink out, Helm charts, an unknown field) leaves the overlay
unbuilt, with the reason. kubectl then runs with its root-only restrictor, plugins and
Helm off, and an environment that points nowhere (no HOME, kubeconfig, proxy or PATH).

One exception to "in the reviewed tree": an overlay reviewed on its own usually names its
base above it (``review repo/overlays/prod``, base ``repo/base``). When the reviewed path
sits inside a repository (a ``.git`` above it), ``..`` may climb as far as that
repository's root, never further and never through a symlink out of it; what is read up
there (the included kustomizations, checked by the same allow-list) is read, not walked.

Each built overlay is its own graph: one overlay's NetworkPolicy, PDB or autoscaler says
nothing about another overlay's workloads. kubectl builds the overlay itself (review
writes nothing, not even a scratch kustomization outside the tree), and each rendered
object is located at the manifest it comes from by kind and name (a ``namePrefix`` copy
by the longest name it contains), or at its origin annotation when the overlay asks for
them; a manifest file an overlay consumed is reviewed through that overlay only (the
prefixed copy and the raw base are one workload, not two); an object from a base above
the reviewed path is located at the overlay's kustomization. A ``kind:
Component`` is never built alone: it is not deployable on its own.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from infra_architect._io import UnreadableFileError, read_input
from infra_architect._kubectl import build_overlay
from infra_architect.iac import K8sObject, load_manifests
from infra_architect.review._walk import Found, Kind, Limits, Skipped, Walk, parent

BUILD_SECONDS = 60

Build = Callable[[Path, float], tuple[str | None, str]]
"""(overlay directory, seconds allowed) → (rendered YAML, or None and the error)."""

# Fields with nothing kustomize loads (names, labels, selectors, inline values).
_INERT = frozenset(
    {
        "apiVersion",
        "kind",
        "metadata",
        "namePrefix",
        "nameSuffix",
        "namespace",
        "commonLabels",
        "labels",
        "commonAnnotations",
        "images",
        "replicas",
        "vars",
        "generatorOptions",
        "inventory",
        "buildMetadata",
        "sortOptions",
    }
)
_RESOURCE_LISTS = ("resources", "bases", "components")
_FILE_LISTS = ("crds", "configurations")
_PLUGIN_LISTS = ("generators", "transformers", "validators")
_PATCH_LISTS = ("patches", "patchesJson6902")
_GENERATOR_LISTS = ("configMapGenerator", "secretGenerator")
_HELM = ("helmCharts", "helmGlobals", "helmChartInflationGenerator")
_PATCH_KEYS = frozenset({"path", "patch", "target", "options"})
_GENERATOR_KEYS = frozenset(
    {"name", "namespace", "behavior", "files", "envs", "env", "literals", "options", "type"}
)
_REPLACEMENT_KEYS = frozenset({"path", "source", "targets"})
KNOWN_FIELDS = frozenset(
    {
        *_INERT,
        *_RESOURCE_LISTS,
        *_FILE_LISTS,
        *_PLUGIN_LISTS,
        *_PATCH_LISTS,
        *_GENERATOR_LISTS,
        *_HELM,
        "patchesStrategicMerge",
        "replacements",
        "openapi",
    }
)
"""Every field of kustomize's Kustomization type (v5): any other is refused."""

_REMOTE = re.compile(
    r"""
      ^[a-z][a-z0-9+.-]*:/           # a scheme: http://, https://, file:/, ssh://, git://, s3://
    | ^[a-z0-9+.-]+::                # a go-getter forced scheme: git::, hg::, s3::
    | ^(?:github\.com|gitlab\.com|bitbucket\.org|(?:ssh\.)?dev\.azure\.com)(?:[/:]|$)
    | [?&]ref=                       # a git ref
    | ^[^/]*@[^/]*:                  # user@host:path (scp form)
    | ^[\w-]+(?:\.[\w-]+)+:          # host.tld:path (scp form without a user)
    | .//                            # repo//subdirectory (go-getter)
    """,
    re.IGNORECASE | re.VERBOSE,
)


def remote_reason(value: str) -> str | None:
    """Why a path kustomize would read is not a local relative path (None: it is)."""
    if not value.strip():
        return "an empty path"
    if "\x00" in value or "\n" in value:
        return "not a path"
    if _REMOTE.search(value):
        return f"names a remote location ({_shown(value)}): not fetched"
    if value.startswith(("/", "\\", "~")):
        return f"{_shown(value)} is an absolute path: not read"
    return None


Target = Literal["resource", "file", "plugin"]


@dataclass(frozen=True)
class Load:
    """One thing kustomize would load: where it is named, the value, what it must be."""

    where: str
    value: str
    target: Target


@dataclass
class Loads:
    """What one kustomization document would make kustomize load, and what it holds
    that refuses the build whatever the tree holds."""

    loads: list[Load] = field(default_factory=list)
    inline_plugins: list[tuple[str, str]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def kustomization_loads(document: object) -> Loads:  # noqa: PLR0912  (one branch per kustomize field)
    """Every path or URL a kustomization names, field by field; unknown fields, Helm
    and malformed entries are refused outright."""
    out = Loads()
    if document is None:
        return out
    if not isinstance(document, dict):
        out.refused.append("not a mapping")
        return out
    for key in sorted(document, key=str):
        value = document[key]
        name = str(key)
        if name in _INERT:
            continue
        if name not in KNOWN_FIELDS:
            out.refused.append(f"unknown field {_shown(name)!r} (it may name what to load)")
        elif name in _HELM:
            if value:
                out.refused.append(f"{name}: Helm charts are not inflated (Helm stays off)")
        elif name in _RESOURCE_LISTS:
            _strings(out, name, value, "resource")
        elif name in _FILE_LISTS:
            _strings(out, name, value, "file")
        elif name in _PLUGIN_LISTS:
            for where, entry in _text_entries(out, name, value):
                if "\n" in entry:
                    out.inline_plugins.append((where, entry))
                else:
                    out.loads.append(Load(where, entry, "plugin"))
        elif name == "patchesStrategicMerge":
            for where, entry in _text_entries(out, name, value):
                if "\n" not in entry and not entry.lstrip().startswith(("{", "[")):
                    out.loads.append(Load(where, entry, "file"))  # else an inline patch
        elif name in _PATCH_LISTS:
            _objects(out, name, value, _PATCH_KEYS, ("path",))
        elif name == "replacements":
            _objects(out, name, value, _REPLACEMENT_KEYS, ("path",))
        elif name in _GENERATOR_LISTS:
            _generators(out, name, value)
        elif name == "openapi":
            if not isinstance(value, dict):
                out.refused.append("openapi: not a mapping")
                continue
            for sub, text in value.items():
                if sub == "version":
                    continue
                if not isinstance(text, str):
                    out.refused.append(f"openapi.{_shown(str(sub))}: not a string")
                else:
                    out.loads.append(Load(f"openapi.{sub}", text, "file"))
    return out


def _entries(out: Loads, name: str, value: object) -> Iterator[tuple[str, object]]:
    if value is None:
        return
    if not isinstance(value, list):
        out.refused.append(f"{name}: not a list")
        return
    for index, entry in enumerate(value):
        yield f"{name}[{index}]", entry


def _text_entries(out: Loads, name: str, value: object) -> Iterator[tuple[str, str]]:
    for where, entry in _entries(out, name, value):
        if isinstance(entry, str):
            yield where, entry
        else:
            out.refused.append(f"{where}: not a string")


def _mapping_entries(
    out: Loads, name: str, value: object, keys: frozenset[str]
) -> Iterator[tuple[str, dict[object, object]]]:
    for where, entry in _entries(out, name, value):
        if not isinstance(entry, dict):
            out.refused.append(f"{where}: not a mapping")
            continue
        unknown = sorted(str(k) for k in entry if k not in keys)
        if unknown:
            out.refused.append(f"{where}: unknown field {_shown(unknown[0])!r}")
        yield where, entry


def _strings(out: Loads, name: str, value: object, target: Target) -> None:
    out.loads += [Load(where, entry, target) for where, entry in _text_entries(out, name, value)]


def _objects(
    out: Loads, name: str, value: object, keys: frozenset[str], paths: tuple[str, ...]
) -> None:
    for where, entry in _mapping_entries(out, name, value, keys):
        for key in paths:
            text = entry.get(key)
            if text is None:
                continue
            if isinstance(text, str):
                out.loads.append(Load(f"{where}.{key}", text, "file"))
            else:
                out.refused.append(f"{where}.{key}: not a string")


def _generators(out: Loads, name: str, value: object) -> None:
    for where, entry in _mapping_entries(out, name, value, _GENERATOR_KEYS):
        sources: list[tuple[str, object]] = []
        if entry.get("env") is not None:
            sources.append(("env", entry["env"]))
        for key in ("files", "envs"):
            listed = entry.get(key)
            if listed is None:
                continue
            if not isinstance(listed, list):
                out.refused.append(f"{where}.{key}: not a list")
                continue
            sources += [(f"{key}[{i}]", text) for i, text in enumerate(listed)]
        for sub, text in sources:
            if not isinstance(text, str):
                out.refused.append(f"{where}.{sub}: not a string")
                continue
            # files: `[key=]path`, the key never contains "=" (kustomize splits on the first)
            path = text.split("=", 1)[1] if sub.startswith("files") and "=" in text else text
            out.loads.append(Load(f"{where}.{sub}", path, "file"))


def _shown(value: str, limit: int = 120) -> str:
    return value if len(value) <= limit else value[: limit - 3] + "..."


# --- the tree ------------------------------------------------------------------------------


_KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def _no_kustomization(directory: str) -> list[Found]:
    del directory
    return []


def _no_text(path: str) -> str | None:
    del path
    return None


@dataclass(frozen=True)
class Tree:
    """What a check may know of the reviewed tree: the walked files, the directories
    holding a kustomization, and whether a relative path really stays inside (symlinks
    resolved; I/O, so passed in). ``above`` is how far ``..`` may climb over the
    reviewed root (to the repository's root; 0: not at all); what lies up there is read
    on demand: a directory's kustomization files and a file's text."""

    files: Mapping[str, Found]
    kustomizations: Mapping[str, Found]
    stays_inside: Callable[[str], bool]
    is_file: Callable[[str], bool]
    above: int = 0
    kustomizations_above: Callable[[str], list[Found]] = _no_kustomization
    read_above: Callable[[str], str | None] = _no_text


def is_above(path: str) -> bool:
    """Whether a normalised relative path lies over the reviewed root."""
    return path == ".." or path.startswith("../")


def resolve(directory: str, relative: str, above: int = 0) -> str | None:
    """``join`` that may climb ``above`` levels over the reviewed root (``../../base``)."""
    parts: list[str] = []
    ups = 0
    for part in f"{directory}/{relative}".split("/"):
        if part in ("", "."):
            continue
        if part != "..":
            parts.append(part)
        elif parts:
            parts.pop()
        elif ups < above:
            ups += 1
        else:
            return None
    return "/".join([".."] * ups + parts) or "."


def filesystem_tree(walked: Walk, base: Path, repository: Path | None = None) -> Tree:
    """The reviewed tree on disk; with ``repository`` (a directory over ``base``),
    kustomizations may name what lies between the two."""
    real = base.resolve()
    top = repository.resolve() if repository is not None else real
    above = len(real.relative_to(top).parts) if real.is_relative_to(top) else 0
    if above == 0:
        top = real

    def within(relative: str, root: Path) -> Path | None:
        try:
            resolved = (real / relative).resolve()
        except (OSError, RuntimeError):
            return None
        return resolved if resolved == root or root in resolved.parents else None

    def stays_inside(relative: str) -> bool:
        # inside the reviewed tree stays inside it; only a path written over it may
        # reach the rest of the repository
        return within(relative, top if is_above(relative) else real) is not None

    def is_file(relative: str) -> bool:
        return stays_inside(relative) and (real / relative).is_file()

    def read_above(relative: str) -> str | None:
        target = within(relative, top) if is_above(relative) else None
        if target is None:
            return None
        try:
            data = read_input(target, Limits().max_file_bytes, follow_links=False)
            return data.decode("utf-8")
        except (UnreadableFileError, UnicodeDecodeError):
            return None

    def kustomizations_above(directory: str) -> list[Found]:
        out = []
        for name in _KUSTOMIZATION_NAMES:
            path = f"{directory}/{name}"
            if is_file(path):
                text = read_above(path)
                if text is not None:  # else not an include: refused as not read
                    out.append(Found(path=path, kind=Kind.KUSTOMIZATION, text=text))
        return out

    return Tree(
        files={f.path: f for f in walked.files},
        kustomizations={parent(f.path): f for f in walked.files if f.kind is Kind.KUSTOMIZATION},
        stays_inside=stays_inside,
        is_file=is_file,
        above=above,
        kustomizations_above=kustomizations_above,
        read_above=read_above,
    )


@dataclass
class Checked:
    """One kustomization checked: the kustomizations it includes, its refusals, whether
    it is a ``kind: Component`` and the manifest files it lists as resources."""

    includes: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    component: bool = False
    resources: list[str] = field(default_factory=list)


def check_kustomization(directory: str, found: Found, tree: Tree) -> Checked:
    """The allow-list applied to one kustomization file of the tree."""
    out = Checked()
    document, error = parse_yaml(found.text)
    if error is not None:
        out.refused.append(f"kustomization is not YAML ({error})")
        return out
    out.component = isinstance(document, dict) and document.get("kind") == "Component"
    loads = kustomization_loads(document)
    out.refused += loads.refused
    for where, text in loads.inline_plugins:
        out.refused += [f"{where}: {r}" for r in _plugin_config(directory, text, tree.above)]
    for load in loads.loads:
        reason = _check_load(directory, load, tree, out)
        if reason is not None:
            out.refused.append(f"{load.where}: {reason}")
    return out


def _check_load(directory: str, load: Load, tree: Tree, out: Checked) -> str | None:
    reason = remote_reason(load.value)
    if reason is not None:
        return reason
    target = resolve(directory, load.value, tree.above)
    if target is None:
        where = "the repository" if tree.above else "the reviewed tree"
        return f"{_shown(load.value)} leaves {where}"
    if not tree.stays_inside(target):
        where = "the repository" if is_above(target) else "the reviewed tree"
        return f"{_shown(load.value)} leads outside {where} (symlink)"
    if load.target == "file":
        return None  # read by kustomize under its root-only restrictor, or a build error
    if target in tree.kustomizations or (is_above(target) and tree.kustomizations_above(target)):
        out.includes.append(target)
        return None
    if load.target == "plugin":
        found = tree.files.get(target)
        if found is None:
            return f"plugin config {_shown(load.value)} was not read (skipped or absent)"
        problems = _plugin_config(directory, found.text, tree.above)
        return "; ".join(problems) if problems else None
    if target in tree.files or tree.is_file(target):
        out.resources.append(target)
        return None  # a manifest in the tree (kustomize reads it locally)
    # kustomize tries what it cannot find locally as a remote repository
    return f"{_shown(load.value)} was not read (skipped or absent): kustomize would try it remote"


def _plugin_config(directory: str, text: str, above: int = 0) -> list[str]:
    """A generator/transformer/validator config (inline or a file): refused when any
    string in it looks like a remote location, an absolute path or a path out of the
    tree (builtin plugins load files named anywhere in their config)."""
    try:
        documents = list(yaml.safe_load_all(text))
    except (yaml.YAMLError, RecursionError):
        return ["plugin config is not YAML"]
    problems: list[str] = []
    for value in _strings_in(documents):
        if "\n" in value:
            continue  # an inline patch or document, not a path
        reason = remote_reason(value) if value.strip() else None
        if reason is None and ".." in value.split("/") and resolve(directory, value, above) is None:
            reason = f"{_shown(value)} leaves the reviewed tree"
        if reason is not None and reason not in problems:
            problems.append(f"plugin config: {reason}")
    return problems


def _strings_in(documents: list[object]) -> Iterator[str]:
    """Every string value (not key) in parsed YAML, each node once (aliases shared)."""
    stack: list[object] = list(documents)
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            yield node
        elif isinstance(node, (dict, list)):
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack += list(node.values()) if isinstance(node, dict) else node


def parse_yaml(text: str) -> tuple[object, str | None]:
    """One YAML document, or the error (hostile nesting included)."""
    try:
        return yaml.safe_load(text), None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, f"line {mark.line + 1}" if mark is not None else "unreadable"
    except RecursionError:
        return None, "nested too deeply"


# --- which overlays to build ---------------------------------------------------------------


@dataclass(frozen=True)
class OverlayPlan:
    """What to build: the overlays (kustomizations no other includes, every included one
    allowed), what is not built and why, and the manifest files ``kind: Component``
    kustomizations list (never objects of their own: only an overlay deploys them)."""

    tops: list[str]
    skipped: list[Skipped]
    component_files: frozenset[str]


def overlays(walked: Walk, tree: Tree) -> tuple[list[str], list[Skipped]]:
    """Kustomization directories to build: those no other kustomization includes, whose
    every included kustomization, recursively, passes the allow-list."""
    plan = plan_overlays(walked, tree)
    return plan.tops, plan.skipped


def plan_overlays(walked: Walk, tree: Tree) -> OverlayPlan:
    """See :class:`OverlayPlan`. A kustomization over the reviewed root is checked when
    one in the tree includes it, and is never built by itself."""
    sources = dict(tree.kustomizations)
    checked = {d: check_kustomization(d, f, tree) for d, f in sources.items()}
    files_per_directory = Counter(
        parent(f.path) for f in walked.files if f.kind is Kind.KUSTOMIZATION
    )
    pending = sorted({t for c in checked.values() for t in c.includes} - set(checked))
    while pending:
        directory = pending.pop()
        if directory in checked or not is_above(directory):
            continue
        found = tree.kustomizations_above(directory)
        if not found:
            continue
        sources[directory] = found[0]
        files_per_directory[directory] = len(found)
        checked[directory] = check_kustomization(directory, found[0], tree)
        pending += [t for t in checked[directory].includes if t not in checked]
    for directory, count in files_per_directory.items():
        if count > 1 and directory in checked:  # which one kustomize reads is its error
            checked[directory].refused.append(f"{count} kustomization files in one directory")
    included = {target for c in checked.values() for target in c.includes}
    tops = sorted(d for d in checked if d not in included and not is_above(d))
    skips: list[Skipped] = []
    for directory, c in sorted(checked.items()):
        if c.refused:
            skips.append(_not_built(sources, directory, "; ".join(c.refused)))
    buildable: list[str] = []
    reached: set[str] = set()
    for top in tops:
        closure = _closure(top, checked)
        reached |= closure
        refused = sorted(d for d in closure if checked[d].refused and d != top)
        if checked[top].refused:
            continue
        if refused:
            skips.append(_not_built(sources, top, f"includes {refused[0]}, which is refused"))
            continue
        if checked[top].component:
            why = "a kustomize Component no overlay includes (not deployable on its own)"
            skips.append(_not_built(sources, top, why, by_design=True))
            continue
        buildable.append(top)
    skips += [
        _not_built(sources, d, "part of an include cycle (no overlay includes it)")
        for d in sorted(set(checked) - reached)
        if not checked[d].refused and not is_above(d)
    ]
    components = frozenset(f for c in checked.values() if c.component for f in c.resources)
    return OverlayPlan(tops=buildable, skipped=skips, component_files=components)


def _closure(top: str, checked: Mapping[str, Checked]) -> set[str]:
    seen = {top}
    stack = [top]
    while stack:
        for target in checked[stack.pop()].includes:
            if target not in seen and target in checked:
                seen.add(target)
                stack.append(target)
    return seen


def _not_built(
    sources: Mapping[str, Found], directory: str, why: str, *, by_design: bool = False
) -> Skipped:
    return Skipped(path=sources[directory].path, reason=f"not built: {why}", by_design=by_design)


# --- building --------------------------------------------------------------------------------


def kubectl_build(kubectl: str) -> Build:
    def build(directory: Path, seconds: float) -> tuple[str | None, str]:
        allowed = min(BUILD_SECONDS, seconds)
        try:
            rendered, errors = build_overlay(kubectl, directory, allowed)
        except subprocess.TimeoutExpired:
            return None, f"kubectl kustomize took over {allowed:g} s"
        except OSError as exc:
            return None, f"kubectl could not run ({exc.strerror})"
        return rendered, errors[-1] if errors else ""

    return build


ORIGIN = "config.kubernetes.io/origin"
"""The annotation ``buildMetadata: [originAnnotations]`` gives each rendered object: the
file it was read from, relative to the kustomization built."""


@dataclass(frozen=True)
class OverlayGraph:
    """The objects one run of the rules sees: one built overlay's rendering, or (overlay
    None) the plain manifests no built overlay consumed, or (``chart``) one rendered Helm
    chart, ``overlay`` its directory."""

    overlay: str | None
    objects: list[K8sObject]
    chart: bool = False


def built_objects(  # noqa: PLR0917  (one review's context)
    walked: Walk,
    base: Path,
    raw: list[K8sObject],
    build: Build | None,
    seconds_left: Callable[[], float] | None = None,
    tree: Tree | None = None,
) -> tuple[list[OverlayGraph], list[Skipped]]:
    """One graph per built overlay, its objects located at the file (and object) they
    come from, else at the overlay's kustomization; then one graph of the raw objects no
    built overlay consumed (a base no overlay builds is reviewed as it is; a Component's
    files only through an overlay). Without kubectl, the raw objects as they are."""
    tree = tree or filesystem_tree(walked, base)
    plan = plan_overlays(walked, tree)
    skips = list(plan.skipped)
    standalone = [o for o in raw if o.file not in plan.component_files]
    if plan.tops and build is None:
        skips += [
            Skipped(path=d, reason="kustomize overlay not built: kubectl not found")
            for d in plan.tops
        ]
    graphs: list[OverlayGraph] = []
    if plan.tops and build is not None:
        origins = _Origins(base.resolve(), raw, tree)
        for directory in plan.tops:
            left = seconds_left() if seconds_left is not None else float(BUILD_SECONDS)
            if left <= 0:
                skips.append(Skipped(path=directory, reason="not built: the --timeout was spent"))
                continue
            rendered, error = build(base / directory, left)
            if rendered is None:
                skips.append(Skipped(path=directory, reason=f"kustomize build failed: {error}"))
                continue
            try:
                rendered_objects = load_manifests(rendered, directory)
            except (yaml.YAMLError, RecursionError):
                skips.append(Skipped(path=directory, reason="kustomize build is not YAML"))
                continue
            objects = [origins.locate(o, directory, base / directory) for o in rendered_objects]
            graphs.append(OverlayGraph(overlay=directory, objects=objects))
        consumed = origins.consumed
    else:
        consumed = set()
    rest = [o for o in standalone if o.file not in consumed]
    if rest:
        graphs.append(OverlayGraph(overlay=None, objects=rest))
    return graphs, skips


class _Origins:
    """Where a rendered object comes from: the file its origin annotation names (when it
    is one the review read, in the tree or in the repository over it) and the object in
    it, or the overlay's kustomization; and which raw files the builds consumed, so they
    are not reviewed a second time on their own."""

    def __init__(self, base: Path, raw: list[K8sObject], tree: Tree) -> None:
        self.base = base
        self.tree = tree
        self.by_file: dict[str, list[K8sObject]] = {}
        for obj in raw:
            self.by_file.setdefault(obj.file, []).append(obj)
        self.by_name: dict[tuple[str, str], list[K8sObject]] = {}
        for obj in raw:
            self.by_name.setdefault((obj.kind, obj.name), []).append(obj)
        self.consumed: set[str] = set()

    def locate(self, obj: K8sObject, directory: str, overlay: Path) -> K8sObject:
        metadata = dict(obj.doc.get("metadata") or {})
        annotations = dict(metadata.get("annotations") or {})
        origin = annotations.pop(ORIGIN, None)
        annotations["infra-architect/overlay"] = directory
        doc = {**obj.doc, "metadata": {**metadata, "annotations": annotations}}
        file = self._origin_file(origin, overlay)
        if file is not None:
            self.consumed.add(file)
            source = _same_object(obj, self._objects_of(file))
            return K8sObject(file=file, line=source.line if source else 1, doc=doc)
        source = self._by_name(obj, directory)
        if source is not None:  # a build without origins: matched by kind and name
            self.consumed.add(source.file)
            return K8sObject(file=source.file, line=source.line, doc=doc)
        return K8sObject(file=f"{directory}/kustomization.yaml", line=1, doc=doc)

    def _by_name(self, obj: K8sObject, directory: str) -> K8sObject | None:
        """The raw object a rendered one is, by kind and name (a ``namePrefix`` copy by the
        longest name it contains); of several alike (a base, a bundle, another overlay's
        copy), the one whose path shares most directories with the overlay's, then the
        first by path."""
        alike = self.by_name.get((obj.kind, obj.name))
        if alike is None:
            named = [o for group in self.by_name.values() for o in group if o.kind == obj.kind]
            found = _same_object(obj, named)
            alike = [] if found is None else self.by_name[(found.kind, found.name)]
        if not alike:
            return None
        here = directory.split("/")

        def shared(obj: K8sObject) -> int:
            there = obj.file.split("/")[:-1]
            return next(
                (i for i, (a, b) in enumerate(zip(here, there, strict=False)) if a != b),
                min(len(here), len(there)),
            )

        return min(alike, key=lambda o: (-shared(o), o.file, o.line))

    def _origin_file(self, origin: object, overlay: Path) -> str | None:
        if not isinstance(origin, str):
            return None
        parsed, error = parse_yaml(origin)
        path = parsed.get("path") if isinstance(parsed, dict) and error is None else None
        if not isinstance(path, str) or remote_reason(path) is not None:
            return None
        relative = Path(os.path.relpath(os.path.normpath(overlay / path), self.base)).as_posix()
        if relative in self.tree.files or relative in self.by_file:
            return relative
        if is_above(relative) and resolve(".", relative, self.tree.above) == relative:
            return relative if self.tree.stays_inside(relative) else None
        return None

    def _objects_of(self, file: str) -> list[K8sObject]:
        if file not in self.by_file:
            text = self.tree.read_above(file) if is_above(file) else None
            try:
                self.by_file[file] = load_manifests(text, file) if text else []
            except (yaml.YAMLError, RecursionError):
                self.by_file[file] = []
        return self.by_file[file]


def _same_object(rendered: K8sObject, candidates: list[K8sObject]) -> K8sObject | None:
    """The object of its origin file a rendered one comes from: same kind and name, else
    the longest name it contains (namePrefix/nameSuffix), else the file's only one of
    that kind."""
    kind = [c for c in candidates if c.kind == rendered.kind]
    named = [c for c in kind if c.name and c.name in rendered.name]
    if named:
        return max(named, key=lambda c: (c.name == rendered.name, len(c.name)))
    return kind[0] if len(kind) == 1 else None
