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
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from infra_architect._kubectl import build_overlay
from infra_architect.iac import K8sObject, load_manifests
from infra_architect.review._walk import Found, Kind, Skipped, Walk, join, parent

BUILD_SECONDS = 60

Build = Callable[[Path, float], tuple[str | None, str]]
"""(directory, seconds allowed) → (rendered YAML, or None and the error)."""

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


@dataclass(frozen=True)
class Tree:
    """What a check may know of the reviewed tree: the walked files, the directories
    holding a kustomization, and whether a relative path really stays inside (symlinks
    resolved; I/O, so passed in)."""

    files: Mapping[str, Found]
    kustomizations: Mapping[str, Found]
    stays_inside: Callable[[str], bool]
    is_file: Callable[[str], bool]


def filesystem_tree(walked: Walk, base: Path) -> Tree:
    real = base.resolve()

    def stays_inside(relative: str) -> bool:
        try:
            resolved = (real / relative).resolve()
        except (OSError, RuntimeError):
            return False
        return resolved == real or real in resolved.parents

    def is_file(relative: str) -> bool:
        return (real / relative).is_file()

    return Tree(
        files={f.path: f for f in walked.files},
        kustomizations={parent(f.path): f for f in walked.files if f.kind is Kind.KUSTOMIZATION},
        stays_inside=stays_inside,
        is_file=is_file,
    )


@dataclass
class Checked:
    """One kustomization checked: the kustomizations it includes and its refusals."""

    includes: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def check_kustomization(directory: str, found: Found, tree: Tree) -> Checked:
    """The allow-list applied to one kustomization file of the tree."""
    out = Checked()
    document, error = parse_yaml(found.text)
    if error is not None:
        out.refused.append(f"kustomization is not YAML ({error})")
        return out
    loads = kustomization_loads(document)
    out.refused += loads.refused
    for where, text in loads.inline_plugins:
        out.refused += [f"{where}: {r}" for r in _plugin_config(directory, text)]
    for load in loads.loads:
        reason = _check_load(directory, load, tree, out)
        if reason is not None:
            out.refused.append(f"{load.where}: {reason}")
    return out


def _check_load(directory: str, load: Load, tree: Tree, out: Checked) -> str | None:
    reason = remote_reason(load.value)
    if reason is not None:
        return reason
    target = join(directory, load.value)
    if target is None:
        return f"{_shown(load.value)} leaves the reviewed tree"
    if not tree.stays_inside(target):
        return f"{_shown(load.value)} leads outside the reviewed tree (symlink)"
    if load.target == "file":
        return None  # read by kustomize under its root-only restrictor, or a build error
    if target in tree.kustomizations:
        out.includes.append(target)
        return None
    if load.target == "plugin":
        found = tree.files.get(target)
        if found is None:
            return f"plugin config {_shown(load.value)} was not read (skipped or absent)"
        problems = _plugin_config(directory, found.text)
        return "; ".join(problems) if problems else None
    if target in tree.files or tree.is_file(target):
        return None  # a manifest in the tree (kustomize reads it locally)
    # kustomize tries what it cannot find locally as a remote repository
    return f"{_shown(load.value)} was not read (skipped or absent): kustomize would try it remote"


def _plugin_config(directory: str, text: str) -> list[str]:
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
        if reason is None and ".." in value.split("/") and join(directory, value) is None:
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


def overlays(walked: Walk, tree: Tree) -> tuple[list[str], list[Skipped]]:
    """Kustomization directories to build: those no other kustomization includes, whose
    every included kustomization, recursively, passes the allow-list."""
    checked = {d: check_kustomization(d, f, tree) for d, f in tree.kustomizations.items()}
    files_per_directory = Counter(
        parent(f.path) for f in walked.files if f.kind is Kind.KUSTOMIZATION
    )
    for directory, count in files_per_directory.items():
        if count > 1 and directory in checked:  # which one kustomize reads is its error
            checked[directory].refused.append(f"{count} kustomization files in one directory")
    included = {target for c in checked.values() for target in c.includes}
    tops = sorted(d for d in checked if d not in included)
    skips: list[Skipped] = []
    for directory, c in sorted(checked.items()):
        if c.refused:
            skips.append(_not_built(tree, directory, "; ".join(c.refused)))
    buildable: list[str] = []
    reached: set[str] = set()
    for top in tops:
        closure = _closure(top, checked)
        reached |= closure
        refused = sorted(d for d in closure if checked[d].refused and d != top)
        if checked[top].refused:
            continue
        if refused:
            skips.append(_not_built(tree, top, f"includes {refused[0]}, which is refused"))
            continue
        buildable.append(top)
    skips += [
        _not_built(tree, d, "part of an include cycle (no overlay includes it)")
        for d in sorted(set(checked) - reached)
        if not checked[d].refused
    ]
    return buildable, skips


def _closure(top: str, checked: Mapping[str, Checked]) -> set[str]:
    seen = {top}
    stack = [top]
    while stack:
        for target in checked[stack.pop()].includes:
            if target not in seen and target in checked:
                seen.add(target)
                stack.append(target)
    return seen


def _not_built(tree: Tree, directory: str, why: str) -> Skipped:
    return Skipped(path=tree.kustomizations[directory].path, reason=f"not built: {why}")


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


def built_objects(  # noqa: PLR0917  (one review's context)
    walked: Walk,
    base: Path,
    raw: list[K8sObject],
    build: Build | None,
    seconds_left: Callable[[], float] | None = None,
    tree: Tree | None = None,
) -> tuple[list[K8sObject], list[Skipped]]:
    """Objects as the overlays render them, located at the raw object they come from
    (same kind and name) or at the kustomization; raw objects an overlay covers are
    replaced by its rendering. Without kubectl, the raw objects as they are."""
    tops, skips = overlays(walked, tree or filesystem_tree(walked, base))
    if not tops:
        return raw, skips
    if build is None:
        return raw, [
            *skips,
            *(Skipped(path=d, reason="kustomize overlay not built: kubectl not found")
              for d in tops),
        ]  # fmt: skip
    located = {(o.kind, o.name): o for o in raw}
    covered: set[tuple[str, str]] = set()
    out: list[K8sObject] = []
    for directory in tops:
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
        for obj in rendered_objects:
            source = located.get((obj.kind, obj.name))
            doc = dict(obj.doc)
            doc.setdefault("metadata", {})
            annotations = dict((doc["metadata"] or {}).get("annotations") or {})
            annotations["infra-architect/overlay"] = directory
            doc["metadata"] = {**(doc["metadata"] or {}), "annotations": annotations}
            if source is not None:
                covered.add((obj.kind, obj.name))
                out.append(K8sObject(file=source.file, line=source.line, doc=doc))
            else:
                out.append(K8sObject(file=f"{directory}/kustomization.yaml", line=1, doc=doc))
    out += [o for o in raw if (o.kind, o.name) not in covered]
    return out, skips
