"""Review a tree: walk it (bounded), parse what it holds, run the rules, then apply the
suppressions and the baseline. It reads; the one program it may run is
``kubectl kustomize`` on local overlays (see ``_kustomize``), never terraform.

"Could not read" is never "no findings": every file, module or overlay not reviewed is
a ``Skipped`` with its reason, and unless it was left out by design (a kustomize patch
reviewed through its overlay, a Helm template, a remote or out-of-tree module, a module
cycle) the report is ``incomplete`` and the CLI fails the gate."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from infra_architect.catalog import PriceCatalog, load_catalog
from infra_architect.cost import price_graph
from infra_architect.iac import Budget, K8sObject, installed_modules, load_plan, plan_json
from infra_architect.review._helm import Render, chart_objects, inside
from infra_architect.review._inventory import Link, Part, inventory
from infra_architect.review._kustomize import (
    Build,
    OverlayGraph,
    built_objects,
    filesystem_tree,
)
from infra_architect.review._suppress import (
    Baseline,
    IgnoreFile,
    Suppression,
    fingerprint,
    inline_suppressions,
)
from infra_architect.review._walk import (
    MODULES_MANIFEST,
    TERRAFORM_DIR,
    Found,
    Kind,
    Limits,
    Skipped,
    Walk,
    join,
    parent,
    repository_root,
    walk,
)
from infra_architect.rules import (
    KUBERNETES_RULES,
    TERRAFORM_RULES,
    WORKFLOW_RULES,
    Finding,
    KubernetesGraph,
    RuleContext,
    Severity,
    WorkflowGraph,
    load_manifests,
    load_terraform,
    load_workflow,
    run_rules,
)

_MODULE_SOURCE = re.compile(r"""source\s*=\s*"(\.{1,2}/[^"]*)\"""")
_PATCH_KEYS = ("patchesStrategicMerge", "patches", "patchesJson6902")


class Reviewed(BaseModel):
    """One finding with its fate: reported, suppressed (and why) or in the baseline."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    finding: Finding
    fingerprint: str
    suppressed: str | None = Field(default=None, description="The reason, when suppressed.")
    suppression_kind: str | None = Field(default=None, description="inSource or external.")
    baselined: bool = False
    roots: tuple[str, ...] = Field(
        default=(), description="The Terraform root modules it was found through, sorted."
    )
    overlays: tuple[str, ...] = Field(
        default=(), description="The kustomize overlays it was found in, sorted."
    )

    @property
    def active(self) -> bool:
        return self.suppressed is None and not self.baselined


