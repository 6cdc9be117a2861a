"""Review a user's existing infrastructure: read (never execute) Terraform, plans,
Kubernetes YAML and workflows, bounded and safely, and run the rules over them."""

from infra_architect.review._walk import Found, Kind, Limits, Skipped, Walk, classify, walk

__all__ = ["Found", "Kind", "Limits", "Skipped", "Walk", "classify", "walk"]
