"""``kubectl kustomize`` at the edge of the program, for ``validate`` (generated trees) and
``review`` (users' trees) alike. Both trees are untrusted (a generated tree is committed,
edited and cloned too), so kubectl always runs with kustomize's restrictions spelled out
and in an environment that points nowhere."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

BUILD_TIMEOUT_SECONDS = 900.0
"""validate's bound for one build; review passes its own, shorter one."""


KUSTOMIZE_FLAGS = (
    "--load-restrictor=LoadRestrictionsRootOnly",
    "--enable-helm=false",
    "--enable-alpha-plugins=false",
    "--network=false",
)
"""kubectl's defaults, spelled out so a changed default cannot widen what a build reads."""


def child_environment() -> dict[str, str]:
    """The environment kubectl runs in: nothing that can point it somewhere (no HOME or
    kubeconfig to read, no proxy, no PATH to find git or helm with, no plugin home)."""
    return {
        "PATH": "",
        "HOME": "/nonexistent",
        "KUBECONFIG": os.devnull,
        "LANG": "C",
        "LC_ALL": "C",
        "KUSTOMIZE_PLUGIN_HOME": "/nonexistent",
        "XDG_CONFIG_HOME": "/nonexistent",
    }


def build_overlay(
    kubectl: str,
    overlay: Path,
    timeout: float = BUILD_TIMEOUT_SECONDS,
    *,
    env: Mapping[str, str] | None = None,
    flags: Sequence[str] = KUSTOMIZE_FLAGS,
) -> tuple[str | None, list[str]]:
    """The rendered YAML of one overlay, or None and kubectl's error (its last lines, or
    its exit status when it printed nothing). Trees are untrusted (a generated tree is
    committed and edited too): kubectl runs in an environment that points nowhere, with
    kustomize's restrictions spelled out, unless ``env``/``flags`` say otherwise."""
    proc = subprocess.run(
        # absolute, with cwd=overlay: a relative overlay path would be resolved twice
        [kubectl, "kustomize", *flags, str(overlay.absolute())],
        cwd=overlay,
        env=child_environment() if env is None else dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        lines = [line for line in (proc.stderr or proc.stdout).splitlines() if line.strip()]
        return None, lines[-15:] or [f"kubectl exited {proc.returncode}"]
    return proc.stdout, []
