"""A generated staging environment applied to a local AWS emulator and destroyed again.

The real terraform and the real hashicorp/aws provider (from the offline mirror) talk to
moto's server on 127.0.0.1: a plan that only ``terraform validate`` has seen can still
fail here (unknown values in ``count``, duplicate security-group rules, a log bucket
used before its policy exists...), and did.

The test-only switch: moto cannot serve a few AWS APIs, so the test writes Terraform
*override files* (``emulator_override.tf``) into its private copy of the modules and
leaves those resources out. The generated code itself carries no emulator knob; every
override is listed in ``EMULATOR_GAPS`` with the reason (moto 5.2).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra_architect._output import write_tree
from infra_architect.validate import Toolchain
from infra_architect.validate._tools import write_cli_config
from tests.conftest import ROOT, generate

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# The example applied: ECS on Fargate behind an ALB with WAF, RDS, ElastiCache, S3, SQS
# with a dead-letter queue, a scheduled task, CodeDeploy canaries and burn-rate alarms.
EXAMPLE = ROOT / "examples" / "saas-team.yaml"
REGION = "eu-west-1"

# module → (resource address inside the module, override body, why moto needs it)
EMULATOR_GAPS: dict[str, list[tuple[str, str, str]]] = {
    "elasticache": [
        (
            'resource "aws_elasticache_replication_group" "this"',
            "count             = 0\n  subnet_group_name = null\n  user_group_ids    = []",
            "replication groups fail on read",
        ),
        (
            'resource "aws_elasticache_user_group" "this"',
            "count = 0",
            "CreateUserGroup is not implemented",
        ),
        (
            'resource "aws_elasticache_subnet_group" "this"',
            "count = 0",
            "DeleteCacheSubnetGroup is not implemented",
        ),
    ],
    "ecs": [
        (
            'resource "aws_appautoscaling_target" "this"',
            "for_each = {}",
            "Application Auto Scaling ListTagsForResource is not implemented",
        ),
        ('resource "aws_appautoscaling_policy" "this"', "for_each = {}", "needs its target"),
        (
            'resource "aws_codedeploy_deployment_config" "canary"',
            "for_each = {}",
            "CreateDeploymentConfig is not implemented",
        ),
        ('resource "aws_codedeploy_deployment_group" "this"', "for_each = {}", "needs its config"),
        ('resource "aws_codedeploy_app" "this"', "count = 0", "DeleteApplication not implemented"),
    ],
    "observability": [
        (
            'resource "aws_cloudwatch_composite_alarm" "burn_rate"',
            "for_each = {}",
            "PutCompositeAlarm is not implemented",
        ),
    ],
    "s3": [
        (
            'resource "aws_s3_bucket_logging" "this"',
            "count = 0",
            'PutBucketLogging crashes on a bucket policy whose Principal is "*"',
        ),
    ],
    "messaging": [
        (
            'resource "aws_sqs_queue_redrive_allow_policy" "dead_letter"',
            "for_each = {}",
            "RedriveAllowPolicy is not stored, so the provider waits for it forever",
        ),
    ],
    "audit": [
        (
            'resource "aws_s3_bucket_logging" "this"',
            "count = 0",
            'PutBucketLogging crashes on a bucket policy whose Principal is "*"',
        ),
        (
            'resource "aws_cloudtrail" "this"',
            "count = 0",
            "the provider's X-Amz-Target CloudTrail_20131101.CreateTrail is not routed (404)",
        ),
        (
            'resource "aws_securityhub_account" "this"',
            "count = 0",
            "UpdateSecurityHubConfiguration is not implemented",
        ),
        (
            'resource "aws_securityhub_standards_subscription" "this"',
            "for_each = {}",
            "BatchEnableStandards is not implemented",
        ),
    ],
}

ROOT_OVERRIDE = """\
terraform {
  backend "local" {
    path = "terraform.tfstate"
  }
}

provider "aws" {
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  s3_use_path_style           = true
  # A few retries: moto's threaded server sometimes closes a kept-alive connection
  # under parallel load ("use of closed network connection"); one attempt made the
  # destroy flaky. Still low, so an API moto lacks fails in seconds, not minutes.
  max_retries                 = 4
  # The generated provider refuses every account but the environment's; moto's is this.
  allowed_account_ids         = ["123456789012"]
}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def emulator() -> Iterator[str]:
    try:
        import moto.server  # noqa: F401, PLC0415
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("moto[server] is required in CI (.ci/run installs it)")
        pytest.skip("moto[server] is not installed")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="true"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):  # noqa: S310
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("moto server did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _client(service: str, url: str) -> object:
    import boto3  # noqa: PLC0415

    return boto3.client(
        service,
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",  # noqa: S106  (the emulator's dummy credentials)
    )


def _self_signed_certificate(url: str) -> str:
    """A throwaway certificate imported into the emulator's ACM, for the HTTPS listener."""
    from cryptography import x509  # noqa: PLC0415
    from cryptography.hazmat.primitives import hashes, serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: PLC0415
    from cryptography.x509.oid import NameOID  # noqa: PLC0415

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "staging.example.test")])
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    acm = _client("acm", url)
    response = acm.import_certificate(  # type: ignore[attr-defined]
        Certificate=cert.public_bytes(serialization.Encoding.PEM),
        PrivateKey=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        ),
    )
    arn: str = response["CertificateArn"]
    return arn


