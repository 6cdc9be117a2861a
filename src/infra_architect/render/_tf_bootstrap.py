"""The per-account bootstrap roots (``infra/terraform/bootstrap/<name>``), printed from
the Design's :class:`~infra_architect.engine._accounts.AccountBootstrap`: the state
bucket and its key, the service-linked roles, GitHub's OIDC provider and the pipelines'
roles. Applied once per account with local state, before the environment roots (whose
backend is the bucket made here)."""

from __future__ import annotations

from importlib import resources

from infra_architect.engine import (
    GITHUB_OIDC_HOST,
    AccountBootstrap,
    CiRole,
    Design,
    EnvironmentSizing,
    PolicyStatement,
    ServiceLinkedRole,
    state_key,
)
from infra_architect.render._hcl import Attr, Blank, Block, Comment, Expr, Item, blocks, render_hcl
from infra_architect.render._names import snake
from infra_architect.render._tf_common import (
    AWS_PROVIDER_VERSION,
    ROOT,
    TERRAFORM_VERSION,
    _output,
    _variable,
)

LOCK_FILE = ".terraform.lock.hcl"


def lock_file() -> str:
    """The dependency lock every root ships: hashicorp/aws at the version CI tests (see
    the ADR on the provider version, docs/adr, for where each hash comes from)."""
    return (
        resources.files("infra_architect.render")
        .joinpath("terraform", "terraform.lock.hcl")
        .read_text(encoding="utf-8")
    )


def render_bootstraps(design: Design) -> dict[str, str]:
    files: dict[str, str] = {}
    for bootstrap in design.accounts.bootstraps:
        base = f"{ROOT}/bootstrap/{bootstrap.name}"
        files[f"{base}/main.tf"] = render_hcl(_main(design, bootstrap))
        files[f"{base}/variables.tf"] = render_hcl(_variables(design))
        files[f"{base}/outputs.tf"] = render_hcl(_outputs(bootstrap))
        files[f"{base}/versions.tf"] = render_hcl(versions())
        files[f"{base}/{LOCK_FILE}"] = lock_file()
    return files


def versions() -> list[Item]:
    return [
        Block(
            "terraform",
            body=(
                Attr("required_version", TERRAFORM_VERSION),
                Blank(),
                Block(
                    "required_providers",
                    body=(
                        Attr(
                            "aws",
                            {"source": "hashicorp/aws", "version": AWS_PROVIDER_VERSION},
                        ),
                    ),
                ),
            ),
        )
    ]


def provider(account_id: str, region: Expr, alias: str | None = None) -> Block:
    """An aws provider that refuses to act in any account but the environment's
    (allowed_account_ids: the provider checks the caller's account before any call)."""
    head: list[Item] = [Attr("alias", alias)] if alias is not None else []
    return Block(
        "provider",
        ("aws",),
        (*head, Attr("region", region), Attr("allowed_account_ids", [account_id])),
    )


def backend(design: Design, env: EnvironmentSizing) -> list[Item]:
    bootstrap = design.accounts.bootstrap(env.name)
    return [
        Comment(
            f"State in the {env.name} account's bucket, made by "
            f"infra/terraform/bootstrap/{bootstrap.name}; S3 itself holds the lock "
            "(use_lockfile, Terraform >= 1.11: DynamoDB locking is deprecated, "
            "https://developer.hashicorp.com/terraform/language/backend/s3)."
        ),
        Block(
            "terraform",
            body=(
                Block(
                    "backend",
                    ("s3",),
                    (
                        Attr("bucket", bootstrap.state_bucket),
                        Attr("key", state_key(env.name)),
                        Attr("region", design.region),
                        Attr("encrypt", value=True),
                        Attr("kms_key_id", _alias_arn(design, bootstrap)),
                        Attr("use_lockfile", value=True),
                    ),
                ),
            ),
        ),
    ]


def _alias_arn(design: Design, bootstrap: AccountBootstrap) -> str:
    return (
        f"arn:{bootstrap.partition}:kms:{design.region}:{bootstrap.account_id}:"
        f"{bootstrap.state_key_alias}"
    )


def _variables(design: Design) -> list[Item]:
    return blocks(
        _variable(
            "region",
            "AWS region of the state bucket and the pipelines' roles.",
            "string",
            design.region,
        ),
        _variable(
            "create_github_oidc_provider",
            "Create GitHub's OIDC provider (false: the account has it already, and it is "
            "read instead; an account holds one provider per URL).",
            "bool",
            default=True,
        ),
    )


