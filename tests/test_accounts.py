"""The accounts the generated tree acts in agree across artifacts (issue 20).

For every example spec: each provider block of every Terraform root refuses any account
but its environment's; each environment's state lives in its own account's bucket (made
by that account's bootstrap root) with S3 locking; the pipelines' roles exist per GitHub
environment with exactly the subject GitHub issues; and every ``vars.X`` a workflow reads
is a variable the Design lists for that job's environment, held by an output of the root
it names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import hcl2
import pytest
import yaml

from infra_architect.catalog import load_catalog
from infra_architect.engine import Design, design_system
from infra_architect.engine._accounts import github_repository
from infra_architect.engine._bounded import bounded_name
from infra_architect.render import render_all
from infra_architect.spec import load_requirements
from tests.conftest import EXAMPLES

TERRAFORM = "infra/terraform"
_VARS = re.compile(r"\$\{\{\s*vars\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


@dataclass
class Generated:
    design: Design
    files: dict[str, str]

    def hcl(self, path: str) -> dict[str, object]:
        parsed: dict[str, object] = hcl2.loads(self.files[path])
        return parsed

    def roots(self) -> Iterator[tuple[str, list[str]]]:
        """(root directory, the environments it serves) for every Terraform root."""
        for env in self.design.environments:
            yield f"{TERRAFORM}/environments/{env.name}", [env.name]
        for b in self.design.accounts.bootstraps:
            yield f"{TERRAFORM}/bootstrap/{b.name}", b.environments


@pytest.fixture(scope="module", params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def generated(request: pytest.FixtureRequest) -> Generated:
    catalog = load_catalog()
    design = design_system(load_requirements(request.param, catalog.regions), catalog)
    return Generated(design, render_all(design))


def _blocks(parsed: Mapping[str, object], kind: str) -> list[dict[str, object]]:
    found = parsed.get(kind, [])
    assert isinstance(found, list)
    return found


def test_every_provider_block_is_held_to_its_environment_s_account(generated: Generated) -> None:
    design = generated.design
    seen = 0
    for root, envs in generated.roots():
        accounts = {design.environment(e).account_id for e in envs}
        assert len(accounts) == 1, f"{root} serves two accounts"
        for path in sorted(p for p in generated.files if p.startswith(f"{root}/")):
            if not path.endswith(".tf"):
                continue
            for block in _blocks(generated.hcl(path), "provider"):
                for name, body in block.items():
                    assert isinstance(body, dict)
                    where = f"{path} provider {name} {body.get('alias', '')}"
                    assert body.get("allowed_account_ids") == sorted(accounts), where
                    seen += 1
    assert seen >= len(design.environments) + len(design.accounts.bootstraps)


def test_each_environment_keeps_its_state_in_its_own_account_s_bucket(
    generated: Generated,
) -> None:
    design = generated.design
    buckets = set()
    for env in design.environments:
        parsed = generated.hcl(f"{TERRAFORM}/environments/{env.name}/backend.tf")
        (terraform,) = _blocks(parsed, "terraform")
        (backend,) = terraform["backend"]  # type: ignore[misc]
        s3 = backend["s3"]
        bootstrap = design.accounts.bootstrap(env.name)
        assert env.account_id == bootstrap.account_id
        assert s3["bucket"] == bootstrap.state_bucket
        assert env.account_id in s3["bucket"], "S3 names are global: the account keeps it unique"
        assert s3["use_lockfile"] is True
        assert "dynamodb_table" not in s3
        assert s3["encrypt"] is True
        assert s3["kms_key_id"].endswith(f":{env.account_id}:{bootstrap.state_key_alias}")
        # ... and the bootstrap of that account makes that bucket and that key alias.
        main = generated.hcl(f"{TERRAFORM}/bootstrap/{bootstrap.name}/main.tf")
        made = {
            kind: named["state"]
            for block in _blocks(main, "resource")
            for kind, named in block.items()
            if kind in ("aws_s3_bucket", "aws_kms_alias")
        }
        assert made["aws_s3_bucket"]["bucket"] == s3["bucket"]
        assert made["aws_kms_alias"]["name"] == bootstrap.state_key_alias
        buckets.add((env.account_id, s3["bucket"]))
    by_name: dict[str, set[str]] = {}
    for account, bucket in buckets:
        by_name.setdefault(bucket, set()).add(account)
    assert all(len(accounts) == 1 for accounts in by_name.values()), by_name


def _trusts(generated: Generated, bootstrap_name: str) -> dict[str, list[dict[str, object]]]:
    """Trust policy documents of the bootstrap root, by data source name: its conditions."""
    main = generated.hcl(f"{TERRAFORM}/bootstrap/{bootstrap_name}/main.tf")
    out: dict[str, list[dict[str, object]]] = {}
    for block in _blocks(main, "data"):
        for name, body in block.get("aws_iam_policy_document", {}).items():  # type: ignore[union-attr]
            if name.endswith("_trust"):
                (statement,) = body["statement"]
                out[name.removesuffix("_trust")] = statement["condition"]
    return out


def test_the_oidc_roles_exist_per_environment_with_the_exact_subject(
    generated: Generated,
) -> None:
    design = generated.design
    repo = github_repository(design.delivery.repository)
    expected = {
        ("staging", "AWS_DEPLOY_ROLE_ARN"),
        ("prod", "AWS_DEPLOY_ROLE_ARN"),
        ("prod", "AWS_STAGING_PULL_ROLE_ARN"),
    }
    found = set()
    for bootstrap in design.accounts.bootstraps:
        trusts = _trusts(generated, bootstrap.name)
        for role in bootstrap.roles:
            conditions = trusts[role.output.removesuffix("_role_arn")]
            as_set = {(c["test"], c["variable"], tuple(c["values"])) for c in conditions}  # type: ignore[arg-type]
            assert as_set == {
                ("StringEquals", "token.actions.githubusercontent.com:aud", ("sts.amazonaws.com",)),
                (
                    "StringEquals",
                    "token.actions.githubusercontent.com:sub",
                    (f"repo:{repo}:environment:{role.github_environment}",),
                ),
            }, role.name
            found.add((role.github_environment, role.variable))
        # The staging registry's reader lives in the staging account.
        pull = [r for r in bootstrap.roles if r.variable == "AWS_STAGING_PULL_ROLE_ARN"]
        assert bool(pull) == ("staging" in bootstrap.environments)
    assert found == expected


def _workflow_variables(generated: Generated) -> set[tuple[str, str, str]]:
    """(workflow, GitHub environment of the job, variable) for every vars.X a job reads."""
    out = set()
    for path, text in sorted(generated.files.items()):
        if not path.startswith(".github/workflows/"):
            continue
        workflow = yaml.safe_load(text)
        top = _VARS.findall(yaml.safe_dump(workflow.get("env", {})))
        assert not top, f"{path}: workflow-level vars.{top} has no environment"
        for job_id, job in workflow["jobs"].items():
            names = _VARS.findall(yaml.safe_dump(job))
            if names:
                assert "environment" in job, f"{path} {job_id} reads vars without environment"
            out |= {(path, job["environment"], name) for name in names}
    return out


def test_every_variable_a_workflow_reads_is_listed_and_held_by_an_output(
    generated: Generated,
) -> None:
    """One list (the Design's delivery variables, tabled in the tech spec) names every
    variable a job reads in its environment; where a Terraform output holds the value,
    the command it gives reads an output that root has."""
    design = generated.design
    listed = {
        (environment, v.name): v
        for v in design.delivery.variables
        if v.kind == "vars"
        for environment in v.environments or ["staging", "prod"]
    }
    used = _workflow_variables(generated)
    assert used, "no workflow reads a variable"
    for path, environment, name in used:
        variable = listed.get((environment, name))
        assert variable is not None, f"{path}: vars.{name} ({environment}) is in no list"
        if variable.value_command is None:
            continue  # stated by the operator (the list says which value and why)
        commands = dict(
            part.split(": ", 1) if ": " in part else (environment, part)
            for part in variable.value_command.split("; ")
        )
        command = commands[environment].replace("ENVIRONMENT", environment)
        if name == "PUBLIC_URL":
            # the spec's name for this environment (cloud.domains): known before any apply
            domain = generated.design.dns.domain(environment)
            assert domain is not None, command
            assert command == f"echo {domain.public_url}"
            continue
        held = re.fullmatch(r"terraform -chdir=(\S+) output -raw (\S+)", command)
        assert held is not None, command
        root, output = held.groups()
        outputs = {
            name
            for block in _blocks(generated.hcl(f"{root}/outputs.tf"), "output")
            for name in block
        }
        assert output in outputs, f"{root} has no output {output}"
    # Nothing required is listed that no workflow reads (the document would send people
    # after it).
    required = {key for key, v in listed.items() if v.required}
    assert required <= {(e, n) for _, e, n in used}


def test_every_root_ships_the_lock_of_the_version_its_constraint_allows(
    generated: Generated,
) -> None:
    for root, _ in generated.roots():
        lock = generated.files[f"{root}/.terraform.lock.hcl"]
        version = re.search(r'version\s+= "([0-9.]+)"', lock)
        constraints = re.search(r'constraints = "([^"]+)"', lock)
        assert version is not None
        assert constraints is not None
        versions = generated.hcl(f"{root}/versions.tf")
        (terraform,) = _blocks(versions, "terraform")
        (providers,) = terraform["required_providers"]  # type: ignore[misc]
        assert providers["aws"]["version"] == constraints.group(1), root
        assert _allows(constraints.group(1), version.group(1)), root
        assert re.search(r'"h1:[A-Za-z0-9+/=]{44}"', lock), f"{root}: no h1 hash"


def _allows(constraint: str, version: str) -> bool:
    def parts(v: str) -> tuple[int, ...]:
        return tuple(int(p) for p in v.split("."))

    checks = {">=": lambda a, b: a >= b, "<": lambda a, b: a < b, "=": lambda a, b: a == b}
    for term in constraint.split(","):
        op, bound = term.split()
        if not checks[op](parts(version), parts(bound)):
            return False
    return True


def test_no_module_reads_the_region_name_deprecated_in_provider_v6(generated: Generated) -> None:
    for path, text in generated.files.items():
        if path.endswith(".tf"):
            assert "aws_region.current.name" not in text, path


@pytest.mark.parametrize(
    ("url", "repo"),
    [
        ("https://github.com/acme/shop.git", "acme/shop"),
        ("https://github.com/acme/shop", "acme/shop"),
        ("git@github.com:acme/shop.git", "acme/shop"),
        ("ssh://git@github.com/acme/shop.v2.git", "acme/shop.v2"),
    ],
)
def test_github_repository_of_a_git_url(url: str, repo: str) -> None:
    assert github_repository(url) == repo


@pytest.mark.parametrize("length", [1, 20, 40, 63])
def test_bounded_names_fit_and_stay_apart(length: int) -> None:
    a, b = "a" * length, "a" * (length - 1) + "b"
    limits = load_catalog().limits
    for kind, suffix in (
        ("s3-bucket", "tfstate-123456789012-ap-southeast-2"),
        ("iam-role", "github-staging-deploy"),
    ):
        limit = limits.name(kind)
        first, second = bounded_name(limit, a, suffix), bounded_name(limit, b, suffix)
        assert len(first) <= limit.max_length
        assert len(second) <= limit.max_length
        assert first != second
        assert first.endswith(suffix)
        assert not first.startswith("-")
