"""Day one: the ordered commands that take an empty account to the first release.

Decided here, printed by ``docs/deploy.md``. Every step names where it runs (a
workstation with administrator credentials of one account, a host that reaches the
cluster's private endpoint, GitHub, the repository's clone), the exact commands, and what
done looks like. The steps are gathered from what the Design already holds: the
accounts' bootstrap roots, the workflows' variables, the quota checks, the cluster
add-ons; nothing is chosen twice.

Values only the operator knows (domains, certificate ARNs, the administrators' role,
the prod approver) are shell variables the document lists first (:class:`DeployInput`);
every other ``$NAME`` a command reads is set by an earlier command.

Order (tests/test_day_one.py holds it): quotas, then each account's bootstrap (its state
bucket is the environment roots' backend; its roles are the CI variables), then GitHub
(repository, environments, variables), certificates, each environment's root, then on
EKS the seeded overlay values and Argo CD, the search role mapping where a domain is
used, DNS, and last the push that runs every workflow.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, computed_field

from infra_architect.engine._accounts import GITHUB_OIDC_HOST
from infra_architect.engine._addresses import deploy_owned_paths, snake
from infra_architect.errors import DesignLookupError

if TYPE_CHECKING:  # the Design holds a DayOne: import the parts it is built from lazily
    from infra_architect.engine._accounts import AccountBootstrap, AccountsDesign
    from infra_architect.engine._design_model import (
        AddonChart,
        DataDesign,
        DeliveryDesign,
        DnsDesign,
        EnvironmentSizing,
        PipelineVariable,
        SecurityDesign,
    )
    from infra_architect.engine._quotas import QuotaCheck

TERRAFORM_ROOTS = "infra/terraform"
FIRST_IMAGE_TAG = "unreleased"
"""The image tag the environment roots and overlays carry until the first release
(nothing is pushed yet; the pipeline deploys digests from then on)."""
ARGOCD_NOTIFICATIONS_SECRET = "argocd-notifications-secret"  # noqa: S105  (a Secret's name)
ARGOCD_REPOSITORY_SECRET = "repository"  # noqa: S105  (a Secret's name)
WORKFLOWS = ".github/workflows"
DEFAULT_BRANCH = "main"


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DeployHost(StrEnum):
    """Where a step's commands run."""

    ACCOUNT = "account"
    """A workstation with an administrator session in the step's account (IAM Identity
    Center: aws sso login), and this repository checked out."""
    CLUSTER_NETWORK = "cluster-network"
    """A host inside the environment's VPC (the cluster's API endpoint and the data
    stores are private), e.g. an SSM session on an instance in a private subnet, with a
    session of one of the cluster's administrator roles and the repository checked out."""
    GITHUB = "github"
    """A workstation with gh authenticated as an administrator of the repository."""
    REPOSITORY = "repository"
    """The clone of the repository, with push rights on its default branch."""


class Tool(_Out):
    name: str
    minimum: str = Field(description="Lowest version the generated tree works with ('' any).")
    check: str = Field(description="Prints the installed version.")
    why: str


class DeployInput(_Out):
    """A value only the operator knows, exported as a shell variable before the steps."""

    name: str
    what: str
    example: str


class DeployStep(_Out):
    order: int
    id: str
    title: str
    why: str
    host: DeployHost
    account_id: str | None = Field(
        default=None, description="The account whose credentials the commands use."
    )
    environment: str | None = None
    commands: list[str]
    done_when: str

    @computed_field(description="Where the commands run, in words.")  # type: ignore[prop-decorator]
    @property
    def runs_on(self) -> str:
        scope = f" of {self.environment}" if self.environment else ""
        account = f"account {self.account_id}{scope}"
        return {
            DeployHost.ACCOUNT: f"a workstation with an administrator session in {account}",
            DeployHost.CLUSTER_NETWORK: f"a host inside the VPC{scope} (its API endpoint and "
            f"data stores are private), with an administrator session in {account}",
            DeployHost.GITHUB: "a workstation with gh signed in as an administrator of the "
            "repository",
            DeployHost.REPOSITORY: "the repository's clone, with push rights on its default branch",
        }[self.host]


