"""What the documents claim for a compliance regime exists in what the tool generates.

For every example spec, as written and with each compliance regime the spec allows (one at
a time, and all together): every control the tech spec lists names the resources that
implement it, and each named Terraform resource exists (read with the project's HCL
reader, count and for_each evaluated) in every environment root the claim covers; no
audit service is named in any document unless its resource exists; no secret is set on a
resource, where Terraform would keep it in state in plaintext; every log retention is one
CloudWatch Logs accepts; and when the design says traffic is encrypted up to each service,
the load balancer's target groups and health checks use HTTPS.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from infra_architect.catalog import load_catalog
from infra_architect.engine import Design, design_system
from infra_architect.iac import UNKNOWN, Resource, TerraformGraph, load_terraform
from infra_architect.render import render_all
from infra_architect.spec import Compliance, load_requirements
from tests.conftest import EXAMPLES, ROOT

ROOTS = "infra/terraform/environments"
STREAMING = ROOT / "tests" / "specs" / "streaming.yaml"
# The values CloudWatch Logs accepts for retention_in_days (PutRetentionPolicy).
CLOUDWATCH_RETENTION_DAYS = {
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
    2922, 3288, 3653,
}  # fmt: skip
# Arguments whose value Terraform stores in state in plaintext (a write-only *_wo
# argument is the exception: it never reaches state).
SECRET_ARGUMENTS = {
    "auth_token",
    "password",
    "master_password",
    "passwords",
    "secret_string",
    "secret_binary",
}
# Resources and data sources whose result is a secret held in state.
SECRET_GENERATORS = {
    ("managed", "random_password"),
    ("managed", "random_string"),
    ("data", "aws_secretsmanager_random_password"),
    ("data", "aws_secretsmanager_secret_version"),
}
# Words in a document that claim an account-level service, and the resource it needs.
CLAIMED_SERVICES = {
    "CloudTrail": "aws_cloudtrail",
    "GuardDuty": "aws_guardduty_detector",
    "Security Hub": "aws_securityhub_account",
    "Object Lock": "aws_s3_bucket_object_lock_configuration",
    "AWS Config": "aws_config_configuration_recorder",
}
_EVIDENCE = re.compile(r"`([^`]+)`(?: \(([^)]+)\))?")
_CELL = re.compile(r"(?<!\\)\|")


def _variants() -> Iterator[tuple[Path, tuple[str, ...] | None]]:
    regimes = [c.value for c in Compliance]
    for spec in EXAMPLES:
        yield spec, None  # the spec as written
        for regime in regimes:
            yield spec, (regime,)
        yield spec, tuple(regimes)
    # MSK, Kinesis, Amazon MQ and MemoryDB, which no example uses
    yield STREAMING, None
    yield STREAMING, tuple(regimes)


VARIANTS = list(_variants())


def _variant_id(variant: tuple[Path, tuple[str, ...] | None]) -> str:
    spec, regimes = variant
    if regimes is None:
        return spec.stem
    return f"{spec.stem}+{'+'.join(regimes) if len(regimes) < 3 else 'all'}"


@dataclass
class Generated:
    design: Design
    files: dict[str, str]
    tree: Path
    graphs: dict[str, TerraformGraph]

    def graph(self, env: str) -> TerraformGraph:
        return self.graphs[env]


def _generate(spec: Path, regimes: tuple[str, ...] | None, tree: Path) -> Generated:
    catalog = load_catalog()
    req = load_requirements(spec, catalog.regions)
    if regimes is not None:
        req = req.model_copy(update={"compliance": [Compliance(r) for r in regimes]})
    design = design_system(req, catalog)
    files = render_all(design)
    for rel, text in files.items():
        path = tree / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    graphs = {env.name: load_terraform(tree / ROOTS / env.name) for env in design.environments}
    for env, graph in graphs.items():
        assert not graph.skipped, f"{env}: {graph.skipped}"
    return Generated(design, files, tree, graphs)


@pytest.fixture(scope="module", params=VARIANTS, ids=[_variant_id(v) for v in VARIANTS])
def generated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Generated:
    spec, regimes = request.param
    return _generate(spec, regimes, tmp_path_factory.mktemp(_variant_id(request.param)))


# --- resolving a claim -------------------------------------------------------------------


def _split(address: str) -> tuple[str, str | None]:
    """``module.a.aws_x.this["key"]`` → (``module.a.aws_x.this``, ``key``)."""
    match = re.fullmatch(r'(.+?)\["([^"]+)"\]', address)
    return (match.group(1), match.group(2)) if match else (address, None)


def missing_resource(graph: TerraformGraph, address: str) -> str | None:
    """Why ``address`` is not a resource this root creates, or None when it is."""
    base, key = _split(address)
    resource = graph.by_address(base)
    if resource is None or resource.mode != "managed":
        return "no such resource"
    count = resource.body.get("count")
    if count is not None and graph.value(count, resource.scope) in (0, False):
        return "count is 0"
    for_each = resource.body.get("for_each")
    if for_each is None:
        return None if key is None else f"has no for_each, so no instance {key!r}"
    keys = graph.value(for_each, resource.scope)
    if keys is UNKNOWN:
        return None if key is None else f"for_each is not static: instance {key!r} unproven"
    keys = list(keys) if isinstance(keys, (dict, list, set, tuple)) else []
    if not keys:
        return "for_each is empty"
    if key is not None and key not in keys:
        return f"no instance {key!r} (for_each: {sorted(map(str, keys))})"
    return None


def unproven_claims(generated: Generated) -> list[str]:
    """Every piece of evidence of every control that does not exist where it is claimed."""
    design = generated.design
    environments = {e.name for e in design.environments}
    problems = []
    for control in design.security.controls:
        label = f"{control.regime} {control.control!r}"
        if control.applies and not control.evidence:
            problems.append(f"{label}: claimed with nothing that implements it")
        if not control.applies and control.evidence:
            problems.append(f"{label}: not applicable, yet names resources")
        for evidence in control.evidence:
            if evidence.kind == "file":
                if evidence.ref not in generated.files:
                    problems.append(f"{label}: {evidence.ref} is not generated")
                continue
            if not evidence.environments or not set(evidence.environments) <= environments:
                problems.append(f"{label}: {evidence.ref} in {evidence.environments}")
            for env in evidence.environments:
                why = missing_resource(generated.graph(env), evidence.ref)
                if why is not None:
                    problems.append(f"{label}: {env} {evidence.ref}: {why}")
    return problems


def compliance_rows(tech_spec: str) -> list[list[str]]:
    """The cells of each row of the tech spec's compliance table."""
    section = tech_spec.split("### Compliance controls", 1)
    if len(section) == 1:
        return []
    rows = []
    for line in section[1].splitlines():
        if line.startswith("## "):
            break
        if line.startswith("| ") and not line.startswith("| Regime |"):
            rows.append([c.strip() for c in _CELL.split(line)[1:-1]])
    return rows