def _main(design: Design, bootstrap: AccountBootstrap) -> list[Item]:
    envs = " and ".join(bootstrap.environments)
    header: list[Item] = [
        Comment(
            f"{design.name}: what account {bootstrap.account_id} ({envs}) needs once, before "
            "the environment roots are applied. Local state: apply it first with an "
            "administrator session, then keep terraform.tfstate safe (or move it into the "
            "bucket it made with an s3 backend block and terraform init -migrate-state)."
        ),
        Comment("Generated by infra-architect from design.json."),
    ]
    parts: list[Block] = [
        provider(bootstrap.account_id, Expr("var.region")),
        Block(
            "locals",
            body=(
                Attr(
                    "tags",
                    {
                        "Project": design.name,
                        "Environment": "-".join(bootstrap.environments),
                        "ManagedBy": "infra-architect",
                    },
                ),
            ),
        ),
        *_state(design, bootstrap),
    ]
    for role in bootstrap.service_linked_roles:
        parts += _service_linked_role(role)
    parts += _github(design, bootstrap)
    return header + blocks(*parts)


# --- state ------------------------------------------------------------------------------


def _state(design: Design, bootstrap: AccountBootstrap) -> list[Block]:
    root = f"arn:{bootstrap.partition}:iam::{bootstrap.account_id}:root"
    bucket = Expr("aws_s3_bucket.state.id")
    return [
        Block(
            "data",
            ("aws_iam_policy_document", "state_key"),
            (
                Comment(
                    'checkov:skip=CKV_AWS_109:A key policy: Resource "*" means this key; the '
                    "account-root statement is the AWS default that delegates to IAM."
                ),
                Comment(
                    'checkov:skip=CKV_AWS_111:A key policy: Resource "*" means this key; only '
                    "the account root is named."
                ),
                Comment(
                    'checkov:skip=CKV_AWS_356:A key policy: Resource "*" is the only valid '
                    "resource in a key policy."
                ),
                Block(
                    "statement",
                    body=(
                        Attr("sid", "AccountAdministration"),
                        Attr("actions", ["kms:*"]),
                        Attr("resources", ["*"]),
                        Blank(),
                        Block(
                            "principals",
                            body=(Attr("type", "AWS"), Attr("identifiers", [root])),
                        ),
                    ),
                ),
            ),
        ),
        Block(
            "resource",
            ("aws_kms_key", "state"),
            (
                Attr(
                    "description",
                    f"{design.name}: Terraform state of {', '.join(bootstrap.environments)}",
                ),
                Attr("deletion_window_in_days", bootstrap.state_key_deletion_window_days),
                Attr("enable_key_rotation", value=True),
                Attr("policy", Expr("data.aws_iam_policy_document.state_key.json")),
                Blank(),
                Attr("tags", Expr("local.tags")),
            ),
        ),
        Block(
            "resource",
            ("aws_kms_alias", "state"),
            (
                Attr("name", bootstrap.state_key_alias),
                Attr("target_key_id", Expr("aws_kms_key.state.key_id")),
            ),
        ),
        Block(
            "resource",
            ("aws_s3_bucket", "state"),
            (
                Comment(
                    "checkov:skip=CKV_AWS_18:Access logs would need a second bucket per "
                    "account; CloudTrail records who read or wrote the state."
                ),
                Comment(
                    "checkov:skip=CKV_AWS_144:Versioning keeps every state; a copy in a "
                    "second region would hold the same secrets in two places."
                ),
                Comment("checkov:skip=CKV2_AWS_62:Nothing consumes events of state writes."),
                Comment(
                    "checkov:skip=CKV2_AWS_61:Every state version is kept (versioning is the "
                    "recovery path); state objects are kilobytes."
                ),
                Attr("bucket", bootstrap.state_bucket),
                Blank(),
                Comment("Losing the bucket loses every environment's state."),
                Block("lifecycle", body=(Attr("prevent_destroy", value=True),)),
                Blank(),
                Attr("tags", Expr("local.tags")),
            ),
        ),
        Block(
            "resource",
            ("aws_s3_bucket_versioning", "state"),
            (
                Attr("bucket", bucket),
                Blank(),
                Block("versioning_configuration", body=(Attr("status", "Enabled"),)),
            ),
        ),
        Block(
            "resource",
            ("aws_s3_bucket_server_side_encryption_configuration", "state"),
            (
                Attr("bucket", bucket),
                Blank(),
                Block(
                    "rule",
                    body=(
                        Attr("bucket_key_enabled", value=True),
                        Blank(),
                        Block(
                            "apply_server_side_encryption_by_default",
                            body=(
                                Attr("sse_algorithm", "aws:kms"),
                                Attr("kms_master_key_id", Expr("aws_kms_key.state.arn")),
                            ),
                        ),
                    ),
                ),
            ),
        ),
        Block(
            "resource",
            ("aws_s3_bucket_public_access_block", "state"),
            (
                Attr("bucket", bucket),
                Attr("block_public_acls", value=True),
                Attr("block_public_policy", value=True),
                Attr("ignore_public_acls", value=True),
                Attr("restrict_public_buckets", value=True),
            ),
        ),
        Block(
            "resource",
            ("aws_s3_bucket_ownership_controls", "state"),
            (
                Attr("bucket", bucket),
                Blank(),
                Block("rule", body=(Attr("object_ownership", "BucketOwnerEnforced"),)),
            ),
        ),
        Block(
            "data",
            ("aws_iam_policy_document", "state_bucket"),
            (
                Block(
                    "statement",
                    body=(
                        Attr("sid", "DenyInsecureTransport"),
                        Attr("effect", "Deny"),
                        Attr("actions", ["s3:*"]),
                        Attr(
                            "resources",
                            [
                                Expr("aws_s3_bucket.state.arn"),
                                Expr('"${aws_s3_bucket.state.arn}/*"'),
                            ],
                        ),
                        Blank(),
                        Block(
                            "principals",
                            body=(Attr("type", "*"), Attr("identifiers", ["*"])),
                        ),
                        Blank(),
                        Block(
                            "condition",
                            body=(
                                Attr("test", "Bool"),
                                Attr("variable", "aws:SecureTransport"),
                                Attr("values", ["false"]),
                            ),
                        ),
                    ),
                ),
            ),
        ),
        Block(
            "resource",
            ("aws_s3_bucket_policy", "state"),
            (
                Attr("bucket", bucket),
                Attr("policy", Expr("data.aws_iam_policy_document.state_bucket.json")),
                Blank(),
                Attr("depends_on", [Expr("aws_s3_bucket_public_access_block.state")]),
            ),
        ),
    ]