def _write_overrides(terraform: Path) -> list[str]:
    written = []
    for module, gaps in EMULATOR_GAPS.items():
        directory = terraform / "modules" / module
        if not directory.is_dir():
            continue
        text = "\n".join(
            f"# moto: {why}\n{address} {{\n  {body}\n}}\n" for address, body, why in gaps
        )
        (directory / "emulator_override.tf").write_text(text, encoding="utf-8")
        written.append(module)
    staging = terraform / "environments" / "staging"
    (staging / "emulator_override.tf").write_text(ROOT_OVERRIDE, encoding="utf-8")
    return written


def _terraform(
    tools: Toolchain, args: list[str], cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    assert tools.terraform is not None
    return subprocess.run(
        [tools.terraform, *args, "-no-color"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _errors(proc: subprocess.CompletedProcess[str]) -> str:
    lines = (proc.stderr or proc.stdout).splitlines()
    return "\n".join(line for line in lines if line.strip())[-4000:]


def test_staging_applies_to_the_emulator_and_destroys(emulator: str, tmp_path: Path) -> None:
    tools = Toolchain.discover()
    if tools.terraform is None or tools.plugin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("terraform and a provider mirror are required in CI")
        pytest.skip("terraform or the provider mirror is absent")
    tree = tmp_path / "tree"
    write_tree(tree, generate(EXAMPLE), force=False)
    terraform = tree / "infra" / "terraform"
    assert _write_overrides(terraform) == [
        "elasticache",
        "ecs",
        "observability",
        "s3",
        "messaging",
        "audit",
    ]
    staging = terraform / "environments" / "staging"
    assert f'default     = "{REGION}"' in (staging / "variables.tf").read_text(encoding="utf-8")

    env = dict(
        os.environ,
        TF_CLI_CONFIG_FILE=str(write_cli_config(tools.plugin_dir, tmp_path)),
        TF_IN_AUTOMATION="1",
        CHECKPOINT_DISABLE="1",
        AWS_ENDPOINT_URL=emulator,
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",  # noqa: S106  (the emulator's dummy credentials)
        AWS_EC2_METADATA_DISABLED="true",
    )
    variables = [
        "-var",
        "image_tag=test",
        "-var",
        f"certificate_arn={_self_signed_certificate(emulator)}",
    ]

    init = _terraform(tools, ["init", "-input=false"], staging, env)
    assert init.returncode == 0, _errors(init)
    apply = _terraform(
        tools,
        ["apply", "-input=false", "-auto-approve", "-parallelism=20", *variables],
        staging,
        env,
    )
    assert apply.returncode == 0, _errors(apply)

    state = _terraform(tools, ["state", "list"], staging, env)
    addresses = state.stdout.split()
    assert len(addresses) > 100, f"only {len(addresses)} resources applied"
    for expected in (
        "module.vpc.aws_nat_gateway.this[0]",
        "module.alb.aws_lb_listener.https",
        'module.ecs.aws_ecs_service.this["api"]',
        "module.rds_main_db.aws_db_instance.this",
        'module.messaging.aws_sqs_queue.dead_letter["jobs"]',
        'module.ecs.aws_scheduler_schedule.this["billing-run"]',
        "module.elasticache_app_cache.aws_elasticache_user.this",
        "module.audit.aws_s3_bucket_object_lock_configuration.this",
        "module.audit.aws_guardduty_detector.this[0]",
        "module.audit.aws_config_configuration_recorder_status.this[0]",
    ):
        assert expected in addresses, f"{expected} was not applied"
    # What the emulator now holds is what the design asked for.
    ecs = _client("ecs", emulator)
    (cluster,) = ecs.describe_clusters(clusters=["tasklane-staging"])["clusters"]  # type: ignore[attr-defined]
    assert cluster["status"] == "ACTIVE"
    services = ecs.list_services(cluster="tasklane-staging")["serviceArns"]  # type: ignore[attr-defined]
    assert sorted(arn.rsplit("/", 1)[1] for arn in services) == ["api", "app", "jobs-worker"]
    rds = _client("rds", emulator)
    (db,) = rds.describe_db_instances()["DBInstances"]  # type: ignore[attr-defined]
    assert db["StorageEncrypted"] is True
    assert db["PubliclyAccessible"] is False

    destroy = _terraform(
        tools,
        ["destroy", "-input=false", "-auto-approve", "-parallelism=20", *variables],
        staging,
        env,
    )
    assert destroy.returncode == 0, _errors(destroy)
    left = _terraform(tools, ["state", "list"], staging, env)
    assert left.stdout.split() == []
    # A deleted cluster stays visible as INACTIVE for a while, as on AWS.
    remaining = ecs.describe_clusters(clusters=["tasklane-staging"])["clusters"]  # type: ignore[attr-defined]
    assert [c["status"] for c in remaining] in ([], ["INACTIVE"])
    assert rds.describe_db_instances()["DBInstances"] == []  # type: ignore[attr-defined]