class PipelineVariableSetting(_Out):
    """How day one sets (or leaves) one variable the workflows read."""

    name: str
    environments: list[str]
    required: bool
    how: str = Field(description="The value, in words (the command is in the GitHub step).")


class DayOne(_Out):
    """``docs/deploy.md``: from an empty account to the first release."""

    tools: list[Tool]
    inputs: list[DeployInput]
    variables: list[PipelineVariableSetting]
    seeded_files: list[str] = Field(
        description="Files day one writes and the generator never rewrites (their values "
        "belong to Terraform or the pipeline)."
    )
    steps: list[DeployStep]

    def step(self, step_id: str) -> DeployStep:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise DesignLookupError("day-one step", step_id)


# --- building blocks -----------------------------------------------------------------------


def _env_root(env: str) -> str:
    return f"{TERRAFORM_ROOTS}/environments/{env}"


def _bootstrap_root(bootstrap: AccountBootstrap) -> str:
    return f"{TERRAFORM_ROOTS}/bootstrap/{bootstrap.name}"


def _upper(env: str) -> str:
    return snake(env).upper()


def _tools(*, terraform_minimum: str, kubernetes: bool, search: bool) -> list[Tool]:
    tools = [
        Tool(
            name="terraform",
            minimum=terraform_minimum,
            check="terraform version",
            why="every root requires it (S3 state locking with use_lockfile is GA in 1.11)",
        ),
        Tool(
            name="aws",
            minimum="2",
            check="aws --version",
            why="AWS CLI v2: sessions (aws sso login), quotas, certificates",
        ),
        Tool(
            name="gh",
            minimum="",
            check="gh --version",
            why="the repository, its environments and the workflows' variables",
        ),
        Tool(name="git", minimum="", check="git --version", why="commit and push the tree"),
    ]
    if kubernetes:
        tools += [
            Tool(
                name="kubectl",
                minimum="",
                check="kubectl version --client",
                why="hand Argo CD its root application",
            ),
            Tool(
                name="helm",
                minimum="3",
                check="helm version",
                why="install Argo CD once per cluster; it installs everything else",
            ),
        ]
    if kubernetes or search:
        tools.append(
            Tool(name="jq", minimum="", check="jq --version", why="read Terraform's JSON outputs")
        )
    if search:
        tools.append(
            Tool(
                name="curl",
                minimum="7.75",
                check="curl --version",
                why="SigV4-signed calls to the search domain's security API (--aws-sigv4)",
            )
        )
    return tools


def _inputs(
    *,
    kubernetes: bool,
    environments: list[EnvironmentSizing],
    domains: bool,
    approval: bool,
    by_hand: set[str],
) -> list[DeployInput]:
    out: list[DeployInput] = []
    for env in environments:
        up = _upper(env.name)
        if domains and env.name in by_hand:
            out.append(
                DeployInput(
                    name=f"{up}_DOMAIN",
                    what=f"the DNS name {env.name} is served at (the certificate covers it)",
                    example=f"{env.name}.example.com",
                )
            )
        if kubernetes:
            out.append(
                DeployInput(
                    name=f"{up}_CLUSTER_ADMIN_ROLE_ARN",
                    what=f"the IAM role of the people who administer the {env.name} cluster "
                    "(an access entry with AmazonEKSClusterAdminPolicy; nobody else can use "
                    "the Kubernetes API)",
                    example=f"arn:aws:iam::{env.account_id}:role/aws-reserved/sso.amazonaws.com/"
                    "AWSReservedSSO_AdministratorAccess_0123456789abcdef",
                )
            )
    if approval:
        out.append(
            DeployInput(
                name="PROD_APPROVER",
                what="the GitHub login who approves each production release",
                example="octocat",
            )
        )
    if kubernetes:
        out.append(
            DeployInput(
                name="ARGOCD_GITHUB_APP_KEY_FILE",
                what="where you save the private key of Argo CD's GitHub App",
                example="$HOME/argocd-notifications.private-key.pem",
            )
        )
    return out