class RootCost(BaseModel):
    """A root module's list-price bill as its code states it (no usage, no growth)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    root: str
    monthly_usd: float
    priced: int
    usage_priced: int
    unknown: int


class ReviewReport(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    root: str
    files_read: int
    terraform_roots: list[str]
    resources: int
    kubernetes_objects: int
    findings: list[Reviewed]
    skipped: list[Skipped]
    stopped: str | None
    invalid_suppressions: list[str]
    seconds: float
    parts: list[Part] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    costs: list[RootCost] = Field(default_factory=list)
    region: str = "us-east-1"
    prices_as_of: str = ""
    workflows: int = 0

    @property
    def active(self) -> list[Reviewed]:
        return [r for r in self.findings if r.active]

    @property
    def unread(self) -> list[Skipped]:
        """What could not be read or built (not what was left out by design)."""
        return [s for s in self.skipped if not s.by_design]

    @property
    def incomplete(self) -> bool:
        """Whether anything could not be read, or the walk stopped at a limit: the
        findings then cover only part of the tree, and a gate must not pass."""
        return self.stopped is not None or bool(self.unread)

    @property
    def checked_nothing(self) -> bool:
        """Whether nothing a rule checks was read (no Terraform resource, Kubernetes
        object or workflow): a Terragrunt-only tree, a Helm chart not rendered, an empty
        directory. "No findings" then means nothing, and a gate must not pass on it. An
        incomplete review already says so (and why): this is the complete one."""
        empty = self.resources == 0 and self.kubernetes_objects == 0 and self.workflows == 0
        return empty and not self.incomplete

    @property
    def nothing_checked(self) -> str | None:
        """What was read when nothing was checked (None when something was)."""
        if not self.checked_nothing:
            return None
        if self.files_read == 0:
            return (
                "0 files of a kind we read (Terraform .tf, plan JSON, Kubernetes YAML, "
                "kustomizations, GitHub workflows): nothing was checked"
            )
        return (
            f"{self.files_read} files read, with no Terraform resource, Kubernetes object "
            "or GitHub workflow in them: nothing was checked"
        )

    def fails(self, level: Severity | None) -> bool:
        """Whether an active finding reaches ``level`` (None: never fail)."""
        if level is None:
            return False
        return any(r.finding.severity.rank >= level.rank for r in self.active)


class _Found:
    """What the readers collect while a review runs (one per review)."""

    def __init__(self) -> None:
        self.findings: list[_Traced] = []
        self.skipped: list[Skipped] = []
        self.resources = 0
        self.parts: list[Part] = []
        self.links: list[Link] = []
        self.costs: list[RootCost] = []


def review(
    root: Path,
    *,
    slo: float | None = None,
    environment_slos: Mapping[str, float] | None = None,
    limits: Limits | None = None,
    ignore: IgnoreFile | None = None,
    baseline: Baseline | None = None,
    region: str = "us-east-1",
    build: Build | None = None,
    render: Render | None = None,
    var_files: Sequence[str] = (),
    clock: Callable[[], float] = time.perf_counter,
) -> ReviewReport:
    """Review the tree at ``root``. ``build`` renders kustomize overlays (see
    :func:`kubectl_build`); without it their raw files are reviewed. ``slo`` is the
    availability target of everything; ``environment_slos`` (``{"prod": 99.9}``) that
    of the root modules, overlays and charts whose path names the environment (see
    :func:`slo_for`). ``render``
    renders Helm charts (see :func:`helm_render`); without it each chart is listed as
    not rendered, and the review is incomplete. ``var_files``:
    variable files inside the tree (paths relative to it) given to every root module
    after the ones Terraform loads itself, as ``terraform plan -var-file`` would."""
    start = clock()
    budget = (limits or Limits()).seconds
    base = root.resolve()
    walked = walk(base, limits)
    context = RuleContext(slo=slo)
    by_environment = dict(environment_slos or {})

    def context_of(path: str | None) -> RuleContext:
        return RuleContext(slo=slo_for(path, slo, by_environment))

    found = _Found()
    found.skipped += walked.skipped
    prices = load_catalog().price_catalog

    def evaluation() -> Budget:  # each root's own bounds; the review's one deadline
        return Budget(deadline=start + budget, clock=clock)

    roots = _terraform(
        walked,
        base,
        terraform_roots(walked),
        context_of,
        prices,
        region,
        found,
        evaluation,
        var_files,
    )
    _plans(walked, context, found)
    _workflows(walked, context, found)

    def seconds_left() -> float:
        return budget - (clock() - start)

    graphs, k8s_skips = kubernetes_graphs(
        walked, base, build=build, render=render, seconds_left=seconds_left
    )
    found.skipped += k8s_skips
    # each chart alone, as it is installed (its path names it: no overlay to trace);
    # each overlay alone: its policies cover only its workloads
    for graph in graphs:
        findings = run_rules(
            KubernetesGraph(graph.objects), context_of(graph.overlay), KUBERNETES_RULES
        )
        overlay = None if graph.chart else graph.overlay
        found.findings += [_Traced(f, overlay=overlay) for f in findings]
    inline, invalid = inline_suppressions({f.path: f.text for f in walked.files})
    reviewed = sorted(
        (_fate(group, inline, ignore, baseline) for group in _grouped(found.findings)),
        key=lambda r: (r.finding.file, r.finding.line, r.finding.rule_id, r.finding.message),
    )
    return ReviewReport(
        root=str(root),
        files_read=len(walked.files),
        terraform_roots=roots,
        resources=found.resources,
        kubernetes_objects=sum(len(g.objects) for g in graphs),
        findings=reviewed,
        skipped=sorted(set(found.skipped), key=lambda s: (s.path, s.reason)),
        stopped=walked.stopped,
        workflows=sum(1 for f in walked.files if f.kind is Kind.WORKFLOW),
        invalid_suppressions=invalid,
        seconds=round(clock() - start, 3),
        parts=found.parts,
        links=found.links,
        costs=found.costs,
        region=region,
        prices_as_of=prices.as_of,
    )


def _terraform(  # noqa: PLR0917  (one review's context)
    walked: Walk,
    base: Path,
    roots: list[str],
    context_of: Callable[[str], RuleContext],
    prices: PriceCatalog,
    region: str,
    found: _Found,
    evaluation: Callable[[], Budget] = Budget,
    var_files: Sequence[str] = (),
) -> list[str]:
    """Review every root module; return the roots reviewed. A directory of .tf files no
    root loaded (its caller only seemed to call it, e.g. from a comment) is reviewed as a
    root of its own: a module nobody loads must not be a module nobody reviews."""
    sources: dict[Path, list[tuple[Path, str]]] = {}
    real: dict[str, Path] = {}
    for f in walked.files:
        if f.kind is Kind.TERRAFORM:
            directory = parent(f.path)
            if directory not in real:
                real[directory] = (base / directory).resolve()
            sources.setdefault(real[directory], []).append((base / f.path, f.text))

    named, unnamed = _variable_files(walked, var_files, found)
    manifests = modules_manifests(walked)

    def review_root(directory: str) -> set[Path]:
        graph = load_terraform(
            real.get(directory, base / directory),
            base=base,
            sources=sources,
            budget=evaluation(),
            variable_files=[*auto_loaded(walked, directory), *named],
            installed=installed_modules(manifests.get(directory, "")),
        )
        found.resources += len(graph.resources)
        found.skipped += [_skip(s) for s in graph.skipped]
        found.skipped += [
            Skipped(path=_relative(m, base), reason="module directory: no Terraform read in it")
            for m in graph.modules
            if m not in sources
        ]
        parts, links = inventory(graph, directory)
        found.parts += parts
        found.links += links
        bill = price_graph(graph, prices, region, directory)
        found.costs.append(
            RootCost(
                root=directory,
                monthly_usd=bill.total_monthly_usd,
                priced=len(bill.resources),
                usage_priced=len(bill.usage_priced),
                unknown=len(bill.unknown),
            )
        )
        found.findings += [
            _Traced(f, root=directory)
            for f in run_rules(graph, context_of(directory), TERRAFORM_RULES)
        ]
        found.skipped += [_skip(n) for n in graph.notes()]  # what evaluation left unknown
        return set(graph.modules)

    loaded: set[Path] = set()
    reviewed: set[str] = set()
    pending = list(roots)
    while pending:
        for directory in pending:
            loaded |= review_root(directory)
        reviewed.update(pending)
        pending = sorted(
            d
            for d, path in real.items()
            if path not in loaded and d not in reviewed and not _installed(d)
        )
    found.skipped += [
        Skipped(path=f.path, reason=_NOT_AUTO_LOADED, by_design=True)
        for f in unnamed
        if not (_is_auto_loaded(f.path) and parent(f.path) in reviewed)
    ]
    return sorted(reviewed)


_NOT_AUTO_LOADED = (
    "variable file Terraform loads only when named (a root's terraform.tfvars and "
    "*.auto.tfvars load by themselves): not applied (review with --var-file)"
)


def _is_auto_loaded(path: str) -> bool:
    """Whether Terraform loads a variable file of a root's directory by itself."""
    name = path.rpartition("/")[2]
    return name in ("terraform.tfvars", "terraform.tfvars.json") or name.endswith(
        (".auto.tfvars", ".auto.tfvars.json")
    )