# --- the claims -------------------------------------------------------------------------


def test_every_claimed_control_names_resources_that_exist(generated: Generated) -> None:
    assert unproven_claims(generated) == []


def test_the_tech_spec_prints_each_control_with_what_implements_it(generated: Generated) -> None:
    design = generated.design
    rows = compliance_rows(generated.files["docs/tech-spec.md"])
    assert [(r[0], r[1]) for r in rows] == [(c.regime, c.control) for c in design.security.controls]
    every = [e.name for e in design.environments]
    for row, control in zip(rows, design.security.controls, strict=True):
        printed = _EVIDENCE.findall(row[3])
        expected = [
            (
                e.ref,
                ", ".join(e.environments)
                if e.kind == "terraform" and e.environments != every
                else "",
            )
            for e in control.evidence
        ]
        assert printed == expected, control.control
        if control.applies:
            assert printed, f"{control.control}: the document claims it with nothing"
        else:
            assert row[2].startswith("not applicable"), control.control


def test_no_document_names_an_audit_service_that_is_not_created(generated: Generated) -> None:
    created = {r.type for g in generated.graphs.values() for r in g.resources}
    documents = {
        path: text
        for path, text in generated.files.items()
        if path.startswith("docs/") or path == "report.html"
    }
    named = {
        (word, path)
        for path, text in documents.items()
        for word in CLAIMED_SERVICES
        if word.lower() in text.lower()
    }
    unbacked = sorted((w, p) for w, p in named if CLAIMED_SERVICES[w] not in created)
    assert unbacked == [], "documents name services no Terraform creates"


def test_audit_resources_exist_exactly_when_a_control_claims_them(generated: Generated) -> None:
    design = generated.design
    audit = design.security.audit
    for env in design.environments:
        graph = generated.graph(env.name)
        types = {r.type for r in graph.resources if r.address.startswith("module.audit.")}
        if audit is None:
            assert types == set(), f"{env.name}: audit resources nobody claims"
            continue
        assert ("aws_cloudtrail" in types) == audit.trail
        assert ("aws_guardduty_detector" in types) == audit.guardduty
        (lock,) = graph.of_type("aws_s3_bucket_object_lock_configuration")
        (rule,) = lock.body["rule"]
        (retention,) = rule["default_retention"]
        assert graph.value(retention["mode"], lock.scope) == audit.object_lock_mode[env.name]
        assert graph.value(retention["days"], lock.scope) == audit.retention_days
        (trail,) = graph.of_type("aws_cloudtrail")
        for flag in ("is_multi_region_trail", "enable_log_file_validation"):
            assert graph.value(trail.body[flag], trail.scope) is True, flag
    if audit is not None:
        assert audit.object_lock_mode["prod"] == "COMPLIANCE"