def _quota_steps(checks: list[QuotaCheck]) -> list[DeployStep]:
    by_account: dict[str, list[QuotaCheck]] = {}
    for check in checks:
        by_account.setdefault(check.account_id, []).append(check)
    out = []
    for account, group in by_account.items():
        envs = sorted({c.environment for c in group})
        raise_ = [c for c in group if c.over_default]
        commands = [c.get_command for c in group] + [c.request_command for c in raise_]
        needs = "; ".join(f"{c.title} ({c.quota_code}): {c.needed}" for c in group)
        out.append(
            DeployStep(
                order=0,
                id=f"quotas-{'-'.join(envs)}",
                title=f"Service quotas of account {account} ({', '.join(envs)})",
                why="a new account's quotas are smaller than the design at its maximum "
                f"size ({needs}); a quota an apply exceeds fails it. Raise any value "
                "below the need: the commands for the documented defaults are here; for a "
                "per-account value, run the same request-service-quota-increase with the "
                "code the get command printed",
                host=DeployHost.ACCOUNT,
                account_id=account,
                environment=None,
                commands=commands,
                done_when="every get-service-quota prints a Value at least the need above "
                "(an increase can take hours: aws service-quotas "
                "list-requested-service-quota-change-history shows it)",
            )
        )
    return out


def _bootstrap_step(bootstrap: AccountBootstrap, oidc_host: str) -> DeployStep:
    root = _bootstrap_root(bootstrap)
    # An account holds one OIDC provider per URL: adopt an existing one (read, not created).
    count = (
        "OIDC_PROVIDERS=$(aws iam list-open-id-connect-providers --query "
        f"\"length(OpenIDConnectProviderList[?ends_with(Arn, '/{oidc_host}')])\" "
        "--output text)"
    )
    roles = ", ".join(r.name for r in bootstrap.roles)
    slrs = ", ".join(s.role_name for s in bootstrap.service_linked_roles)
    return DeployStep(
        order=0,
        id=f"bootstrap-{bootstrap.name}",
        title=f"Bootstrap account {bootstrap.account_id} ({', '.join(bootstrap.environments)})",
        why=f"the state bucket {bootstrap.state_bucket} the environment roots keep their "
        f"state in, GitHub's OIDC provider and the pipelines' roles ({roles})"
        + (f", the service-linked roles {slrs}" if slrs else "")
        + ". Its own state is local: keep "
        f"{root}/terraform.tfstate safe (or move it into the bucket with an s3 backend "
        "block and terraform init -migrate-state)",
        host=DeployHost.ACCOUNT,
        account_id=bootstrap.account_id,
        commands=[
            "aws sts get-caller-identity --query Account --output text",
            count,
            f"terraform -chdir={root} init",
            (
                f"terraform -chdir={root} apply -var create_github_oidc_provider="
                '$([ "$OIDC_PROVIDERS" = 0 ] && echo true || echo false)'
            ),
        ],
        done_when=f"the first command prints {bootstrap.account_id} (the provider refuses "
        f"any other account); apply ends with outputs state_bucket = "
        f'"{bootstrap.state_bucket}" and ' + ", ".join(r.output for r in bootstrap.roles),
    )


def _github_steps(
    *,
    repo: str,
    repository_url: str,
    approval: bool,
    variables: list[PipelineVariable],
    domains: bool,
) -> list[DeployStep]:
    environments = [
        f"gh api --method PUT repos/{repo}/environments/staging",
        (
            f"gh api --method PUT repos/{repo}/environments/prod --input - <<< "
            '"{\\"reviewers\\":[{\\"type\\":\\"User\\",\\"id\\":'
            f'$(gh api users/$PROD_APPROVER --jq .id)}}]}}"'
        )
        if approval
        else f"gh api --method PUT repos/{repo}/environments/prod",
    ]
    sets = []
    for variable in variables:
        if not variable.required:
            continue
        scopes: list[str | None] = list(variable.environments) or [None]
        for env in scopes:
            body = _variable_value(variable, env, domains=domains)
            scope = f" --env {env}" if env is not None else ""
            sets.append(f'gh variable set {variable.name} --repo {repo}{scope} --body "{body}"')
    return [
        DeployStep(
            order=0,
            id="github-repository",
            title=f"The repository {repo}",
            why="Argo CD and the workflows read it; the OIDC roles trust only its jobs",
            host=DeployHost.GITHUB,
            commands=[
                f"gh repo view {repo} >/dev/null 2>&1 || gh repo create {repo} --private",
                f"git init -b {DEFAULT_BRANCH}",
                f"git remote get-url origin || git remote add origin {repository_url}",
            ],
            done_when=f"gh repo view {repo} prints the repository",
        ),
        DeployStep(
            order=0,
            id="github-environments",
            title="GitHub environments staging and prod",
            why="every job that deploys declares its environment: the OIDC roles trust "
            "exactly repo:"
            + repo
            + ":environment:<env>"
            + (
                ", and prod's required reviewer approves each production release"
                if approval
                else ""
            ),
            host=DeployHost.GITHUB,
            commands=environments,
            done_when=f"gh api repos/{repo}/environments --jq '.environments[].name' prints "
            "staging and prod",
        ),
        DeployStep(
            order=0,
            id="github-variables",
            title="The variables the workflows read",
            why="the role ARNs come from the bootstrap roots' outputs (run from the "
            "workstation that applied them: their state is local); set on each GitHub "
            "environment, so one name serves both accounts",
            host=DeployHost.GITHUB,
            commands=sets,
            done_when=f"gh variable list --repo {repo} --env staging and --env prod list them",
        ),
    ]


