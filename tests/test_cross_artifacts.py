"""The artifacts generated for one design agree with each other.

For every example spec, the GitHub workflows are read as YAML and each environment's
Terraform root with the project's HCL reader: a workflow that deploys a service through
CodeDeploy names an application and deployment group the Terraform creates, and every
group the Terraform creates is one a workflow deploys to; every image a workflow pushes
lands in an ECR repository the Terraform creates; the storage Terraform allocates to each
RDS database is the storage the bill prices.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from infra_architect.catalog import load_catalog
from infra_architect.engine import Design, design_system
from infra_architect.iac import TerraformGraph, load_terraform
from infra_architect.render import render_all
from infra_architect.spec import load_requirements
from tests.conftest import EXAMPLES, ROOT

ROOTS = "infra/terraform/environments"
WORKFLOWS = ".github/workflows/"
ECS_MODULE = ROOT / "src" / "infra_architect" / "render" / "terraform" / "modules" / "ecs"
# The ECS module's filter from var.services to its CodeDeploy deployment groups. The HCL
# reader does not evaluate for-expressions, so the test applies the same filter itself;
# test_the_mirrored_filter_is_the_module_s keeps the two in step.
CODEDEPLOY_LOCALS = (
    (
        "long_running = { for name, service in var.services : name => service "
        "if service.schedule == null }"
    ),
    (
        "public       = { for name, service in local.long_running : name => service "
        "if service.load_balanced }"
    ),
    (
        "codedeploy   = { for name, service in local.public : name => service "
        'if service.deployment == "codedeploy" }'
    ),
)
_VARIABLE = re.compile(r"\$\{?([A-Z_][A-Z0-9_]*)\}?")


@dataclass
class Generated:
    design: Design
    files: dict[str, str]
    graphs: dict[str, TerraformGraph]

    def graph(self, env: str) -> TerraformGraph:
        return self.graphs[env]

    def workflows(self) -> Iterator[tuple[str, Mapping[str, object]]]:
        for path, text in sorted(self.files.items()):
            if path.startswith(WORKFLOWS) and path.endswith((".yml", ".yaml")):
                yield path, yaml.safe_load(text)


@pytest.fixture(scope="module", params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def generated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Generated:
    spec: Path = request.param
    catalog = load_catalog()
    design = design_system(load_requirements(spec, catalog.regions), catalog)
    files = render_all(design)
    tree = tmp_path_factory.mktemp(spec.stem)
    for rel, text in files.items():
        path = tree / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    graphs = {env.name: load_terraform(tree / ROOTS / env.name) for env in design.environments}
    for env, graph in graphs.items():
        assert not graph.skipped, f"{env}: {graph.skipped}"
    return Generated(design, files, graphs)


# --- reading the workflows ---------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    workflow: str
    job: str
    env: dict[str, str]
    run: str

    def expand(self, word: str) -> str:
        """``word`` with its $VARIABLES replaced from the workflow, job and step env."""
        return _VARIABLE.sub(lambda m: self.env.get(m.group(1), m.group(0)), word)


def steps(generated: Generated) -> Iterator[Step]:
    """Every ``run`` step, with the env it sees (workflow, then job, then step)."""
    for path, workflow in generated.workflows():
        top = _strings(workflow.get("env"))
        jobs = workflow.get("jobs")
        assert isinstance(jobs, dict), path
        for job_id, job in jobs.items():
            job_env = top | _strings(job.get("env"))
            for step in job.get("steps", []):
                if "run" in step:
                    env = job_env | _strings(step.get("env"))
                    yield Step(path, job_id, env, str(step["run"]))


def _strings(env: object) -> dict[str, str]:
    return {str(k): str(v) for k, v in env.items()} if isinstance(env, dict) else {}


def _commands(run: str, program: tuple[str, ...]) -> Iterator[list[str]]:
    """The words of each line of ``run`` that starts (after ``x=$(``) with ``program``."""
    for line in run.replace("\\\n", " ").splitlines():
        start = line.split("$(", 1)[1] if line.lstrip().startswith(("id=$(", "arn=$(")) else line
        try:
            words = shlex.split(start.rstrip(")"))
        except ValueError:
            continue
        if tuple(words[: len(program)]) == program:
            yield words


def _option(words: list[str], name: str) -> str | None:
    for i, word in enumerate(words[:-1]):
        if word == name:
            return words[i + 1]
    return None


def workflow_codedeploy(generated: Generated) -> set[tuple[str, str, str]]:
    """(environment, application, deployment group) of each CodeDeploy deployment."""
    out = set()
    for step in steps(generated):
        for words in _commands(step.run, ("aws", "deploy", "create-deployment")):
            application = _option(words, "--application-name")
            group = _option(words, "--deployment-group-name")
            assert application, f"{step.workflow} {step.job}: {words}"
            assert group, f"{step.workflow} {step.job}: {words}"
            out.add((step.env["ENVIRONMENT"], step.expand(application), step.expand(group)))
    return out


def pushed_repositories(generated: Generated) -> set[str]:
    """The ECR repository (registry path) of each image a workflow pushes."""
    out = set()
    for step in steps(generated):
        tags = [
            _option(words, "--tag")
            for program in (("docker", "buildx", "build"), ("docker", "buildx", "imagetools"))
            for words in _commands(step.run, program)
        ]
        for tag in tags:
            assert tag, f"{step.workflow} {step.job}: a push without --tag"
            image = step.expand(tag).rsplit(":", 1)[0]
            assert "$" not in image, f"{step.workflow} {step.job}: {image} not resolved"
            out.add(image.split("/", 1)[1])
    return out


# --- reading the Terraform -----------------------------------------------------------------


def terraform_codedeploy(generated: Generated) -> set[tuple[str, str, str]]:
    """(environment, application, deployment group) of each group the primary region's
    ECS module creates (the standby region's module is deployed to on failover)."""
    out = set()
    for env, graph in generated.graphs.items():
        for group in graph.of_type("aws_codedeploy_deployment_group"):
            if not group.address.startswith("module.ecs."):
                continue
            services = graph.value("${var.services}", group.scope)
            application = graph.value("${var.name}", group.scope)
            assert isinstance(services, dict), f"{env}: var.services is {services!r}"
            assert isinstance(application, str), f"{env}: var.name is {application!r}"
            out |= {(env, application, name) for name in codedeploy_services(services)}
    return out


def codedeploy_services(services: Mapping[str, object]) -> set[str]:
    """The ECS module's local.codedeploy keys, from its var.services."""
    return {
        name
        for name, service in services.items()
        if isinstance(service, dict)
        and service.get("schedule") is None
        and service.get("load_balanced") is True
        and service.get("deployment") == "codedeploy"
    }


def terraform_repositories(generated: Generated) -> set[str]:
    out = set()
    for env, graph in generated.graphs.items():
        for repository in graph.of_type("aws_ecr_repository"):
            prefix = graph.value("${var.name}", repository.scope)
            keys = graph.value(repository.body.get("for_each"), repository.scope)
            assert isinstance(prefix, str), f"{env}: {repository.address} name"
            assert isinstance(keys, (list, set, tuple, dict)), f"{env}: {repository.address}"
            out |= {f"{prefix}/{key}" for key in keys}
    return out


# --- the agreements ------------------------------------------------------------------------


def test_the_mirrored_filter_is_the_module_s() -> None:
    text = (ECS_MODULE / "main.tf").read_text(encoding="utf-8")
    for line in CODEDEPLOY_LOCALS:
        assert line in text, f"the ECS module's locals changed: update codedeploy_services ({line})"
    assert "for_each = local.codedeploy" in text.split('"aws_codedeploy_deployment_group"')[1]


def test_codedeploy_deployments_are_the_deployment_groups(generated: Generated) -> None:
    deployed = workflow_codedeploy(generated)
    created = terraform_codedeploy(generated)
    assert sorted(deployed - created) == [], "workflows deploy to groups Terraform never creates"
    assert sorted(created - deployed) == [], "deployment groups no workflow deploys to"


def test_codedeploy_is_the_design_s_release_mechanism(generated: Generated) -> None:
    design = generated.design
    chosen = {r.service for r in design.delivery.releases if r.mechanism.codedeploy_ecs}
    deployed = {group for _, _, group in workflow_codedeploy(generated)}
    assert deployed == chosen


def test_every_pushed_image_has_a_repository(generated: Generated) -> None:
    pushed = pushed_repositories(generated)
    assert pushed, "no workflow pushes an image"
    assert sorted(pushed - terraform_repositories(generated)) == []


def test_storage_terraform_allocates_is_storage_the_bill_prices(generated: Generated) -> None:
    """Each RDS primary's allocated_storage is the GB-month per copy its bill line
    prices, and max_allocated_storage is the design's autoscaling ceiling."""
    design = generated.design
    problems = []
    for env in design.environments:
        graph = generated.graph(env.name)
        lines = {line.component: line for line in design.cost.environment(env.name).lines}
        for store in (s for s in design.data.stores if s.kind == "rds"):
            address = f"module.rds_{store.name.replace('-', '_')}.aws_db_instance.this"
            instance = graph.by_address(address)
            assert instance is not None, f"{env.name}: no {address}"
            allocated = graph.value(instance.body.get("allocated_storage"), instance.scope)
            ceiling = graph.value(instance.body.get("max_allocated_storage"), instance.scope)
            priced = lines[f"{store.name} storage (gp3)"].quantity.inputs["gb"]
            size = env.store(store.name)
            if not allocated == priced == size.allocated_gb:
                problems.append(
                    f"{env.name} {store.name}: Terraform allocates {allocated} GB, the bill "
                    f"prices {priced} GB, the design allocates {size.allocated_gb} GB"
                )
            if ceiling != size.max_allocated_gb:
                problems.append(
                    f"{env.name} {store.name}: max_allocated_storage {ceiling}, the design's "
                    f"ceiling {size.max_allocated_gb}"
                )
    assert problems == []


def documented_alarms(tech_spec: str) -> set[str]:
    """The names in the tech spec's cause-alarm table."""
    section = tech_spec.split("| Cause alarm |", 1)
    if len(section) == 1:
        return set()
    names = set()
    for line in section[1].splitlines()[2:]:
        if not line.startswith("| `"):
            break
        names.add(line.split("`")[1])
    return names


def terraform_alarms(generated: Generated) -> set[str]:
    """The keys of every environment's CloudWatch cause alarms (var.metric_alarms)."""
    out = set()
    for env, graph in generated.graphs.items():
        for alarm in graph.of_type("aws_cloudwatch_metric_alarm"):
            if alarm.address != "module.observability.aws_cloudwatch_metric_alarm.cause":
                continue
            keys = graph.value(alarm.body.get("for_each"), alarm.scope)
            assert isinstance(keys, dict), f"{env}: metric_alarms is {keys!r}"
            out |= set(keys)
    return out


def prometheus_alerts(generated: Generated) -> set[str]:
    out = set()
    for path, text in generated.files.items():
        if not path.startswith("infra/k8s/") or not path.endswith(".yaml"):
            continue
        for doc in yaml.safe_load_all(text):
            if isinstance(doc, dict) and doc.get("kind") == "PrometheusRule":
                for group in doc["spec"]["groups"]:
                    out |= {r["alert"] for r in group["rules"] if "alert" in r}
    return out


def test_every_alarm_the_tech_spec_names_exists(generated: Generated) -> None:
    named = documented_alarms(generated.files["docs/tech-spec.md"])
    design = {a.name for a in generated.design.observability.cause_alarms}
    assert named == design, "the tech spec lists other alarms than the design's"
    assert named, "the design names no cause alarm"
    exists = terraform_alarms(generated) | prometheus_alerts(generated)
    assert sorted(named - exists) == []


def test_a_codedeploy_service_is_never_given_a_task_definition_by_update_service(
    generated: Generated,
) -> None:
    """Under the CODE_DEPLOY controller, UpdateService refuses a new task definition (ECS
    API Reference, UpdateService): deploys and rollbacks alike go through CodeDeploy."""
    codedeploy = {
        r.service for r in generated.design.delivery.releases if r.mechanism.codedeploy_ecs
    }
    refused = [
        f"{step.workflow} {step.job}"
        for step in steps(generated)
        if step.env.get("SERVICE") in codedeploy
        for words in _commands(step.run, ("aws", "ecs", "update-service"))
        if "--task-definition" in words
    ]
    assert refused == []


def test_the_ecs_module_joins_service_connect_only_when_told() -> None:
    """The Service Connect block is dynamic on the flag the next test reads."""
    text = (ECS_MODULE / "main.tf").read_text(encoding="utf-8")
    block = text.split('dynamic "service_connect_configuration"')
    assert len(block) == 2, "the ECS service's Service Connect block is no longer dynamic"
    assert "for_each = each.value.service_connect ? [1] : []" in block[1].split("content")[0]
    assert "service_connect_configuration {" not in text


def test_no_ecs_service_is_both_codedeploy_and_service_connect(generated: Generated) -> None:
    """ECS Developer Guide, Service Connect considerations: "Only services that use rolling
    deployments are supported with Service Connect"; CreateService rejects a CODE_DEPLOY
    service with a Service Connect configuration (moto does not)."""
    both = []
    for env, graph in generated.graphs.items():
        for service in graph.of_type("aws_ecs_service"):
            services = graph.value("${var.services}", service.scope)
            assert isinstance(services, dict), f"{env}: var.services is {services!r}"
            codedeploy = codedeploy_services(services)
            both += [
                f"{env} {service.address}[{name}]"
                for name in codedeploy
                if services[name].get("service_connect") is True or services[name].get("callers")
            ]
    assert both == []
    releases = generated.design.delivery.releases
    assert [r.service for r in releases if r.mechanism.codedeploy_ecs and r.service_connect] == []


def test_search_volumes_terraform_allocates_are_what_the_bill_prices(
    generated: Generated,
) -> None:
    """Each OpenSearch domain's volume_size_gb × instance_count is the GB-month its bill
    line prices."""
    design = generated.design
    problems = []
    for env in design.environments:
        graph = generated.graph(env.name)
        lines = {line.component: line for line in design.cost.environment(env.name).lines}
        for store in (s for s in design.data.stores if s.kind == "opensearch"):
            domains = [
                d
                for d in graph.of_type("aws_opensearch_domain")
                if d.address.startswith(f"module.opensearch_{store.name.replace('-', '_')}.")
            ]
            assert len(domains) == 1, f"{env.name}: {[d.address for d in domains]}"
            domain = domains[0]
            ebs = domain.body["ebs_options"]
            ebs = ebs[0] if isinstance(ebs, list) else ebs
            cluster = domain.body["cluster_config"]
            cluster = cluster[0] if isinstance(cluster, list) else cluster
            volume = graph.value(ebs["volume_size"], domain.scope)
            count = graph.value(cluster["instance_count"], domain.scope)
            allocated = volume * count  # type: ignore[operator]
            priced = lines[f"{store.name} storage (gp3)"].quantity.value
            if allocated != priced:
                problems.append(
                    f"{env.name} {store.name}: Terraform allocates {count} × {volume} GB, "
                    f"the bill prices {priced} GB-month"
                )
    assert problems == []