# --- no secret in state -------------------------------------------------------------------


# The one known exception, said by the design (security.secrets) and the module: Amazon MQ
# for RabbitMQ authenticates only with a username and password, and aws_mq_broker takes the
# password in plain text (no write-only form in hashicorp/aws 5.x), so an Amazon MQ broker
# Terraform creates has its password in state whatever generates it.
STATE_SECRET_MODULES = ("module.mq_",)


def secrets_in_state(graph: TerraformGraph) -> list[str]:
    """Resources that would put a secret into Terraform state."""
    found = []
    for resource in graph.resources:
        if resource.address.startswith(STATE_SECRET_MODULES):
            continue
        if (resource.mode, resource.type) in SECRET_GENERATORS:
            found.append(f"{resource.address}: its result is kept in state")
            continue
        if resource.mode != "managed":
            continue
        found += [
            f"{resource.address}.{name} is stored in state"
            for name in sorted(SECRET_ARGUMENTS & resource.body.keys())
            if resource.body[name] is not None
        ]
        found += _secret_blocks(resource)
    return found


def _secret_blocks(resource: Resource) -> list[str]:
    """Secrets inside nested blocks (authentication_mode { passwords = ... })."""
    found = []
    for block_name, blocks in resource.body.items():
        for block in blocks if isinstance(blocks, list) else []:
            if isinstance(block, dict):
                found += [
                    f"{resource.address}.{block_name}.{name} is stored in state"
                    for name in sorted(SECRET_ARGUMENTS & block.keys())
                ]
    return found


def test_no_secret_lands_in_terraform_state(generated: Generated) -> None:
    for env, graph in generated.graphs.items():
        assert secrets_in_state(graph) == [], env


def test_the_secret_check_catches_a_generated_token(tmp_path: Path) -> None:
    """The check above is not vacuous: the ElastiCache module before issue 16 (a random
    token from Secrets Manager, set as the replication group's auth_token) fails it."""
    root = tmp_path / "root"
    module = tmp_path / "cache"
    root.mkdir()
    module.mkdir()
    (root / "main.tf").write_text('module "cache" {\n  source = "../cache"\n}\n')
    (module / "main.tf").write_text(
        """
data "aws_secretsmanager_random_password" "auth" {
  password_length = 64
}

resource "aws_secretsmanager_secret_version" "auth" {
  secret_id     = "x"
  secret_string = data.aws_secretsmanager_random_password.auth.random_password
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id = "x"
  description          = "x"
  auth_token           = aws_secretsmanager_secret_version.auth.secret_string
}
"""
    )
    assert sorted(secrets_in_state(load_terraform(root))) == [
        "module.cache.aws_elasticache_replication_group.this.auth_token is stored in state",
        "module.cache.aws_secretsmanager_secret_version.auth.secret_string is stored in state",
        "module.cache.data.aws_secretsmanager_random_password.auth: its result is kept in state",
    ]


def test_caches_authenticate_with_iam(generated: Generated) -> None:
    design = generated.design
    caches = [s for s in design.data.stores if s.kind == "elasticache"]
    for env, graph in generated.graphs.items():
        for group in graph.of_type("aws_elasticache_replication_group"):
            assert "auth_token" not in group.body
            assert group.body.get("user_group_ids"), group.address
            assert graph.value(group.body["transit_encryption_enabled"], group.scope) is True
        modes = sorted(
            graph.value(user.body["authentication_mode"][0]["type"], user.scope)
            for user in graph.of_type("aws_elasticache_user")
        )
        # One IAM user per cache, and the switched-off "default" every user group needs.
        assert modes == sorted(["iam", "no-password-required"] * len(caches)), env
    memorydbs = [s for s in design.data.stores if s.kind == "memorydb"]
    for env, graph in generated.graphs.items():
        for cluster in graph.of_type("aws_memorydb_cluster"):
            assert graph.value(cluster.body["tls_enabled"], cluster.scope) is True
        modes = [
            graph.value(user.body["authentication_mode"][0]["type"], user.scope)
            for user in graph.of_type("aws_memorydb_user")
        ]
        assert modes == ["iam"] * len(memorydbs), env
    kinds = {s.name: s.kind for s in design.data.stores}
    for identity in design.security.identities:
        for permission in identity.permissions:
            if permission.kind == "cache-iam":
                connect = (
                    f"{'memorydb' if kinds[permission.target] == 'memorydb' else 'elasticache'}"
                )
                assert permission.actions == [f"{connect}:Connect"]
    for path, text in generated.files.items():
        assert "AUTH_TOKEN" not in text, path