def _variable_value(variable: PipelineVariable, env: str | None, *, domains: bool) -> str:
    command = variable.command_for(env)
    if command is not None:
        return f"$({command})"
    if variable.name == "PUBLIC_URL" and env is not None and domains:
        return f"https://${_upper(env)}_DOMAIN"
    raise DesignLookupError("day-one value of pipeline variable", variable.name)


def _settings(variables: list[PipelineVariable]) -> list[PipelineVariableSetting]:
    return [
        PipelineVariableSetting(
            name=v.name,
            environments=v.environments,
            required=v.required,
            how=v.value_note if v.value_command is None else f"{v.value_command}: {v.value_note}",
        )
        for v in variables
    ]


def _github_app_step(repo: str, name: str) -> DeployStep:
    owner = repo.split("/", 1)[0]
    app = f"{name}-argocd"
    register = (
        f"https://github.com/organizations/{owner}/settings/apps/new?name={app}"
        f"&url=https://github.com/{repo}&public=false&webhook_active=false&statuses=write&contents=read"
    )
    return DeployStep(
        order=0,
        id="github-app",
        title="The GitHub App Argo CD reads the repository and sets commit statuses as",
        why="the workflows' sync gate waits for the commit status Argo CD sets once an "
        "environment runs the pushed commit; Argo CD's GitHub service authenticates as a "
        "GitHub App, and Argo CD reads the (private) repository as the same App. GitHub has no "
        "API to register an App or make its key: the first two commands open pages "
        "prefilled with the two permissions it needs (commit statuses: write, contents: "
        "read); there, create the App, generate a private key saved to "
        "$ARGOCD_GITHUB_APP_KEY_FILE, and install it on "
        + repo
        + " only (a personal account: settings/apps/new without organizations/<owner>)",
        host=DeployHost.GITHUB,
        commands=[
            f'python3 -m webbrowser "{register}"',
            f'python3 -m webbrowser "https://github.com/apps/{app}/installations/new"',
            f"export ARGOCD_GITHUB_APP_ID=$(gh api apps/{app} --jq .id)",
            (
                f"export ARGOCD_GITHUB_INSTALLATION_ID=$(gh api orgs/{owner}/installations "
                f"--jq '.installations[] | select(.app_slug == \"{app}\") | .id')"
            ),
        ],
        done_when="both IDs are numbers and $ARGOCD_GITHUB_APP_KEY_FILE holds a PEM key "
        "(the Argo CD step stores the three in the cluster, never in git)",
    )


