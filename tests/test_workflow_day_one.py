"""The generated workflows can run on day one, for every example spec.

- Every ``vars.X`` / ``secrets.X`` a workflow reads is listed in the tech spec's pipeline
  variable table (with where its value comes from), and every listed one is read.
- Images are pushed as one image manifest (no attestation index, which ECR's basic scan
  cannot scan), scanned by digest, and their provenance is attested by a pinned action.
- On EKS no job reaches the cluster's API (private endpoint, GitHub-hosted runners): no
  kubectl, no kubeconfig; each verify and rollback waits for the Argo CD commit status
  the Design names, on the commit the deploy (or the revert) pushed.
- The SLO check runs only where its alarms exist (ECS: composite CloudWatch alarms, which
  DescribeAlarms returns only when asked for), never on EKS.
- A pull request's run never shares a concurrency group with a release.
- Each Dockerfile builds and runs on the same Python minor.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from infra_architect.catalog import load_catalog
from infra_architect.engine import Design, design_system
from infra_architect.render import render_all
from infra_architect.spec import load_requirements
from tests.conftest import EXAMPLES

WORKFLOWS = ".github/workflows/"
_REFERENCE = re.compile(r"\b(vars|secrets)\.([A-Za-z_][A-Za-z0-9_]*)")
_TABLE_ROW = re.compile(r"^\| `(vars|secrets)\.([A-Za-z_][A-Za-z0-9_]*)` \|", re.M)
_PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


@dataclass
class Tree:
    design: Design
    files: dict[str, str]

    def workflows(self) -> Iterator[tuple[str, Mapping[str, object]]]:
        for path, text in sorted(self.files.items()):
            if path.startswith(WORKFLOWS):
                yield path, yaml.safe_load(text)

    def jobs(self) -> Iterator[tuple[str, str, dict[str, object]]]:
        for path, workflow in self.workflows():
            jobs = workflow["jobs"]
            assert isinstance(jobs, dict), path
            for name, job in jobs.items():
                yield path, name, job


@pytest.fixture(scope="module", params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def tree(request: pytest.FixtureRequest) -> Tree:
    spec: Path = request.param
    catalog = load_catalog()
    design = design_system(load_requirements(spec, catalog.regions), catalog)
    return Tree(design, render_all(design))


def _steps(job: dict[str, object]) -> list[dict[str, object]]:
    steps = job.get("steps", [])
    assert isinstance(steps, list)
    return steps


def _runs(job: dict[str, object]) -> str:
    return "\n".join(str(step.get("run", "")) for step in _steps(job))


# --- variables --------------------------------------------------------------------------


def referenced_variables(tree: Tree) -> set[str]:
    return {
        f"{kind}.{name}"
        for path, text in tree.files.items()
        if path.startswith(WORKFLOWS)
        for kind, name in _REFERENCE.findall(text)
    }


def documented_variables(tree: Tree) -> set[str]:
    return {f"{kind}.{name}" for kind, name in _TABLE_ROW.findall(tree.files["docs/tech-spec.md"])}


def test_workflows_read_only_the_variables_the_tech_spec_lists(tree: Tree) -> None:
    read, listed = referenced_variables(tree), documented_variables(tree)
    assert read, "no workflow reads a variable: the regex or the workflows changed"
    assert sorted(read - listed) == [], "read by a workflow, missing from the tech spec"
    assert sorted(listed - read) == [], "listed in the tech spec, read by no workflow"


def test_every_listed_variable_says_where_its_value_comes_from(tree: Tree) -> None:
    for variable in tree.design.delivery.variables:
        assert variable.value_note, variable.name
        assert variable.used_for, variable.name
        environments = {env.name for env in tree.design.environments}
        assert set(variable.environments) <= environments, variable.name


def test_environment_variables_are_set_on_every_environment_that_reads_them(tree: Tree) -> None:
    """GitHub resolves vars.X from the job's environment, then the repository: a job of an
    environment the variable is not set on would read nothing."""
    variables = {v.name: v for v in tree.design.delivery.variables}
    for path, name, job in tree.jobs():
        text = yaml.safe_dump(job)
        for _, variable in _REFERENCE.findall(text):
            scope = variables[variable].environments
            if scope:
                assert job.get("environment") in scope, f"{path} {name} reads {variable}"


# --- build: one manifest, scanned by digest, attested ----------------------------------


def test_images_are_pushed_without_an_attestation_index_and_scanned_by_digest(tree: Tree) -> None:
    for path, name, job in tree.jobs():
        runs = _runs(job)
        if "docker buildx build" not in runs:
            continue
        assert "--provenance=false" in runs, f"{path} {name}"
        assert "--sbom=false" in runs, f"{path} {name}"
        assert "--provenance=mode" not in runs, f"{path} {name}"
        assert "--sbom=true" not in runs, f"{path} {name}"
        assert 'image-scan-complete --repository-name "$REPOSITORY" --image-id imageDigest=' in runs
        assert "imageTag=" not in runs, f"{path} {name}: scans a tag, not what ships"
        attest = [s for s in _steps(job) if str(s.get("uses", "")).startswith("actions/attest@")]
        assert len(attest) == 1, f"{path} {name}: no provenance attestation"
        assert _PINNED.match(str(attest[0]["uses"])), attest[0]["uses"]
        assert attest[0]["with"] == {
            "subject-name": "${{ env.IMAGE }}",
            "subject-digest": "${{ steps.push.outputs.digest }}",
        }
        permissions = job["permissions"]
        assert isinstance(permissions, dict)
        assert permissions.get("attestations") == "write", f"{path} {name}"
        assert permissions.get("id-token") == "write", f"{path} {name}"


def test_every_action_is_pinned_by_commit(tree: Tree) -> None:
    for path, name, job in tree.jobs():
        for step in _steps(job):
            if "uses" in step:
                assert _PINNED.match(str(step["uses"])), f"{path} {name}: {step['uses']}"


# --- GitOps on EKS ------------------------------------------------------------------------


def test_eks_workflows_never_need_the_cluster_api(tree: Tree) -> None:
    if not tree.design.compute.platform.kubernetes:
        pytest.skip("ECS: the pipeline deploys through the AWS API")
    for path, name, job in tree.jobs():
        runs = _runs(job)
        assert "kubectl" not in runs, f"{path} {name}"
        assert "update-kubeconfig" not in runs, f"{path} {name}"


def test_eks_verify_waits_for_argo_cd_on_the_deployed_commit(tree: Tree) -> None:
    if not tree.design.compute.platform.kubernetes:
        pytest.skip("ECS: CodeDeploy and ECS report the deployment themselves")
    delivery = tree.design.delivery
    timeout = delivery.pipeline_timeouts.rollout_wait_seconds
    for path, workflow in tree.workflows():
        jobs = workflow["jobs"]
        assert isinstance(jobs, dict)
        for env in ("staging", "prod"):
            deploy, verify = jobs[f"deploy-{env}"], jobs[f"verify-{env}"]
            assert deploy["outputs"] == {"commit": "${{ steps.commit.outputs.commit }}"}
            assert 'echo "commit=$(git rev-parse HEAD)" >> "$GITHUB_OUTPUT"' in _runs(deploy)
            assert verify["env"]["STATUS_CONTEXT"] == delivery.sync_gate(env).status_context
            wait = _steps(verify)[0]
            assert wait["env"]["DEPLOY_COMMIT"] == f"${{{{ needs.deploy-{env}.outputs.commit }}}}"
            script = str(wait["run"])
            assert f"deadline=$((SECONDS + {timeout}))" in script, path
            assert "select(.context == env.STATUS_CONTEXT)" in script
            assert "success)" in script
            assert "failure|error)" in script
            assert verify["permissions"] == {"contents": "read", "statuses": "read"}
        rollback = jobs["rollback-prod"]
        assert "deploy-prod" in rollback["needs"]
        assert 'git revert --no-edit "$RELEASE"' in _runs(rollback)
        assert "STATUS_CONTEXT" in _runs(rollback)


def test_sync_gates_name_the_applications_argo_cd_runs(tree: Tree) -> None:
    gates = tree.design.delivery.sync_gates
    if not tree.design.compute.platform.kubernetes:
        assert gates == []
        return
    applications = {
        document["metadata"]["name"]: document
        for path, text in tree.files.items()
        if path.startswith("infra/k8s/platform/") and path.endswith(".yaml")
        for document in yaml.safe_load_all(text)
        if isinstance(document, dict) and document.get("kind") == "Application"
    }
    assert {g.application for g in gates} <= set(applications)
    # Argo CD Notifications sets the status the gate waits for: every gated Application
    # subscribes to the three triggers, and each template's label renders to the context
    for gate in gates:
        annotations = applications[gate.application]["metadata"]["annotations"]
        for trigger in ("on-deployed", "on-sync-failed", "on-health-degraded"):
            assert f"notifications.argoproj.io/subscribe.{trigger}.github" in annotations
        values = yaml.safe_load(
            tree.files[f"infra/k8s/platform/{gate.environment}/argocd-values.yaml"]
        )
        notifications = values["notifications"]
        assert notifications["enabled"] is True
        assert "service.github" in notifications["notifiers"]
        triggers = {
            name.removeprefix("trigger."): yaml.safe_load(body)
            for name, body in notifications["triggers"].items()
        }
        assert set(triggers) >= {"on-deployed", "on-sync-failed", "on-health-degraded"}
        for steps in triggers.values():
            for template in (t for step in steps for t in step["send"]):
                status = yaml.safe_load(notifications["templates"][f"template.{template}"])
                label = status["github"]["status"]["label"]
                rendered = label.replace("{{.app.metadata.name}}", gate.application)
                assert rendered == gate.status_context


# --- SLO check --------------------------------------------------------------------------


def test_the_slo_check_queries_alarms_that_exist(tree: Tree) -> None:
    kubernetes = tree.design.compute.platform.kubernetes
    for path, name, job in tree.jobs():
        runs = _runs(job)
        if "describe-alarms" not in runs:
            continue
        assert not kubernetes, f"{path} {name}: EKS burn-rate alerts are PrometheusRules"
        assert "--alarm-types CompositeAlarm" in runs, f"{path} {name}"
    if not kubernetes:
        verifies = [job for _, name, job in tree.jobs() if name.startswith("verify-")]
        assert verifies
        assert all("describe-alarms" in _runs(job) for job in verifies)


# --- concurrency --------------------------------------------------------------------------


def test_pull_requests_never_queue_behind_a_release(tree: Tree) -> None:
    for path, workflow in tree.workflows():
        group = workflow.get("concurrency")
        assert isinstance(group, dict), path
        # one group per ref: main's releases share one; each pull request has its own
        assert "${{ github.ref }}" in str(group["group"]), path
        assert group["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
        jobs = workflow["jobs"]
        assert isinstance(jobs, dict)
        assert all("concurrency" not in job for job in jobs.values()), path


# --- Dockerfile ---------------------------------------------------------------------------


_PYTHON_TAG = re.compile(r"^FROM python:(3\.\d+)(?:\.\d+)?-slim-(\w+)\S* AS build$", re.M)
_RUNTIME = re.compile(r"^FROM gcr\.io/distroless/python3-debian(\d+)\S* AS runtime$", re.M)
DEBIAN_RELEASES = {"12": "bookworm"}
DEBIAN_PYTHON = {"bookworm": "3.11"}
"""Debian 12's python3 is 3.11 (packages.debian.org/bookworm/python3); distroless
python3-debian12 is built from it."""


def test_dockerfiles_build_and_run_on_the_same_python(tree: Tree) -> None:
    dockerfiles = {p: t for p, t in tree.files.items() if p.endswith("/Dockerfile")}
    assert dockerfiles
    for path, text in dockerfiles.items():
        build, runtime = _PYTHON_TAG.search(text), _RUNTIME.search(text)
        assert build, f"{path}: unexpected build image"
        assert runtime, f"{path}: unexpected runtime image"
        release = DEBIAN_RELEASES[runtime.group(1)]
        assert build.group(2) == release, f"{path}: built on {build.group(2)}, runs on {release}"
        assert build.group(1) == DEBIAN_PYTHON[release], f"{path}: Python {build.group(1)}"
