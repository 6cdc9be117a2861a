"""Review a user's existing infrastructure: read (never execute) Terraform, Kubernetes
YAML and workflows, bounded and safely, and run the rules over them; suppressions with
reasons and a baseline let a legacy repository fail only on new findings."""

from infra_architect.review._config import CONFIG_FILE, ReviewDefaults, read_review_config
from infra_architect.review._helm import helm_render
from infra_architect.review._kustomize import OverlayGraph, kubectl_build
from infra_architect.review._preflight import preflight
from infra_architect.review._report import (
    ReviewDocument,
    report_json,
    report_markdown,
    report_sarif,
    repository_prefix,
    rule_tags,
)
from infra_architect.review._review import (
    Reviewed,
    ReviewReport,
    auto_loaded,
    kubernetes_graphs,
    kubernetes_objects,
    modules_manifests,
    review,
    terraform_roots,
)
from infra_architect.review._suppress import (
    IGNORE_FILE,
    Baseline,
    IgnoreEntry,
    IgnoreFile,
    Suppression,
    baseline_json,
    fingerprint,
    inline_suppressions,
    read_baseline,
    read_ignore_file,
)
from infra_architect.review._walk import Found, Kind, Limits, Skipped, Walk, classify, walk

__all__ = [
    "CONFIG_FILE",
    "IGNORE_FILE",
    "Baseline",
    "Found",
    "IgnoreEntry",
    "IgnoreFile",
    "Kind",
    "Limits",
    "OverlayGraph",
    "ReviewDefaults",
    "ReviewDocument",
    "ReviewReport",
    "Reviewed",
    "Skipped",
    "Suppression",
    "Walk",
    "auto_loaded",
    "baseline_json",
    "classify",
    "fingerprint",
    "helm_render",
    "inline_suppressions",
    "kubectl_build",
    "kubernetes_graphs",
    "kubernetes_objects",
    "modules_manifests",
    "preflight",
    "read_baseline",
    "read_ignore_file",
    "read_review_config",
    "report_json",
    "report_markdown",
    "report_sarif",
    "repository_prefix",
    "review",
    "rule_tags",
    "terraform_roots",
    "walk",
]