def _certificate_step(
    env: EnvironmentSizing, region: str, *, recovery_region: str | None
) -> DeployStep:
    up = _upper(env.name)
    commands = [
        (
            f"export {up}_CERTIFICATE_ARN=$(aws acm request-certificate --domain-name "
            f'"${up}_DOMAIN" --validation-method DNS --region {region} '
            "--query CertificateArn --output text)"
        ),
        (
            f'aws acm describe-certificate --certificate-arn "${up}_CERTIFICATE_ARN" '
            f"--region {region} --query "
            "'Certificate.DomainValidationOptions[0].ResourceRecord'"
        ),
        (
            f'aws acm wait certificate-validated --certificate-arn "${up}_CERTIFICATE_ARN" '
            f"--region {region}"
        ),
    ]
    if recovery_region is not None:
        commands += [
            (
                f"export {up}_RECOVERY_CERTIFICATE_ARN=$(aws acm request-certificate "
                f'--domain-name "${up}_DOMAIN" --validation-method DNS --region {recovery_region} '
                "--query CertificateArn --output text)"
            ),
            (
                f"aws acm wait certificate-validated --certificate-arn "
                f'"${up}_RECOVERY_CERTIFICATE_ARN" --region {recovery_region}'
            ),
        ]
    return DeployStep(
        order=0,
        id=f"certificate-{env.name}",
        title=f"TLS certificate of {env.name}",
        why="the HTTPS listener needs an issued ACM certificate in the environment's account "
        "and region"
        + (
            f" (and one in {recovery_region}: certificates are regional)"
            if recovery_region is not None
            else ""
        )
        + ". The spec names no DNS zone: create the CNAME record the second command prints "
        "in the zone of the domain (ACM DNS validation), then wait",
        host=DeployHost.ACCOUNT,
        account_id=env.account_id,
        environment=env.name,
        commands=commands,
        done_when="aws acm wait returns (status ISSUED)",
    )


def _apply_step(
    env: EnvironmentSizing,
    *,
    bootstrap: AccountBootstrap,
    certificate: bool,
    recovery_certificate: bool,
    kubernetes: bool,
) -> DeployStep:
    root = _env_root(env.name)
    up = _upper(env.name)
    variables = [f"-var image_tag={FIRST_IMAGE_TAG}"]
    if certificate:
        variables.append(f'-var certificate_arn="${up}_CERTIFICATE_ARN"')
    if recovery_certificate:
        variables.append(f'-var recovery_certificate_arn="${up}_RECOVERY_CERTIFICATE_ARN"')
    if kubernetes:
        variables.append(f"-var 'cluster_admin_role_arns=[\"'\"${up}_CLUSTER_ADMIN_ROLE_ARN\"'\"]'")
    return DeployStep(
        order=0,
        id=f"apply-{env.name}",
        title=f"Apply the {env.name} environment",
        why=f"its state lives in {bootstrap.state_bucket} (made by the bootstrap); "
        f"image_tag={FIRST_IMAGE_TAG} until the first release pushes an image (the "
        "pipeline deploys digests from then on)",
        host=DeployHost.ACCOUNT,
        account_id=env.account_id,
        environment=env.name,
        commands=[
            f"terraform -chdir={root} init",
            f"terraform -chdir={root} apply {' '.join(variables)}",
        ],
        done_when="Apply complete!, and terraform -chdir=" + root + " output lists the outputs",
    )


def _seed_step(env: EnvironmentSizing) -> DeployStep:
    root = _env_root(env.name)
    target = f"infra/k8s/overlays/{env.name}/infrastructure.env"
    return DeployStep(
        order=0,
        id=f"seed-{env.name}",
        title=f"The {env.name} overlay's infrastructure values",
        why="endpoints, secret ARNs and the certificate belong to Terraform: the generator "
        "writes this file once and never rewrites it; refresh it after any apply that "
        "changes them",
        host=DeployHost.ACCOUNT,
        account_id=env.account_id,
        environment=env.name,
        commands=[
            f"terraform -chdir={root} output -raw kubernetes_infrastructure_env > {target}",
            f"git add {target}",
        ],
        done_when=f"{target} has no pending-terraform-apply value left",
    )


def _publish_step(name: str) -> DeployStep:
    return DeployStep(
        order=0,
        id="publish-tree",
        title="Publish the tree, without the workflows",
        why="Argo CD syncs from the repository, so the tree must be there before it is "
        "installed; the workflows come last, as the first release",
        host=DeployHost.REPOSITORY,
        commands=[
            f"git add --all -- . ':(exclude){WORKFLOWS}'",
            f'git commit -m "{name}: infrastructure and platform"',
            f"git push -u origin {DEFAULT_BRANCH}",
        ],
        done_when=f"git status shows only {WORKFLOWS} untracked",
    )