def modules_manifests(walked: Walk) -> dict[str, str]:
    """Each root directory's ``terraform init`` manifest (modules.json), by directory."""
    return {
        f.path.removesuffix(MODULES_MANIFEST).rstrip("/") or ".": f.text
        for f in walked.files
        if f.kind is Kind.MODULES_MANIFEST
    }


def auto_loaded(walked: Walk, directory: str) -> list[tuple[str, str]]:
    """The variable files Terraform loads from a root's directory, in its order:
    terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars(.json) by name."""
    files = {
        f.path.rpartition("/")[2]: f
        for f in walked.files
        if f.kind is Kind.TFVARS and parent(f.path) == directory and _is_auto_loaded(f.path)
    }
    first = [n for n in ("terraform.tfvars", "terraform.tfvars.json") if n in files]
    ordered = first + sorted(n for n in files if n not in first)
    return [(files[n].path, files[n].text) for n in ordered]


def _variable_files(
    walked: Walk, var_files: Sequence[str], found: _Found
) -> tuple[list[tuple[str, str]], list[Found]]:
    """The --var-file files (path, text) in the order given, read through the walk
    (inside the tree, bounded); and the tree's variable files not named (auto-loaded
    ones among them are applied by their root). One named but not read makes the
    review incomplete: its values would change what is reported."""
    by_path = {f.path: f for f in walked.files if f.kind is Kind.TFVARS}
    named: list[tuple[str, str]] = []
    for path in var_files:
        file = by_path.get(path)
        if file is None:
            found.skipped.append(
                Skipped(path=path, reason="--var-file not read (not a variable file read here)")
            )
        else:
            named.append((file.path, file.text))
    unnamed = [f for p, f in by_path.items() if p not in set(var_files)]
    return named, unnamed