# --- service-linked roles ---------------------------------------------------------------


def _service_linked_role(role: ServiceLinkedRole) -> list[Block]:
    name = snake(role.service.split(".", 1)[0])
    return [
        Block(
            "data",
            ("aws_iam_roles", name),
            (
                Comment(
                    f"Whether {role.role_name} exists already (AWS makes it with the "
                    "service's first resource; CreateServiceLinkedRole fails on a second)."
                ),
                Attr("path_prefix", role.path),
            ),
        ),
        Block(
            "import",
            body=(
                Comment(
                    "An account that has the role adopts it; a fresh account creates it. "
                    "Either way the plan is clean."
                ),
                Attr("for_each", Expr(f"data.aws_iam_roles.{name}.arns")),
                Attr("to", Expr(f"aws_iam_service_linked_role.{name}")),
                Attr("id", Expr("each.value")),
            ),
        ),
        Block(
            "resource",
            ("aws_iam_service_linked_role", name),
            (
                Comment(f"{role.why}."),
                Attr("aws_service_name", role.service),
            ),
        ),
    ]


# --- the pipelines' identity --------------------------------------------------------------


def _github(design: Design, bootstrap: AccountBootstrap) -> list[Block]:
    accounts = design.accounts
    out = [
        Block(
            "resource",
            ("aws_iam_openid_connect_provider", "github"),
            (
                Comment(
                    "GitHub's token issuer; AWS validates its certificate itself, so no "
                    "thumbprint is pinned (https://docs.github.com/en/actions/"
                    "security-for-github-actions/security-hardening-your-deployments/"
                    "configuring-openid-connect-in-amazon-web-services)."
                ),
                Attr("count", Expr("var.create_github_oidc_provider ? 1 : 0")),
                Blank(),
                Attr("url", accounts.oidc_url),
                Attr("client_id_list", [accounts.oidc_audience]),
                Blank(),
                Attr("tags", Expr("local.tags")),
            ),
        ),
        Block(
            "data",
            ("aws_iam_openid_connect_provider", "github"),
            (
                Attr("count", Expr("var.create_github_oidc_provider ? 0 : 1")),
                Blank(),
                Attr("url", accounts.oidc_url),
            ),
        ),
        Block(
            "locals",
            body=(
                Attr(
                    "github_oidc_provider_arn",
                    Expr(
                        "var.create_github_oidc_provider ? "
                        "aws_iam_openid_connect_provider.github[0].arn : "
                        "data.aws_iam_openid_connect_provider.github[0].arn"
                    ),
                ),
            ),
        ),
    ]
    for role in bootstrap.roles:
        out += _ci_role(design, role)
    return out