def argocd_bootstrap_commands(
    *, region: str, cluster: str, folder: str, argocd: AddonChart, repository: str
) -> list[str]:
    """Install Argo CD, store its GitHub App's credentials (to read the repository and to
    set commit statuses), hand it the root app. Every other add-on is then Argo CD's (the
    app-of-apps under ``folder``)."""
    credentials = f"{ARGOCD_REPOSITORY_SECRET}"
    return [
        f"aws eks update-kubeconfig --region {region} --name {cluster} --alias {cluster}",
        (
            f"helm upgrade --install {argocd.name} {argocd.chart} --repo {argocd.repo_url} "
            f"--version {argocd.version} --namespace {argocd.namespace} --create-namespace "
            f"--kube-context {cluster} --values {folder}/argocd-values.yaml --wait"
        ),
        (
            f"kubectl --context {cluster} -n {argocd.namespace} create secret generic "
            f"{ARGOCD_NOTIFICATIONS_SECRET} "
            '--from-literal=github-appID="$ARGOCD_GITHUB_APP_ID" '
            '--from-literal=github-installationID="$ARGOCD_GITHUB_INSTALLATION_ID" '
            '--from-file=github-privateKey="$ARGOCD_GITHUB_APP_KEY_FILE"'
        ),
        # a private repository: Argo CD's repository credentials as the same GitHub App
        # (Argo CD docs, operator-manual/declarative-setup.md "Repositories": a Secret
        # labelled argocd.argoproj.io/secret-type=repository, githubAppID/InstallationID/
        # PrivateKey)
        (
            f"kubectl --context {cluster} -n {argocd.namespace} create secret generic "
            f"{credentials} --from-literal=type=git --from-literal=url={repository} "
            '--from-literal=githubAppID="$ARGOCD_GITHUB_APP_ID" '
            '--from-literal=githubAppInstallationID="$ARGOCD_GITHUB_INSTALLATION_ID" '
            '--from-file=githubAppPrivateKey="$ARGOCD_GITHUB_APP_KEY_FILE"'
        ),
        (
            f"kubectl --context {cluster} -n {argocd.namespace} label secret {credentials} "
            "argocd.argoproj.io/secret-type=repository"
        ),
        f"kubectl --context {cluster} apply -n {argocd.namespace} -f {folder}/root.yaml",
    ]


def _argocd_step(
    env: EnvironmentSizing, *, name: str, region: str, argocd: AddonChart, repository: str
) -> DeployStep:
    cluster = f"{name}-{env.name}"
    folder = f"infra/k8s/platform/{env.name}"
    return DeployStep(
        order=0,
        id=f"argocd-{env.name}",
        title=f"Argo CD on the {env.name} cluster",
        why="the one manual install per cluster: Argo CD (pinned chart) then installs the "
        "add-ons, itself and the workloads from the app-of-apps. The API endpoint is "
        "private: run from inside the VPC as a cluster administrator, with the three "
        "ARGOCD_GITHUB_* values of the GitHub App step exported",
        host=DeployHost.CLUSTER_NETWORK,
        account_id=env.account_id,
        environment=env.name,
        commands=argocd_bootstrap_commands(
            region=region, cluster=cluster, folder=folder, argocd=argocd, repository=repository
        ),
        done_when=f"kubectl --context {cluster} -n {argocd.namespace} get applications shows "
        "every add-on Synced and Healthy (the workloads stay Degraded until the first "
        f"release: their image tag is {FIRST_IMAGE_TAG})",
    )


