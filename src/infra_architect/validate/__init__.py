"""Validation of generated trees with the real tools and our rules."""

from infra_architect.validate._tools import (
    Toolchain,
    ToolResult,
    checkov_result,
    find_provider_mirror,
)
from infra_architect.validate._validate import ValidationReport, design_slo, validate_tree

__all__ = [
    "ToolResult",
    "Toolchain",
    "ValidationReport",
    "checkov_result",
    "design_slo",
    "find_provider_mirror",
    "validate_tree",
]
