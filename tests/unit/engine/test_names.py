"""AWS names with a length limit (issue 20 item 11): every name the spec allows gives
valid, distinct target group and load balancer names."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from infra_architect.catalog import load_catalog
from infra_architect.engine._names import bounded_name

LIMITS = load_catalog().limits
# requirements-v1.schema.json: metadata.name and service names.
SPEC_NAME = r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?"
ELB_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$")
names = st.from_regex(f"^{SPEC_NAME}$", fullmatch=True)
environments = st.sampled_from(["staging", "prod"])


@given(names, environments, st.lists(names, min_size=1, max_size=6, unique=True))
@example("tasklane", "staging", ["fourteen-chars"])  # ended in "-" at the 32nd character
@example("tasklane", "staging", ["fifteen-chars-x", "fifteen-chars-y"])  # blue == green
@example("internal-tool", "prod", ["app"])  # "internal-" starts an internal ALB's DNS name
def test_target_group_and_load_balancer_names_are_valid_and_distinct(
    project: str, env: str, services: list[str]
) -> None:
    group, lb = LIMITS.name("target-group"), LIMITS.name("load-balancer")
    base = f"{project}-{env}"
    built = [bounded_name(group, f"{base}-{s}", c) for s in services for c in ("blue", "green")]
    for name in built:
        assert len(name) <= group.max_length, name
        assert ELB_NAME.match(name), name
    assert len(set(built)) == len(built), built
    balancer = bounded_name(lb, base)
    assert len(balancer) <= lb.max_length
    assert ELB_NAME.match(balancer)
    assert not balancer.startswith("internal-")


@given(names, environments)
def test_role_names_fit_iam(project: str, env: str) -> None:
    role = LIMITS.name("iam-role")
    built = [bounded_name(role, f"{project}-{env}", k) for k in ("task-execution", "codedeploy")]
    assert all(len(n) <= role.max_length and ELB_NAME.match(n) for n in built)
    assert len(set(built)) == len(built)


def test_a_name_that_fits_is_kept_as_it_reads() -> None:
    group = LIMITS.name("target-group")
    assert bounded_name(group, "tasklane-prod-app", "blue") == "tasklane-prod-app-blue"


S3_BUCKET = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$")


@given(names, environments, st.sampled_from(["us-east-2", "ap-southeast-2", "eu-central-1"]))
@example("a" * 63, "staging", "ap-southeast-2")  # "<project>-<env>-access-logs-<region>": 93
def test_access_log_buckets_fit_s3_and_stay_apart(project: str, env: str, region: str) -> None:
    """S3 names are global and at most 63 characters: the load balancer's access-log bucket
    and its recovery-region copy (both built from the project's name) fit and differ."""
    bucket = LIMITS.name("s3-bucket")
    base = f"{project}-{env}"
    primary = bounded_name(bucket, base, "access-logs")
    recovery = bounded_name(bucket, base, f"access-logs-{region}")
    for name in (primary, recovery):
        assert S3_BUCKET.match(name), name
    assert primary != recovery
