"""docs/deploy.md, for every example spec: the ordered commands from an empty account to
the first release (issue 20, Must show). Read from the document as printed, checked
against the generated tree it drives."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import hcl2
import pytest

from infra_architect.catalog import load_catalog
from infra_architect.engine import design_system
from infra_architect.render import render_all
from infra_architect.spec import load_requirements
from tests.conftest import EXAMPLES, generate

DOC = "docs/deploy.md"
STEP = re.compile(r"^## (\d+)\. (.+)$", re.MULTILINE)
BLOCK = re.compile(r"```sh\n(.*?)```", re.DOTALL)
CHDIR = re.compile(r"terraform -chdir=(\S+) (init|apply|output)((?: \S+)*)")
VARIABLE_SET = re.compile(r"gh variable set (\w+) --repo \S+(?: --env (\w+))?")
SHELL_VAR = re.compile(r"\$\{?([A-Z][A-Z0-9_]*)")
ASSIGNED = re.compile(r"(?:^|export )([A-Z][A-Z0-9_]*)=")
PATH = re.compile(r"(?<![\w/.-])((?:infra|services|docs)/[\w./-]+)")
# set by the AWS session the step's host has (aws sso login / assumed role)
SESSION = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "HOME"}


@dataclass(frozen=True)
class Step:
    order: int
    title: str
    commands: list[str]


@dataclass(frozen=True)
class Tree:
    files: dict[str, str]
    steps: list[Step]
    doc: str

    def roots(self, kind: str) -> list[str]:
        prefix = f"infra/terraform/{kind}/"
        return sorted({"/".join(p.split("/")[:4]) for p in self.files if p.startswith(prefix)})

    def index(self, predicate: str) -> int:
        """The order of the first step with a command containing ``predicate``."""
        for step in self.steps:
            if any(predicate in c for c in step.commands):
                return step.order
        raise AssertionError(f"no step runs {predicate!r}")

    def variables(self, root: str, *, required: bool) -> set[str]:
        out = set()
        for block in hcl2.loads(self.files[f"{root}/variables.tf"]).get("variable", []):
            for name, body in block.items():
                if not required or "default" not in body:
                    out.add(name)
        return out

    def outputs(self, root: str) -> set[str]:
        doc = hcl2.loads(self.files[f"{root}/outputs.tf"])
        return {name for block in doc.get("output", []) for name in block}


def _steps(doc: str) -> list[Step]:
    heads = list(STEP.finditer(doc))
    steps = []
    for head, following in zip(heads, [*heads[1:], None], strict=True):
        body = doc[head.end() : following.start() if following else len(doc)]
        commands = [
            line for block in BLOCK.findall(body) for line in block.splitlines() if line.strip()
        ]
        steps.append(Step(int(head.group(1)), head.group(2), commands))
    return steps


@pytest.fixture(scope="module", params=EXAMPLES, ids=[e.stem for e in EXAMPLES])
def tree(request: pytest.FixtureRequest) -> Tree:
    spec: Path = request.param
    files = generate(spec)
    doc = files[DOC]
    return Tree(files=files, steps=_steps(doc), doc=doc)


def _workflow_vars(tree: Tree) -> set[str]:
    return {
        name
        for path, text in tree.files.items()
        if path.startswith(".github/workflows/")
        for name in re.findall(r"vars\.([A-Z][A-Z0-9_]*)", text)
    }


def test_steps_are_numbered_in_order_and_each_has_commands(tree: Tree) -> None:
    assert [s.order for s in tree.steps] == list(range(1, len(tree.steps) + 1))
    assert all(s.commands for s in tree.steps), [s.title for s in tree.steps if not s.commands]
    assert "Done when:" in tree.doc
    assert tree.doc.count("Runs on:") == len(tree.steps)


def test_every_path_a_command_names_exists(tree: Tree) -> None:
    for step in tree.steps:
        for command in step.commands:
            for named in PATH.findall(command):
                path = named.rstrip(".")
                exists = path in tree.files or any(f.startswith(path + "/") for f in tree.files)
                assert exists, f"step {step.order} ({step.title}) names {path}"


def test_every_root_is_applied_bootstraps_first(tree: Tree) -> None:
    bootstraps, environments = tree.roots("bootstrap"), tree.roots("environments")
    assert bootstraps
    assert environments
    for root in [*bootstraps, *environments]:
        init = tree.index(f"terraform -chdir={root} init")
        apply = tree.index(f"terraform -chdir={root} apply")
        assert init <= apply, root
    # each environment's backend bucket is made by the bootstrap of its account
    for root in environments:
        backend = tree.files[f"{root}/backend.tf"]
        bucket = re.search(r'bucket\s*=\s*"([^"]+)"', backend)
        assert bucket is not None, root
        makers = [
            b for b in bootstraps if f'state_bucket = "{bucket.group(1)}"' in _step_text(tree, b)
        ]
        assert len(makers) == 1, (root, bucket.group(1))
        assert tree.index(f"terraform -chdir={makers[0]} apply") < tree.index(
            f"terraform -chdir={root} apply"
        )


def _step_text(tree: Tree, root: str) -> str:
    order = tree.index(f"terraform -chdir={root} apply")
    heads = list(STEP.finditer(tree.doc))
    end = heads[order].start() if order < len(heads) else len(tree.doc)
    return tree.doc[heads[order - 1].start() : end]


def test_every_required_root_variable_is_given(tree: Tree) -> None:
    for root in [*tree.roots("bootstrap"), *tree.roots("environments")]:
        applies = [
            c for s in tree.steps for c in s.commands if f"terraform -chdir={root} apply" in c
        ]
        assert len(applies) == 1, root
        given = set(re.findall(r"-var '?(\w+)=", applies[0]))
        assert tree.variables(root, required=True) <= given, (root, applies[0])
        assert given <= tree.variables(root, required=False), (root, applies[0])


def test_every_output_a_command_reads_exists(tree: Tree) -> None:
    for step in tree.steps:
        for command in step.commands:
            for match in re.finditer(r"terraform -chdir=(\S+) output -(?:raw|json) (\w+)", command):
                root, output = match.groups()
                assert output in tree.outputs(root), (step.title, command)


def test_workflows_read_only_variables_the_document_lists(tree: Tree) -> None:
    read = _workflow_vars(tree)
    table = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \| [a-z, ]+ \| (?:yes|no) \|", tree.doc, re.M))
    assert read == table
    sets = {
        (m.group(1), m.group(2))
        for s in tree.steps
        for c in s.commands
        if (m := VARIABLE_SET.search(c)) is not None
    }
    assert {name for name, _ in sets} <= read
    for name in read:
        row = re.search(rf"^\| `{name}` \| ([a-z, ]+) \| (yes|no) \|", tree.doc, re.M)
        assert row is not None
        if row.group(2) == "yes":
            envs = [e for e in row.group(1).split(", ") if e != "repository"]
            assert {(name, e) for e in envs} <= sets, name


def test_variables_are_set_before_the_first_release(tree: Tree) -> None:
    release = tree.index("git push -u origin main")
    for step in tree.steps:
        if step.title == "The first release":
            release = step.order
    assert release == tree.steps[-1].order
    for step in tree.steps:
        if any(VARIABLE_SET.search(c) for c in step.commands):
            assert step.order < release


def test_argocd_after_its_environment_and_the_published_tree(tree: Tree) -> None:
    installs = [s for s in tree.steps if any("helm upgrade --install" in c for c in s.commands)]
    kubernetes = any(p.startswith("infra/k8s/platform/") for p in tree.files)
    assert bool(installs) == kubernetes
    for step in installs:
        env = re.search(r"infra/k8s/platform/(\w+)/", " ".join(step.commands))
        assert env is not None
        assert tree.index(f"terraform -chdir=infra/terraform/environments/{env.group(1)} apply") < (
            step.order
        )
        assert tree.index(f"infra/k8s/overlays/{env.group(1)}/infrastructure.env") < step.order
        assert tree.index("git push") < step.order
        assert step.order < tree.steps[-1].order


def test_every_shell_variable_is_an_input_or_set_earlier(tree: Tree) -> None:
    inputs = set(re.findall(r"^export ([A-Z][A-Z0-9_]*)=\.\.\.$", tree.doc, re.M))
    known = set(inputs) | SESSION
    for step in tree.steps:
        for command in step.commands:
            used = set(SHELL_VAR.findall(command)) - known
            assert not used, (step.title, command)
            known |= set(ASSIGNED.findall(command))


@pytest.mark.parametrize("spec", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_a_search_domain_admits_its_callers_and_maps_them(spec: Path) -> None:
    """Fine-grained access control's master user is a role administrators assume, not the
    account root (whose ARN only root's credentials match); the domain's access policy
    admits that role and the calling services' roles; the day-one step maps each caller."""
    catalog = load_catalog()
    design = design_system(load_requirements(spec, catalog.regions), catalog)
    files = render_all(design)
    module = files.get("infra/terraform/modules/opensearch/main.tf")
    stores = [s for s in design.data.stores if s.kind == "opensearch"]
    if not stores:
        assert module is None
        return
    assert module is not None
    assert ":root" not in module.split('resource "aws_opensearch_domain"')[1]
    assert "master_user_arn = aws_iam_role.admin.arn" in module
    assert "concat([aws_iam_role.admin.arn], var.client_role_arns)" in module
    deploy = files["docs/deploy.md"]
    for env in design.environments:
        main = files[f"infra/terraform/environments/{env.name}/main.tf"]
        for store in stores:
            callers = design.security.callers(store.name)
            assert callers
            for service in callers:
                assert f'module.security.service_role_arns["{service}"]' in main
                assert f"rolesmapping/{store.name}-{service}" in deploy
            assert f"output -raw {store.name.replace('-', '_')}_admin_role_arn" in deploy