def _installed(directory: str) -> bool:
    """Whether a directory is a copy ``terraform init`` installed: read only as the
    module a root calls, never as a root of its own (nor its examples)."""
    return f"/{TERRAFORM_DIR}/" in f"/{directory}/"


_WORD = re.compile(r"[A-Za-z0-9]+")


def slo_for(
    path: str | None, default: float | None, by_environment: Mapping[str, float]
) -> float | None:
    """The availability target of what sits at ``path`` (a root module, overlay or
    chart directory): that of the environment its path names (a word of a directory's
    name, any case: ``envs/prod``, ``overlays/prod-eu``; the deepest directory naming
    one wins), else ``default``. A generated tree's staging root is single-AZ by
    design: ``--slo staging=99`` says so while prod keeps its 99.9."""
    if path is None or not by_environment:
        return default
    wanted = {name.lower(): target for name, target in by_environment.items()}
    for part in reversed(path.split("/")):
        for word in reversed(_WORD.findall(part.lower())):
            if word in wanted:
                return wanted[word]
    return default


def _relative(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix() or "."
    except ValueError:
        return path.as_posix()


def _plans(walked: Walk, context: RuleContext, found: _Found) -> None:
    for file in walked.files:
        if file.kind is not Kind.PLAN:
            continue
        try:
            document = plan_json(file.text)
        except (ValueError, RecursionError):
            found.skipped.append(Skipped(path=file.path, reason="not JSON"))
            continue
        if not isinstance(document, dict) or "planned_values" not in document:
            # read and parsed: JSON named like a plan that is something else
            found.skipped.append(
                Skipped(
                    path=file.path,
                    reason="not a plan (terraform show -json PLAN)",
                    by_design=True,
                )
            )
            continue
        plan = load_plan(document, file.path)
        found.resources += len(plan.resources)
        found.findings += [_Traced(f) for f in run_rules(plan, context, TERRAFORM_RULES)]
        found.skipped += [_skip(s) for s in plan.skipped]


def _workflows(walked: Walk, context: RuleContext, found: _Found) -> None:
    flows = WorkflowGraph()
    for file in walked.files:
        if file.kind is Kind.WORKFLOW:
            try:
                flows.workflows.append(load_workflow(file.text, file.path))
            except (yaml.YAMLError, RecursionError):
                found.skipped.append(Skipped(path=file.path, reason="not YAML"))
    if flows.workflows:
        found.findings += [_Traced(f) for f in run_rules(flows, context, WORKFLOW_RULES)]


@dataclass(frozen=True)
class _Traced:
    """A rule's finding and what it was found through: a root module (its directory)
    or a built overlay; neither for plans, workflows and unbuilt manifests."""

    finding: Finding
    root: str | None = None
    overlay: str | None = None


@dataclass(frozen=True)
class _Group:
    """One finding however many roots or overlays it was found through: a module read
    by N roots, or a base built by N overlays, is one thing to fix, in one file."""

    finding: Finding
    roots: tuple[str, ...]
    overlays: tuple[str, ...]


_LISTED = 5
"""Roots or overlays a message names before "…" (JSON and SARIF carry them all)."""


def _grouped(traced: Iterable[_Traced]) -> list[_Group]:
    """The findings merged by what the rule found (rule, file, line, resources and its
    message), each with every root module and overlay it came through, sorted."""
    roots: dict[Finding, set[str]] = {}
    overlays: dict[Finding, set[str]] = {}
    for t in traced:
        roots.setdefault(t.finding, set())
        overlays.setdefault(t.finding, set())
        if t.root is not None:
            roots[t.finding].add(t.root)
        if t.overlay is not None:
            overlays[t.finding].add(t.overlay)
    return [_Group(f, tuple(sorted(roots[f])), tuple(sorted(overlays[f]))) for f in roots]


def _through(group: _Group) -> Finding:
    """The finding as reported: its message names the root modules it was found
    through (unless it is only its own root's) and the overlays it was built in."""
    finding = group.finding
    notes = []
    roots = group.roots
    own = len(roots) == 1 and (roots[0] == "." or finding.file.startswith(f"{roots[0]}/"))
    if roots and not own:
        notes.append(_names(roots, "root module", "root modules"))
    if group.overlays:
        notes.append(_names(group.overlays, "overlay", "overlays"))
    if not notes:
        return finding
    return finding.model_copy(update={"message": f"{finding.message} ({'; '.join(notes)})"})


def _names(names: tuple[str, ...], one: str, many: str) -> str:
    if len(names) == 1:
        return f"{one}: {names[0]}"
    listed = ", ".join(names[:_LISTED]) + (", …" if len(names) > _LISTED else "")
    return f"{len(names)} {many}: {listed}"


_TERRAFORM_BY_DESIGN = (
    "is not a local path (not fetched)",  # a registry or git module: never fetched
    "leaves the reviewed tree (not read)",  # outside what the review was given
    "calls a module already being loaded",  # a cycle: each module is read once
)
"""What the Terraform reader leaves out on purpose; any other skip (a file not parsed,
a limit reached, a module not found) means Terraform went unread."""


def _skip(text: str) -> Skipped:
    path, _, reason = text.partition(": ")
    reason = reason or text
    return Skipped(path=path, reason=reason, by_design=reason.endswith(_TERRAFORM_BY_DESIGN))


def _fate(
    group: _Group,
    inline: list[Suppression],
    ignore: IgnoreFile | None,
    baseline: Baseline | None,
) -> Reviewed:
    """The group's finding with its fate. Its fingerprint is the rule's finding's,
    without the roots or overlays: one more root module calling a module, or one more
    overlay building a base, is the same finding (a baseline or suppression of it
    holds), not a new one."""
    print_ = fingerprint(group.finding)
    finding = _through(group)
    reviewed = Reviewed(
        finding=finding, fingerprint=print_, roots=group.roots, overlays=group.overlays
    )
    for s in inline:
        if s.matches(finding):
            return reviewed.model_copy(
                update={"suppressed": s.reason, "suppression_kind": "inSource"}
            )
    if ignore is not None:
        reason = ignore.reason_for(finding)
        if reason is not None:
            return reviewed.model_copy(
                update={"suppressed": reason, "suppression_kind": "external"}
            )
    baselined = baseline is not None and print_ in baseline.fingerprints
    return reviewed.model_copy(update={"baselined": baselined})


def terraform_roots(walked: Walk) -> list[str]:
    """Directories holding .tf files that no other directory calls as a local module."""
    directories: dict[str, list[Found]] = {}
    for found in walked.files:
        if found.kind is Kind.TERRAFORM:
            directories.setdefault(parent(found.path), []).append(found)
    called: set[str] = set()
    for directory, files in directories.items():
        for found in files:
            for source in _MODULE_SOURCE.findall(found.text):
                target = join(directory, source)
                if target is not None and target != directory:
                    called.add(target)
    return sorted(d for d in directories if d not in called and not _installed(d))


_TEMPLATE = re.compile(r"\{\{.*?\}\}", re.DOTALL)


def kubernetes_graphs(
    walked: Walk,
    base: Path,
    *,
    build: Build | None,
    render: Render | None,
    seconds_left: Callable[[], float],
) -> tuple[list[OverlayGraph], list[Skipped]]:
    """The Kubernetes objects of a walked tree, as `review` runs its rules on them (and
    `import` reads them): one graph per rendered chart, per built overlay, and one of the
    raw objects left; every file, chart or overlay not read is a Skipped."""
    raw, k8s_skips = kubernetes_objects(walked)
    charted, chart_skips = chart_objects(walked, base, render, seconds_left)
    rendered = [g.chart for g in charted]  # their raw files are what helm rendered
    raw = [o for o in raw if not any(inside(o.file, c) for c in rendered)]
    skipped = [s for s in k8s_skips if not any(inside(s.path, c) for c in rendered)]
    graphs = [OverlayGraph(overlay=c.chart, objects=c.objects, chart=True) for c in charted]
    built, build_skips = built_objects(
        walked,
        base,
        raw,
        build,
        seconds_left=seconds_left,
        tree=filesystem_tree(walked, base, repository_root(base)),
    )
    return graphs + built, [*walked.skipped, *chart_skips, *skipped, *build_skips]


def kubernetes_objects(walked: Walk) -> tuple[list[K8sObject], list[Skipped]]:
    """Every Kubernetes object of the YAML files. Patch files named by a kustomization
    are partial objects, reviewed through the overlay's build, and Helm (Go) templates
    are not objects until rendered: both are left out and listed. A file that is not
    YAML for any other reason could not be read."""
    patches: dict[str, str] = {}
    skipped: list[Skipped] = []
    for found in walked.files:
        if found.kind is Kind.KUSTOMIZATION:
            patches.update(dict.fromkeys(_patch_files(found), parent(found.path)))
    objects: list[K8sObject] = []
    for found in walked.files:
        if found.kind is not Kind.KUBERNETES:
            continue
        if found.path in patches:
            why = f"a kustomize patch, reviewed as {patches[found.path]} builds it"
            skipped.append(Skipped(path=found.path, reason=why, by_design=True))
            continue
        try:
            loaded = load_manifests(found.text, found.path)
        except (yaml.YAMLError, RecursionError) as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1})" if mark is not None else ""
            if _TEMPLATE.search(found.text):
                why = f"a Helm/Go template{where}: not rendered, not reviewed"
                skipped.append(Skipped(path=found.path, reason=why, by_design=True))
            else:
                skipped.append(Skipped(path=found.path, reason=f"not YAML{where}"))
            continue
        # A Helm Chart.yaml has an apiVersion but no kind: it is no Kubernetes object.
        objects += [o for o in loaded if "apiVersion" in o.doc and "kind" in o.doc]
    return objects, skipped


def _patch_files(found: Found) -> set[str]:
    directory = parent(found.path)
    try:
        document = yaml.safe_load(found.text)
    except (yaml.YAMLError, RecursionError):
        return set()
    if not isinstance(document, dict):
        return set()
    out: set[str] = set()
    for key in _PATCH_KEYS:
        entries = document.get(key)
        for entry in entries if isinstance(entries, list) else []:
            name = entry.get("path") if isinstance(entry, dict) else entry
            if isinstance(name, str) and "\n" not in name:
                target = join(directory, name)
                if target is not None:
                    out.add(target)
    return out