def _search_steps(
    env: EnvironmentSizing, *, region: str, data: DataDesign, security: SecurityDesign
) -> list[DeployStep]:
    out = []
    root = _env_root(env.name)
    for store in data.stores:
        if store.kind != "opensearch":
            continue
        callers = security.callers(store.name)
        if not callers:
            continue
        endpoint = f"terraform -chdir={root} output -raw {snake(store.name)}_endpoint"
        sign = (
            f'curl --fail-with-body --aws-sigv4 "aws:amz:{region}:es" '
            '--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" '
            '-H "x-amz-security-token: $AWS_SESSION_TOKEN" '
            "-H 'Content-Type: application/json' -X PUT"
        )
        admin = f"terraform -chdir={root} output -raw {snake(store.name)}_admin_role_arn"
        commands = [
            f"SEARCH_ENDPOINT=$({endpoint})",
            # the domain's master user: a role only administrators may assume
            (
                'eval $(aws sts assume-role --role-arn "$('
                + admin
                + ')" --role-session-name search-roles --query '
                "'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text "
                '| awk \'{print "export AWS_ACCESS_KEY_ID="$1" '
                'AWS_SECRET_ACCESS_KEY="$2" AWS_SESSION_TOKEN="$3}\')'
            ),
        ]
        for service in callers:
            role = f"{store.name}-{service}"
            permissions = json.dumps(
                {
                    "index_permissions": [
                        {"index_patterns": ["*"], "allowed_actions": ["crud", "search"]}
                    ]
                },
                separators=(",", ":"),
            )
            commands += [
                (
                    f"ROLE_ARN=$(terraform -chdir={root} output -json service_role_arns "
                    f"| jq -r '.[\"{service}\"]')"
                ),
                (
                    f'{sign} "https://$SEARCH_ENDPOINT/_plugins/_security/api/roles/{role}" '
                    f"-d '{permissions}'"
                ),
                (
                    f'{sign} "https://$SEARCH_ENDPOINT/_plugins/_security/api/rolesmapping/'
                    f'{role}" -d \'{{"backend_roles":["\'"$ROLE_ARN"\'"]}}\''
                ),
            ]
        out.append(
            DeployStep(
                order=0,
                id=f"search-roles-{env.name}-{store.name}",
                title=f"Let {', '.join(callers)} use {store.name} ({env.name})",
                why="fine-grained access control authorizes every request inside the "
                "domain; a role its security plugin maps nothing to gets 403 "
                "(https://docs.aws.amazon.com/opensearch-service/latest/developerguide/"
                "fgac.html). Terraform does not reach the domain's security API (VPC-only): "
                "run from inside the VPC as the domain's master user (the admin role the "
                "first command assumes: only administrators may); the services get read and "
                "write on every index, no security or cluster administration",
                host=DeployHost.CLUSTER_NETWORK,
                account_id=env.account_id,
                environment=env.name,
                commands=commands,
                done_when='each PUT answers {"status":"CREATED"} or "OK"',
            )
        )
    return out


def _dns_step(env: EnvironmentSizing, *, name: str, kubernetes: bool) -> DeployStep:
    up = _upper(env.name)
    if kubernetes:
        cluster = f"{name}-{env.name}"
        target = (
            f"kubectl --context {cluster} -n {env.namespace} get ingress {name} "
            "-o jsonpath='{.status.loadBalancer.ingress[0].hostname}'"
        )
        made = "the AWS Load Balancer Controller creates the load balancer from the Ingress"
        host = DeployHost.CLUSTER_NETWORK
    else:
        target = f"terraform -chdir={_env_root(env.name)} output -raw load_balancer_dns_name"
        made = "the environment root created the load balancer"
        host = DeployHost.ACCOUNT
    return DeployStep(
        order=0,
        id=f"dns-{env.name}",
        title=f"Point ${up}_DOMAIN at the {env.name} load balancer",
        why=f"{made}; the spec names no DNS zone, so create a CNAME (or a Route 53 alias) "
        f"from ${up}_DOMAIN to the name the command prints",
        host=host,
        account_id=env.account_id,
        environment=env.name,
        commands=[target],
        done_when=f'curl -sI "https://${up}_DOMAIN" answers from the load balancer',
    )