def role_label(role: CiRole) -> str:
    return role.output.removesuffix("_role_arn")


def _ci_role(design: Design, role: CiRole) -> list[Block]:
    label = role_label(role)
    host = GITHUB_OIDC_HOST
    trust = Block(
        "data",
        ("aws_iam_policy_document", f"{label}_trust"),
        (
            Block(
                "statement",
                body=(
                    Attr("actions", ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]),
                    Blank(),
                    Block(
                        "principals",
                        body=(
                            Attr("type", "Federated"),
                            Attr("identifiers", [Expr("local.github_oidc_provider_arn")]),
                        ),
                    ),
                    Blank(),
                    Block(
                        "condition",
                        body=(
                            Attr("test", "StringEquals"),
                            Attr("variable", f"{host}:aud"),
                            Attr("values", [design.accounts.oidc_audience]),
                        ),
                    ),
                    Blank(),
                    Comment(
                        f"Only jobs of {design.accounts.github_repository} that run in its "
                        f"{role.github_environment} environment (exactly: no wildcard)."
                    ),
                    Block(
                        "condition",
                        body=(
                            Attr("test", "StringEquals"),
                            Attr("variable", f"{host}:sub"),
                            Attr("values", [role.subject]),
                        ),
                    ),
                ),
            ),
        ),
    )
    statements: list[Item] = []
    for statement in role.statements:
        statements += [Blank(), _statement(statement)] if statements else [_statement(statement)]
    policy = Block("data", ("aws_iam_policy_document", label), tuple(statements))
    return [
        trust,
        Block(
            "resource",
            ("aws_iam_role", label),
            (
                Comment(f"{role.why[0].upper()}{role.why[1:]}."),
                Attr("name", role.name),
                Attr("description", f"GitHub Actions, environment {role.github_environment}"),
                Attr(
                    "assume_role_policy", Expr(f"data.aws_iam_policy_document.{label}_trust.json")
                ),
                Blank(),
                Attr("tags", Expr("local.tags")),
            ),
        ),
        policy,
        Block(
            "resource",
            ("aws_iam_role_policy", label),
            (
                Attr("name", "what-the-workflows-do"),
                Attr("role", Expr(f"aws_iam_role.{label}.id")),
                Attr("policy", Expr(f"data.aws_iam_policy_document.{label}.json")),
            ),
        ),
    ]


def _statement(statement: PolicyStatement) -> Block:
    body: list[Item] = [Comment(f"{statement.why[0].upper()}{statement.why[1:]}.")]
    if statement.resources == ["*"]:
        body.append(
            Comment(f"checkov:skip=CKV_AWS_356:{', '.join(statement.actions)} take no resource.")
        )
    body += [
        Attr("sid", statement.sid),
        Attr("actions", statement.actions),
        Attr("resources", statement.resources),
    ]
    for condition in statement.conditions:
        body += [
            Blank(),
            Block(
                "condition",
                body=(
                    Attr("test", condition.test),
                    Attr("variable", condition.variable),
                    Attr("values", condition.values),
                ),
            ),
        ]
    return Block("statement", body=tuple(body))


def _outputs(bootstrap: AccountBootstrap) -> list[Item]:
    parts = [
        _output(
            "state_bucket", "Bucket of the environment roots' state.", "aws_s3_bucket.state.id"
        ),
        _output("state_kms_key_arn", "Key of the state bucket.", "aws_kms_key.state.arn"),
        _output(
            "github_oidc_provider_arn",
            "GitHub's OIDC provider in this account.",
            "local.github_oidc_provider_arn",
        ),
    ]
    parts += [
        _output(
            role.output,
            f"GitHub variable {role.variable} of the {role.github_environment} environment.",
            f"aws_iam_role.{role_label(role)}.arn",
        )
        for role in bootstrap.roles
    ]
    return blocks(*parts)
