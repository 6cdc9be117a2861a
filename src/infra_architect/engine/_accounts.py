"""What each AWS account needs once, before any environment root is applied.

Staging and prod live in the accounts the spec names (``cloud.accounts``); each account
gets one bootstrap: the bucket the environment roots keep their state in (S3 names are
global, so the account id and region are part of it), the service-linked roles a key
policy or a VPC domain names before AWS would create them, and the identity the
pipelines run as: GitHub's OIDC provider and one role per GitHub environment, trusted
only for this repository's jobs in that environment and allowed only what the generated
workflows do. Environments that share an account share its bootstrap.

Pure: names and ARNs are built from the design (project, region, accounts, services,
release mechanisms); Terraform prints them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from infra_architect.catalog import Limits
from infra_architect.engine._bounded import bounded_name
from infra_architect.errors import DesignLookupError
from infra_architect.spec import ServiceType

if TYPE_CHECKING:  # the Design model holds an AccountsDesign: import its parts lazily
    from infra_architect.engine._design_model import (
        DataDesign,
        DeliveryDesign,
        EnvironmentSizing,
        Platform,
        ServicePlan,
    )

# GitHub, "Configuring OpenID Connect in Amazon Web Services":
# https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com"
GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com"

# IAM names: a role name is at most 64 characters; an S3 bucket name 3-63 lowercase
# letters, digits, '-' and '.' (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html,
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PolicyCondition(_Out):
    test: str
    variable: str
    values: list[str]


class PolicyStatement(_Out):
    sid: str
    actions: list[str]
    resources: list[str]
    conditions: list[PolicyCondition] = Field(default_factory=list)
    why: str = Field(description="What the workflows do with it.")


class CiRole(_Out):
    """A role GitHub's OIDC token is exchanged for, in one account."""

    name: str = Field(description="IAM role name.")
    github_environment: Literal["staging", "prod"] = Field(
        description="The GitHub environment whose jobs may assume it (the sub claim)."
    )
    subject: str = Field(description="token.actions.githubusercontent.com:sub, exactly.")
    variable: str = Field(description="The GitHub variable the workflows read its ARN from.")
    output: str = Field(description="The bootstrap root's output holding its ARN.")
    why: str
    statements: list[PolicyStatement]


class ServiceLinkedRole(_Out):
    service: str = Field(description="aws_service_name, e.g. autoscaling.amazonaws.com.")
    role_name: str = Field(description="The role AWS names it (fixed per service).")
    why: str

    @property
    def path(self) -> str:
        return f"/aws-service-role/{self.service}/"


class AccountBootstrap(_Out):
    """One account's bootstrap root (``infra/terraform/bootstrap/<name>``)."""

    name: str = Field(description="Directory: the environments it serves, joined by '-'.")
    account_id: str
    partition: str
    environments: list[str]
    state_bucket: str = Field(description="Bucket of the environment roots' state.")
    state_key_alias: str = Field(description="KMS alias of the state bucket's key.")
    state_key_deletion_window_days: int = Field(
        description="Days a deleted state key stays recoverable (the longest KMS allows: "
        "without it no state can be read)."
    )
    service_linked_roles: list[ServiceLinkedRole]
    roles: list[CiRole]


class AccountsDesign(_Out):
    github_repository: str = Field(description="owner/name of the repository on GitHub.")
    oidc_url: str = GITHUB_OIDC_URL
    oidc_audience: str = GITHUB_OIDC_AUDIENCE
    bootstraps: list[AccountBootstrap]

    def bootstrap(self, environment: str) -> AccountBootstrap:
        for b in self.bootstraps:
            if environment in b.environments:
                return b
        raise DesignLookupError("account bootstrap of environment", environment)


def state_key(environment: str) -> str:
    """The environment root's object in its account's state bucket."""
    return f"{environment}/terraform.tfstate"


