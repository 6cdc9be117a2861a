"""Re-running ``design`` after the first deploy changes nothing the deploy owns (issue 20
item 10): the values Terraform produced (each overlay's ``infrastructure.env``, refreshed
from ``terraform output`` and committed) and the digests the pipeline committed (each
overlay's ``release`` component) are seeded once and never rewritten, not even with
``--force``, which used to reset every deployed digest to ``unreleased`` (and staging's
automated sync would have rolled that out)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from infra_architect.cli import app
from tests.conftest import ROOT

SPEC = ROOT / "examples" / "ecommerce.yaml"


def _deploy(out: Path) -> dict[str, bytes]:
    """What a first deploy leaves: Terraform's values written over the placeholders and a
    digest committed for every service (as the pipeline's GitOps commit upserts it)."""
    owned: dict[str, bytes] = {}
    for overlay in sorted((out / "infra/k8s/overlays").iterdir()):
        env_file = overlay / "infrastructure.env"
        text = env_file.read_text(encoding="utf-8")
        assert "pending-terraform-apply" in text
        env_file.write_text(
            text.replace("pending-terraform-apply", f"arn:aws:deployed:{overlay.name}"),
            encoding="utf-8",
        )
        release = overlay / "release" / "kustomization.yaml"
        component = yaml.safe_load(release.read_text(encoding="utf-8"))
        component["images"] = sorted(
            (
                {
                    "name": image["name"],
                    "digest": "sha256:"
                    + hashlib.sha256(f"{overlay.name}/{image['name']}".encode()).hexdigest(),
                }
                for image in component["images"]
            ),
            key=lambda image: image["name"],
        )
        release.write_text(yaml.safe_dump(component, sort_keys=False), encoding="utf-8")
        for path in (env_file, release):
            owned[str(path.relative_to(out))] = path.read_bytes()
    return owned


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_redesign_after_the_first_deploy_keeps_what_the_deploy_owns(
    tmp_path: Path, force: bool
) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    first = runner.invoke(app, ["design", str(SPEC), "-o", str(out)])
    assert first.exit_code == 0, first.output
    owned = _deploy(out)
    everything = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    again = runner.invoke(
        app, ["design", str(SPEC), "-o", str(out), *(["--force"] if force else [])]
    )
    assert again.exit_code == 0, again.output
    for rel, content in owned.items():
        assert (out / rel).read_bytes() == content, f"{rel} was rewritten"
    after = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == everything, sorted(k for k in after if after[k] != everything.get(k))
    assert "owned by the deploy, left as they are" in " ".join(again.output.split())


def test_the_overlay_deploys_the_committed_digests(tmp_path: Path) -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed")
    out = tmp_path / "out"
    assert CliRunner().invoke(app, ["design", str(SPEC), "-o", str(out)]).exit_code == 0
    before = subprocess.run(
        [kubectl, "kustomize", "infra/k8s/overlays/prod"],
        cwd=out, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    images = {line.split("image: ", 1)[1] for line in before.splitlines() if "image: " in line}
    assert images
    assert all(image.endswith(":unreleased") for image in images), images
    _deploy(out)
    after = subprocess.run(
        [kubectl, "kustomize", "infra/k8s/overlays/prod"],
        cwd=out, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    images = {line.split("image: ", 1)[1] for line in after.splitlines() if "image: " in line}
    assert all("@sha256:" in image and ".dkr.ecr." in image for image in images), images