# --- what the claims rest on works ----------------------------------------------------------


def test_every_log_retention_is_one_cloudwatch_accepts(generated: Generated) -> None:
    for env, graph in generated.graphs.items():
        for group in graph.of_type("aws_cloudwatch_log_group"):
            days = graph.value(group.body.get("retention_in_days"), group.scope)
            assert days in CLOUDWATCH_RETENTION_DAYS, f"{env} {group.address}: {days}"


def test_tls_up_to_each_service_when_the_design_says_so(generated: Generated) -> None:
    design = generated.design
    tls = design.security.tls_to_services
    regimes = {c.regime for c in design.security.controls}
    assert tls == bool(regimes & {"pci-dss", "hipaa"})
    tech_spec = generated.files["docs/tech-spec.md"]
    if "pci-dss" in regimes:
        assert "4.2.1" in tech_spec  # the reason for the decision is stated
    protocol = "HTTPS" if tls else "HTTP"
    for env, graph in generated.graphs.items():
        for group in graph.of_type("aws_lb_target_group"):
            assert graph.value(group.body["protocol"], group.scope) == protocol, env
            (check,) = group.body["health_check"]
            assert graph.value(check["protocol"], group.scope) == protocol, env
    ingress = generated.files.get("infra/k8s/base/ingress.yaml")
    if ingress is not None:
        annotations = yaml.safe_load(ingress)["metadata"]["annotations"]
        assert annotations["alb.ingress.kubernetes.io/backend-protocol"] == protocol
        assert annotations["alb.ingress.kubernetes.io/healthcheck-protocol"] == protocol
    for path, text in generated.files.items():
        if path.startswith("infra/k8s/base/") and path.endswith(
            ("deployment.yaml", "rollout.yaml")
        ):
            for doc in yaml.safe_load_all(text):
                for container in doc["spec"]["template"]["spec"]["containers"]:
                    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                        if probe not in container:
                            continue
                        if "grpc" in container[probe]:
                            # the kubelet's native gRPC probe cannot speak TLS: under TLS
                            # a gRPC service is probed over HTTPS on its health path
                            assert not tls, f"{path} {probe}: a gRPC probe under TLS"
                            continue
                        scheme = container[probe]["httpGet"].get("scheme", "HTTP")
                        assert scheme == protocol, f"{path} {probe}"


def test_logs_and_backups_are_kept_as_long_as_the_documents_say(generated: Generated) -> None:
    """The tech spec's "logs kept N days" and its per-store backup column, against the
    Terraform of prod (the environment the design's figures describe)."""
    design = generated.design
    days = design.observability.log_retention_days
    tech_spec = generated.files["docs/tech-spec.md"]
    assert f"kept {design.observability.retention_why}" in tech_spec
    for env, graph in generated.graphs.items():
        for group in graph.of_type("aws_cloudwatch_log_group"):
            kept = graph.value(group.body.get("retention_in_days"), group.scope)
            said = days
            if group.address.startswith("module.audit.") and design.security.audit:
                said = design.security.audit.retention_days  # the trail: a year at least
            assert kept == said, f"{env} {group.address}: {kept}, the documents say {said}"
        logs = graph.by_address("module.s3_logs.aws_s3_bucket_lifecycle_configuration.this")
        assert logs is not None
        assert logs.scope.caller is not None
        # The bucket's lifecycle expires objects after the module's expiration_days.
        expiration = graph.value(logs.scope.arguments["expiration_days"], logs.scope.caller)
        assert expiration == days, env
    prod = generated.graph("prod")
    for store in design.data.stores:
        module = f"module.{store.kind}_{re.sub(r'[^a-z0-9]+', '_', store.name)}"
        attribute = {
            "rds": ("aws_db_instance.this", "backup_retention_period"),
            "elasticache": ("aws_elasticache_replication_group.this", "snapshot_retention_limit"),
        }.get(store.kind)
        if attribute is None:
            continue
        resource = prod.by_address(f"{module}.{attribute[0]}")
        assert resource is not None, store.name
        kept = prod.value(resource.body[attribute[1]], resource.scope)
        assert kept == store.backup_retention_days, f"{store.name}: {kept}"
        assert f"| {store.backup_retention_days} days" in tech_spec, store.name