def partition(region: str) -> str:
    """The AWS partition of a region (ARNs start ``arn:<partition>:``)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


_GITHUB_PATH = re.compile(r"[:/]([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$")


def github_repository(url: str) -> str:
    """``owner/name`` of a Git URL (https, ssh or scp-like): its last two path segments."""
    match = _GITHUB_PATH.search(url)
    if match is None:  # the spec's GIT_URL charset always has a path; keep the URL whole
        return url
    return f"{match.group(1)}/{match.group(2)}"


def design_accounts(
    *,
    name: str,
    region: str,
    repository: str,
    platform: Platform,
    services: list[ServicePlan],
    delivery: DeliveryDesign,
    data: DataDesign,
    environments: list[EnvironmentSizing],
    key_deletion_window_days: int,
    limits: Limits,
) -> AccountsDesign:
    """One bootstrap per account the environments use, and the CI variables."""
    repo = github_repository(repository)
    part = partition(region)
    by_account: dict[str, list[EnvironmentSizing]] = {}
    for env in environments:
        by_account.setdefault(env.account_id, []).append(env)
    eks = platform.kubernetes
    search = any(s.kind == "opensearch" for s in data.stores)
    staging = next(e for e in environments if e.name == "staging")
    bootstraps = []
    for account, envs in by_account.items():
        label = "-".join(e.name for e in envs)
        roles = [
            _deploy_role(
                name=name,
                region=region,
                part=part,
                repo=repo,
                env=env,
                platform=platform,
                services=services,
                delivery=delivery,
                limits=limits,
            )
            for env in envs
        ]
        if staging in envs:
            roles.append(_staging_pull_role(name, region, part, repo, staging, limits))
        bootstraps.append(
            AccountBootstrap(
                name=label,
                account_id=account,
                partition=part,
                environments=[e.name for e in envs],
                state_bucket=bounded_name(
                    limits.name("s3-bucket"), name, f"tfstate-{account}-{region}"
                ),
                state_key_alias=f"alias/{bounded_name(limits.name('kms-alias'), name, 'tfstate')}",
                state_key_deletion_window_days=key_deletion_window_days,
                service_linked_roles=_service_linked_roles(eks=eks, search=search),
                roles=roles,
            )
        )
    return AccountsDesign(
        github_repository=repo,
        bootstraps=bootstraps,
    )


def _service_linked_roles(*, eks: bool, search: bool) -> list[ServiceLinkedRole]:
    out = []
    if eks:
        out.append(
            ServiceLinkedRole(
                service="autoscaling.amazonaws.com",
                role_name="AWSServiceRoleForAutoScaling",
                why="the EKS node groups' Auto Scaling groups launch nodes as this role, and "
                "the environment key's policy names it (CMK-encrypted node volumes); AWS "
                "creates it only with the first Auto Scaling group, after the key, and a key "
                "policy naming a role that does not exist is rejected",
            )
        )
    if search:
        out.append(
            ServiceLinkedRole(
                service="opensearchservice.amazonaws.com",
                role_name="AWSServiceRoleForAmazonOpenSearchService",
                why="a VPC OpenSearch domain needs it to place its network interfaces "
                "(https://docs.aws.amazon.com/opensearch-service/latest/developerguide/"
                "slr-aos.html)",
            )
        )
    return out


def _subject(repo: str, environment: str) -> str:
    # Every job that assumes a role declares its environment, so GitHub issues this sub
    # (https://docs.github.com/en/actions/reference/security/oidc#example-subject-claims).
    return f"repo:{repo}:environment:{environment}"


def _ecr_login() -> PolicyStatement:
    return PolicyStatement(
        sid="EcrLogin",
        actions=["ecr:GetAuthorizationToken"],
        resources=["*"],
        why="docker login: the token is per registry and the action has no resource",
    )


def _ecr_push(part: str, region: str, account: str, prefix: str) -> list[PolicyStatement]:
    return [
        _ecr_login(),
        PolicyStatement(
            sid="EcrPush",
            actions=[
                "ecr:BatchCheckLayerAvailability",
                "ecr:BatchGetImage",
                "ecr:CompleteLayerUpload",
                "ecr:DescribeImageScanFindings",
                "ecr:DescribeImages",
                "ecr:GetDownloadUrlForLayer",
                "ecr:InitiateLayerUpload",
                "ecr:PutImage",
                "ecr:UploadLayerPart",
            ],
            resources=[f"arn:{part}:ecr:{region}:{account}:repository/{prefix}/*"],
            why="push the image (build in staging, the promoted digest in prod) and wait "
            "for its scan",
        ),
    ]


def _deploy_role(
    *,
    name: str,
    region: str,
    part: str,
    repo: str,
    env: EnvironmentSizing,
    platform: Platform,
    services: list[ServicePlan],
    delivery: DeliveryDesign,
    limits: Limits,
) -> CiRole:
    account = env.account_id
    cluster = f"{name}-{env.name}"
    statements = _ecr_push(part, region, account, cluster)
    statements.append(
        PolicyStatement(
            sid="ReadAlarms",
            actions=["cloudwatch:DescribeAlarms"],
            resources=["*"],
            why="the verify job's SLO check lists the burn-rate alarms by prefix "
            "(DescribeAlarms takes no resource filter for a prefix query)",
        )
    )
    if platform.kubernetes:
        statements.append(
            PolicyStatement(
                sid="FindCluster",
                actions=["eks:DescribeCluster"],
                resources=[f"arn:{part}:eks:{region}:{account}:cluster/{cluster}"],
                why="aws eks update-kubeconfig (verify, prod sync, rollback)",
            )
        )
    else:
        statements += _ecs_deploy(
            part=part,
            region=region,
            account=account,
            cluster=cluster,
            services=services,
            delivery=delivery,
        )
    return CiRole(
        name=bounded_name(limits.name("iam-role"), name, f"github-{env.name}-deploy"),
        github_environment=env.name,
        subject=_subject(repo, env.name),
        variable="AWS_DEPLOY_ROLE_ARN",
        output=f"github_{env.name}_deploy_role_arn",
        why=f"the {env.name} jobs of every workflow: push images, deploy and verify",
        statements=statements,
    )


def _ecs_deploy(
    *,
    part: str,
    region: str,
    account: str,
    cluster: str,
    services: list[ServicePlan],
    delivery: DeliveryDesign,
) -> list[PolicyStatement]:
    out = [
        PolicyStatement(
            sid="TaskDefinitions",
            actions=[
                "ecs:DescribeTaskDefinition",
                "ecs:ListTaskDefinitions",
                "ecs:RegisterTaskDefinition",
            ],
            resources=["*"],
            why="register the next revision with the new digest; these actions take no "
            "resource (Service Authorization Reference, Amazon ECS)",
        ),
        PolicyStatement(
            sid="PassTaskRoles",
            actions=["iam:PassRole"],
            resources=[f"arn:{part}:iam::{account}:role/{cluster}-*"],
            conditions=[
                PolicyCondition(
                    test="StringEquals",
                    variable="iam:PassedToService",
                    values=sorted(
                        {"ecs-tasks.amazonaws.com"}
                        | (
                            {"scheduler.amazonaws.com"}
                            if any(s.type is ServiceType.CRON for s in services)
                            else set()
                        )
                    ),
                )
            ],
            why="a task definition names the environment's task and execution roles",
        ),
    ]
    long_running = [s for s in services if s.type is not ServiceType.CRON]
    if long_running:
        out.append(
            PolicyStatement(
                sid="Services",
                actions=["ecs:DescribeServices", "ecs:UpdateService"],
                resources=[f"arn:{part}:ecs:{region}:{account}:service/{cluster}/*"],
                why="rolling deploys and rollbacks, and waiting for the service to settle",
            )
        )
    if any(delivery.release(s.name).codedeploy_ecs for s in long_running):
        out.append(
            PolicyStatement(
                sid="CodeDeploy",
                actions=[
                    "codedeploy:CreateDeployment",
                    "codedeploy:GetApplicationRevision",
                    "codedeploy:GetDeployment",
                    "codedeploy:GetDeploymentConfig",
                    "codedeploy:RegisterApplicationRevision",
                ],
                resources=[
                    f"arn:{part}:codedeploy:{region}:{account}:application:{cluster}",
                    f"arn:{part}:codedeploy:{region}:{account}:deploymentgroup:{cluster}/*",
                    f"arn:{part}:codedeploy:{region}:{account}:deploymentconfig:*",
                ],
                why="blue/green and canary services take a new task definition only "
                "through a CodeDeploy deployment",
            )
        )
    if any(s.type is ServiceType.CRON for s in services):
        out.append(
            PolicyStatement(
                sid="Schedules",
                actions=["scheduler:GetSchedule", "scheduler:UpdateSchedule"],
                resources=[f"arn:{part}:scheduler:{region}:{account}:schedule/default/{cluster}-*"],
                why="a scheduled task's schedule points at the new task definition",
            )
        )
    return out


def _staging_pull_role(  # noqa: PLR0917  (one argument per fact the role is built from)
    name: str, region: str, part: str, repo: str, staging: EnvironmentSizing, limits: Limits
) -> CiRole:
    account = staging.account_id
    return CiRole(
        name=bounded_name(limits.name("iam-role"), name, "github-staging-pull"),
        github_environment="prod",
        subject=_subject(repo, "prod"),
        variable="AWS_STAGING_PULL_ROLE_ARN",
        output="github_staging_pull_role_arn",
        why="the promote job (prod environment) reads the verified digest from the "
        "staging registry; it can read nothing else and write nothing",
        statements=[
            _ecr_login(),
            PolicyStatement(
                sid="EcrPull",
                actions=[
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:DescribeImages",
                    "ecr:GetDownloadUrlForLayer",
                ],
                resources=[f"arn:{part}:ecr:{region}:{account}:repository/{name}-{staging.name}/*"],
                why="copy the digest staging verified",
            ),
        ],
    )