def _release_step(
    *, repo: str, name: str, kubernetes: bool, approval: bool, gates: list[str]
) -> DeployStep:
    if kubernetes:
        add = f"git add {WORKFLOWS}"
        why = (
            "adding the workflows is the push that runs each of them: build, scan, push, "
            "commit the digest to the release overlay, which Argo CD syncs"
        )
        done = (
            "gh run list shows every workflow succeeded; the release commit has the "
            f"statuses {', '.join(gates)} "
            f"(gh api repos/{repo}/commits/{DEFAULT_BRANCH}/status)"
        )
    else:
        add = "git add --all"
        why = (
            "the push runs each service's workflow: build, scan, push, deploy to staging, "
            "verify, promote to prod"
        )
        done = "gh run list shows every workflow succeeded"
    if approval:
        done += "; each prod job waits for $PROD_APPROVER's approval on the run's page"
    if kubernetes:
        why += (
            f". The deploy jobs push the digest commit to {DEFAULT_BRANCH} with GITHUB_TOKEN: "
            "branch protection, if any, must allow github-actions[bot]"
        )
    return DeployStep(
        order=0,
        id="first-release",
        title="The first release",
        why=why,
        host=DeployHost.REPOSITORY,
        commands=[
            add,
            f'git commit -m "{name}: first release"',
            f"git push -u origin {DEFAULT_BRANCH}",
            f"gh run list --repo {repo} --branch {DEFAULT_BRANCH}",
        ],
        done_when=done,
    )


# --- the whole ------------------------------------------------------------------------------


def design_day_one(
    *,
    name: str,
    region: str,
    kubernetes: bool,
    terraform_minimum: str,
    accounts: AccountsDesign,
    delivery: DeliveryDesign,
    data: DataDesign,
    security: SecurityDesign,
    environments: list[EnvironmentSizing],
    alb: bool,
    argocd: AddonChart | None,
    quota_checks: list[QuotaCheck],
    dns: DnsDesign,
) -> DayOne:
    """The ordered steps from an empty account to the first release."""
    # environments whose domain the spec names: Terraform issues the certificate and
    # writes the records (or external-dns does); the others need both by hand
    by_hand = [e for e in environments if dns.domain(e.name) is None]
    repo = accounts.github_repository
    approval = delivery.manual_prod_approval
    # ECS standby runs a load balancer in the recovery region (its own certificate)
    recovery = {
        e.name
        for e in environments
        if not kubernetes and alb and e.standby is not None and e.standby.load_balancer
    }
    search = any(s.kind == "opensearch" for s in data.stores)
    # a domain serves the load balancer's certificate and the smoke test's URL
    domains = bool(by_hand) and (alb or any(v.name == "PUBLIC_URL" for v in delivery.variables))
    steps: list[DeployStep] = _quota_steps(quota_checks)
    steps += [_bootstrap_step(b, GITHUB_OIDC_HOST) for b in accounts.bootstraps]
    steps += _github_steps(
        repo=repo,
        repository_url=delivery.repository,
        approval=approval,
        variables=delivery.variables,
        domains=domains,
    )
    if kubernetes:
        steps.append(_github_app_step(repo, name))
    if alb:
        steps += [
            _certificate_step(
                e, region, recovery_region=data.recovery_region if e.name in recovery else None
            )
            for e in by_hand
        ]
    steps += [
        _apply_step(
            e,
            bootstrap=accounts.bootstrap(e.name),
            certificate=alb and e in by_hand,
            recovery_certificate=e.name in recovery and e in by_hand,
            kubernetes=kubernetes,
        )
        for e in environments
    ]
    seeded: list[str] = []
    if kubernetes:
        if argocd is None:
            raise DesignLookupError("Argo CD chart of design", name)
        steps += [_seed_step(e) for e in environments]
        seeded = [path for e in environments for path in deploy_owned_paths(e.name)]
        steps.append(_publish_step(name))
        steps += [
            _argocd_step(e, name=name, region=region, argocd=argocd, repository=delivery.repository)
            for e in environments
        ]
    for e in environments:
        steps += _search_steps(e, region=region, data=data, security=security)
    if alb:
        steps += [_dns_step(e, name=name, kubernetes=kubernetes) for e in by_hand]
    steps.append(
        _release_step(
            repo=repo,
            name=name,
            kubernetes=kubernetes,
            approval=approval,
            gates=[g.status_context for g in delivery.sync_gates],
        )
    )
    return DayOne(
        tools=_tools(terraform_minimum=terraform_minimum, kubernetes=kubernetes, search=search),
        inputs=_inputs(
            kubernetes=kubernetes,
            environments=environments,
            domains=domains,
            by_hand={e.name for e in by_hand},
            approval=approval,
        ),
        variables=_settings(delivery.variables),
        seeded_files=seeded,
        steps=[s.model_copy(update={"order": i}) for i, s in enumerate(steps, start=1)],
    )
