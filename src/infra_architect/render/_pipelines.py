"""CI/CD: one GitHub Actions workflow and one Dockerfile per service.

build (image, SBOM and provenance attestations, ECR scan) → test → push with an
immutable tag → deploy to staging (a GitOps commit on EKS, a task-definition revision
on ECS) → verify (rollout healthy, smoke test, SLO alarms quiet) → promote to prod
behind the ``prod`` environment's approval → verify → automated rollback when
verification fails. Only two third-party actions are used, pinned by commit; the rest
is the AWS CLI, docker, kubectl, jq and yq that GitHub's Ubuntu runners ship.
"""

from __future__ import annotations

from infra_architect.engine._design_model import Design, EnvironmentSizing, ServicePlan
from infra_architect.render._kubernetes import (
    K8S,
    image_repository,
    is_kubernetes,
    registry,
    uses_rollout,
)
from infra_architect.render._yaml import Doc, dump
from infra_architect.spec import ServiceType

CHECKOUT = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"  # v4.2.2
AWS_CREDENTIALS = (
    "aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502"  # v4.0.2
)
RUNNER = "ubuntu-24.04"
PYTHON_BUILD = "python:3.12.7-slim-bookworm"
PYTHON_RUNTIME = "gcr.io/distroless/python3-debian12:nonroot"
ROLLOUT_TIMEOUT_SECONDS = 1800
_GIT_IDENTITY = (
    'git config user.name "github-actions[bot]"\n'
    'git config user.email "41898282+github-actions[bot]@users.noreply.github.com"\n'
)


def render_pipelines(design: Design) -> dict[str, str]:
    files: dict[str, str] = {}
    for service in design.compute.services:
        files[f".github/workflows/{service.name}.yml"] = dump(workflow(design, service))
        files[f"services/{service.name}/Dockerfile"] = dockerfile(design, service)
    return files


def _checkout(*, persist: bool = False) -> Doc:
    return {
        "name": "Check out",
        "uses": CHECKOUT,
        "with": {"persist-credentials": persist},
    }


def _aws(env: str) -> Doc:
    # The role lives in the environment's account; GitHub's OIDC token is exchanged for it.
    return {
        "name": f"AWS credentials ({env})",
        "uses": AWS_CREDENTIALS,
        "with": {
            "role-to-assume": "${{ vars.AWS_DEPLOY_ROLE_ARN }}",
            "aws-region": "${{ env.AWS_REGION }}",
        },
    }


def workflow(design: Design, service: ServicePlan) -> Doc:
    staging, prod = design.environment("staging"), design.environment("prod")
    paths = [f"services/{service.name}/**", f".github/workflows/{service.name}.yml"]
    jobs: Doc = {
        "test": _test_job(service),
        "build": _build_job(design, service, staging),
        "deploy-staging": _deploy_job(design, service, staging, needs=["build"]),
        "verify-staging": _verify_job(design, service, staging, needs=["deploy-staging"]),
        "promote": _promote_job(design, service, staging, prod),
        "deploy-prod": _deploy_job(design, service, prod, needs=["build", "promote"]),
        "verify-prod": _verify_job(design, service, prod, needs=["deploy-prod"]),
        "rollback-prod": _rollback_job(design, service, prod),
    }
    return {
        "name": service.name,
        "on": {
            "push": {"branches": ["main"], "paths": paths},
            "pull_request": {"paths": paths},
        },
        "permissions": {},
        # One release of a service at a time, in order; never cancel a deploy halfway.
        "concurrency": {"group": f"release-{service.name}", "cancel-in-progress": False},
        "env": {"SERVICE": service.name, "AWS_REGION": design.region},
        "jobs": jobs,
    }


def _test_job(service: ServicePlan) -> Doc:
    return {
        "name": "Test",
        "runs-on": RUNNER,
        "timeout-minutes": 20,
        "permissions": {"contents": "read"},
        "steps": [
            _checkout(),
            {
                "name": "Unit tests (the Dockerfile's test stage)",
                "run": f"docker build --target test services/{service.name}",
            },
        ],
    }


def _build_job(design: Design, service: ServicePlan, staging: EnvironmentSizing) -> Doc:
    repository = image_repository(design, staging, service.name)
    return {
        "name": "Build, scan and push",
        "needs": ["test"],
        "if": "github.event_name == 'push'",
        "runs-on": RUNNER,
        "timeout-minutes": 30,
        "environment": "staging",
        "permissions": {"contents": "read", "id-token": "write"},
        "outputs": {"digest": "${{ steps.push.outputs.digest }}"},
        "steps": [
            _checkout(),
            _aws("staging"),
            {
                "name": "Log in to ECR",
                "run": "aws ecr get-login-password | docker login --username AWS "
                f"--password-stdin {registry(design, staging)}",
            },
            {
                "id": "push",
                "name": "Build once, tag with the commit, push with SBOM and provenance",
                "env": {"IMAGE": repository},
                "run": (
                    "docker buildx create --use\n"
                    f"docker buildx build services/{service.name} --target runtime \\\n"
                    '  --tag "$IMAGE:$GITHUB_SHA" --sbom=true --provenance=mode=max \\\n'
                    "  --metadata-file build.json --push\n"
                    'echo "digest=$(jq -r \'."containerimage.digest"\' build.json)" '
                    '>> "$GITHUB_OUTPUT"\n'
                ),
            },
            {
                "name": "Image scan: no critical vulnerabilities",
                "run": (
                    f'repo="{design.name}-staging/{service.name}"\n'
                    'aws ecr wait image-scan-complete --repository-name "$repo" '
                    '--image-id imageTag="$GITHUB_SHA"\n'
                    'critical=$(aws ecr describe-image-scan-findings --repository-name "$repo" '
                    '--image-id imageTag="$GITHUB_SHA" '
                    "--query 'imageScanFindings.findingSeverityCounts.CRITICAL' --output text)\n"
                    'if [ "$critical" != "None" ] && [ "$critical" -gt 0 ]; then\n'
                    '  echo "::error::$critical critical vulnerabilities"; exit 1\n'
                    "fi\n"
                ),
            },
        ],
    }


def _gitops_commit(design: Design, service: ServicePlan, env: EnvironmentSizing) -> list[Doc]:
    kustomization = f"{K8S}/overlays/{env.name}/kustomization.yaml"
    return [
        _checkout(persist=True),
        {
            "name": f"Pin the digest in the {env.name} overlay (GitOps commit)",
            "env": {"DIGEST": "${{ needs.build.outputs.digest }}"},
            "run": (
                f'yq -i \'(.images[] | select(.name == "{service.name}")) |= '
                "(.digest = strenv(DIGEST) | del(.newTag))' "
                f"{kustomization}\n"
                f"{_GIT_IDENTITY}"
                f"git add {kustomization}\n"
                f'git commit -m "deploy {service.name} $DIGEST to {env.name}"\n'
                "for attempt in 1 2 3; do\n"
                "  git pull --rebase origin main && git push origin HEAD:main && exit 0\n"
                "  sleep $((attempt * 5))\n"
                "done\n"
                "exit 1\n"
            ),
        },
    ]


def _sync_application(design: Design, env: EnvironmentSizing) -> str:
    """Ask Argo CD to sync the environment's application now (an operation on it)."""
    return (
        f"kubectl -n argocd patch application {design.name}-{env.name} --type merge "
        '-p \'{"operation":{"initiatedBy":{"username":"github-actions"},'
        '"sync":{"revision":"main"}}}\'\n'
    )


def _argocd_sync(design: Design, env: EnvironmentSizing) -> Doc:
    # Production does not sync on its own: the approved job asks Argo CD to sync.
    return {
        "name": "Sync the production application (the approved release)",
        "run": (
            f"aws eks update-kubeconfig --name {design.name}-{env.name}\n"
            + _sync_application(design, env)
        ),
    }


def _ecs_deploy(design: Design, service: ServicePlan, env: EnvironmentSizing) -> Doc:
    cluster = f"{design.name}-{env.name}"
    family = f"{cluster}-{service.name}"
    image = f"{image_repository(design, env, service.name)}@${{DIGEST}}"
    register = (
        f"aws ecs describe-task-definition --task-definition {family} "
        "--query taskDefinition > current.json\n"
        f'jq --arg image "{image}" \'.containerDefinitions[0].image = $image | '
        "del(.taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities, "
        ".registeredAt, .registeredBy)' current.json > next.json\n"
        "arn=$(aws ecs register-task-definition --cli-input-json file://next.json "
        "--query taskDefinition.taskDefinitionArn --output text)\n"
    )
    if service.type is ServiceType.CRON:
        deploy = (
            f"aws scheduler get-schedule --name {cluster}-{service.name} > schedule.json\n"
            'jq --arg arn "$arn" \'.Target.EcsParameters.TaskDefinitionArn = $arn | '
            "del(.Arn, .CreationDate, .LastModificationDate)' schedule.json > next-schedule.json\n"
            "aws scheduler update-schedule --cli-input-json file://next-schedule.json\n"
        )
    elif design.delivery.tool.startswith("CodeDeploy"):
        deploy = (
            'jq -n --arg arn "$arn" --arg name "$SERVICE" --argjson port '
            f"{service.port or 0} "
            '\'{version: 1, Resources: [{TargetService: {Type: "AWS::ECS::Service", '
            "Properties: {TaskDefinition: $arn, LoadBalancerInfo: {ContainerName: $name, "
            "ContainerPort: $port}}}}]}' > appspec.json\n"
            "id=$(aws deploy create-deployment --application-name "
            f"{cluster} --deployment-group-name {service.name} "
            '--revision "revisionType=AppSpecContent,appSpecContent={content='
            '$(jq -c . appspec.json | jq -Rs .)}" '
            "--query deploymentId --output text)\n"
            'echo "CodeDeploy $id: canary with alarm rollback"\n'
            'aws deploy wait deployment-successful --deployment-id "$id"\n'
        )
    else:
        deploy = (
            f"aws ecs update-service --cluster {cluster} --service {service.name} "
            '--task-definition "$arn" > /dev/null\n'
            f"aws ecs wait services-stable --cluster {cluster} --services {service.name}\n"
        )
    return {
        "name": f"Deploy the digest to ECS ({env.name})",
        "env": {"DIGEST": "${{ needs.build.outputs.digest }}"},
        "run": register + deploy,
    }


def _deploy_job(
    design: Design, service: ServicePlan, env: EnvironmentSizing, needs: list[str]
) -> Doc:
    steps: list[Doc]
    permissions = {"contents": "read", "id-token": "write"}
    if is_kubernetes(design):
        permissions["contents"] = "write"  # the GitOps commit
        steps = _gitops_commit(design, service, env)
        if env.name == "prod":
            steps += [_aws(env.name), _argocd_sync(design, env)]
    else:
        steps = [_checkout(), _aws(env.name), _ecs_deploy(design, service, env)]
    return {
        "name": f"Deploy to {env.name}",
        "needs": needs,
        "runs-on": RUNNER,
        "timeout-minutes": 60,
        "environment": env.name,
        "permissions": permissions,
        "steps": steps,
    }


def _verify_job(
    design: Design, service: ServicePlan, env: EnvironmentSizing, needs: list[str]
) -> Doc:
    checks: list[Doc] = []
    cluster = f"{design.name}-{env.name}"
    if is_kubernetes(design) and service.type is not ServiceType.CRON:
        kind = "rollout" if uses_rollout(design, service) else "deployment"
        wait = (
            f"aws eks update-kubeconfig --name {cluster}\n"
            f"deadline=$((SECONDS + {ROLLOUT_TIMEOUT_SECONDS}))\n"
            "while [ $SECONDS -lt $deadline ]; do\n"
            f"  phase=$(kubectl -n {env.namespace} get {kind} {service.name} "
            + (
                "-o jsonpath='{.status.phase}')\n"
                '  echo "rollout: $phase"\n'
                '  [ "$phase" = "Healthy" ] && exit 0\n'
                '  [ "$phase" = "Degraded" ] && { echo "::error::analysis failed; rolled '
                'back"; exit 1; }\n'
                if kind == "rollout"
                else "-o jsonpath='{.status.conditions[?(@.type==\"Available\")].status}')\n"
                '  [ "$phase" = "True" ] && exit 0\n'
            )
            + "  sleep 15\n"
            "done\n"
            'echo "::error::not healthy in time"; exit 1\n'
        )
        checks.append(
            {
                "name": "Rollout healthy (canary analysis against the SLO passed)"
                if kind == "rollout"
                else "Deployment available",
                "run": wait,
            }
        )
    if service.public and service.probes is not None:
        checks.append(
            {
                "name": "Smoke test through the load balancer",
                "env": {"BASE_URL": "${{ vars.PUBLIC_URL }}"},
                "run": (
                    f"curl --fail --silent --show-error --retry 5 --retry-delay 5 "
                    f'"$BASE_URL{service.probes.path}"\n'
                ),
            }
        )
    checks.append(
        {
            "name": "SLO check: no burn-rate alarm firing",
            "run": (
                f'firing=$(aws cloudwatch describe-alarms --alarm-name-prefix "{cluster}-slo" '
                "--state-value ALARM --query 'length(CompositeAlarms)' --output text)\n"
                'if [ "$firing" != "0" ]; then echo "::error::SLO burn-rate alarm firing"; '
                "exit 1; fi\n"
            ),
        }
    )
    return {
        "name": f"Verify {env.name}",
        "needs": needs,
        "runs-on": RUNNER,
        "timeout-minutes": 45,
        "environment": env.name,
        "permissions": {"contents": "read", "id-token": "write"},
        "steps": [_aws(env.name), *checks],
    }


def _promote_job(
    design: Design, service: ServicePlan, staging: EnvironmentSizing, prod: EnvironmentSizing
) -> Doc:
    source = f"{image_repository(design, staging, service.name)}@${{DIGEST}}"
    target = f"{image_repository(design, prod, service.name)}:${{GITHUB_SHA}}"
    gate = (
        "required reviewers on the prod environment approve this job"
        if design.delivery.manual_prod_approval
        else "runs when staging verification passes"
    )
    return {
        "name": f"Promote the verified digest to prod ({gate})",
        "needs": ["build", "verify-staging"],
        "runs-on": RUNNER,
        "timeout-minutes": 30,
        # The approval gate: the prod environment's protection rules hold this job.
        "environment": "prod",
        "permissions": {"contents": "read", "id-token": "write"},
        "steps": [
            {
                "name": "AWS credentials (staging registry)",
                "uses": AWS_CREDENTIALS,
                "with": {
                    "role-to-assume": "${{ vars.AWS_STAGING_PULL_ROLE_ARN }}",
                    "aws-region": "${{ env.AWS_REGION }}",
                },
            },
            {
                "name": "Log in to the staging registry",
                "run": "aws ecr get-login-password | docker login --username AWS "
                f"--password-stdin {registry(design, staging)}",
            },
            _aws("prod"),
            {
                "name": "Copy the same digest to the prod registry (never rebuilt)",
                "env": {"DIGEST": "${{ needs.build.outputs.digest }}"},
                "run": (
                    "aws ecr get-login-password | docker login --username AWS "
                    f"--password-stdin {registry(design, prod)}\n"
                    f'docker buildx imagetools create --tag "{target}" "{source}"\n'
                ),
            },
        ],
    }


def _rollback_job(design: Design, service: ServicePlan, prod: EnvironmentSizing) -> Doc:
    cluster = f"{design.name}-{prod.name}"
    if is_kubernetes(design):
        steps: list[Doc] = [
            _checkout(persist=True),
            {
                "name": "Revert the release commit (Git is the source of truth)",
                "run": (
                    f"{_GIT_IDENTITY}"
                    "git pull --rebase origin main\n"
                    f'commit=$(git log -1 --format=%H --grep "deploy {service.name} .* to prod")\n'
                    'git revert --no-edit "$commit"\n'
                    "git push origin HEAD:main\n"
                ),
            },
            _aws(prod.name),
            {
                "name": "Abort the rollout and sync the reverted state",
                "run": (
                    f"aws eks update-kubeconfig --name {cluster}\n"
                    + (
                        f"kubectl -n {prod.namespace} patch rollout {service.name} "
                        '--subresource=status --type merge -p \'{"status":{"abort":true}}\'\n'
                        if uses_rollout(design, service)
                        else ""
                    )
                    + _sync_application(design, prod)
                ),
            },
        ]
        permissions = {"contents": "write", "id-token": "write"}
    else:
        steps = [
            _aws(prod.name),
            {
                "name": "Roll back to the previous task definition",
                "run": (
                    f"family={cluster}-{service.name}\n"
                    'previous=$(aws ecs list-task-definitions --family-prefix "$family" '
                    "--sort DESC --max-items 2 --query 'taskDefinitionArns[1]' --output text)\n"
                    f"aws ecs update-service --cluster {cluster} --service {service.name} "
                    '--task-definition "$previous" > /dev/null\n'
                    f"aws ecs wait services-stable --cluster {cluster} --services {service.name}\n"
                    if service.type is not ServiceType.CRON
                    else 'echo "the schedule keeps the previous revision until a deploy succeeds"\n'
                ),
            },
        ]
        permissions = {"contents": "read", "id-token": "write"}
    return {
        "name": "Roll back prod (verification failed)",
        "needs": ["verify-prod"],
        "if": "failure() && needs.verify-prod.result == 'failure'",
        "runs-on": RUNNER,
        "timeout-minutes": 30,
        "environment": prod.name,
        "permissions": permissions,
        "steps": steps,
    }


# --- Dockerfiles ------------------------------------------------------------------------


def dockerfile(design: Design, service: ServicePlan) -> str:
    """Multi-stage: dependencies and tests in a full image, the app in a distroless one
    that runs as the same non-root user the pods (or tasks) enforce."""
    ports = " ".join(str(p) for p in (service.port, service.metrics_port) if p is not None)
    command = {
        ServiceType.WEB: '["-m", "app", "serve"]',
        ServiceType.API: '["-m", "app", "serve"]',
        ServiceType.WORKER: '["-m", "app", "work"]',
        ServiceType.CRON: '["-m", "app", "run-once"]',
    }[service.type]
    lines = [
        f"# {service.name} ({service.type.value}) of {design.name}: generated by infra-architect.",
        "# Base images are pinned to exact versions; the pipeline's image scan and your",
        "# dependency bot move them. The service's code lives beside this file.",
        f"FROM {PYTHON_BUILD} AS build",
        "WORKDIR /src",
        "COPY requirements.txt .",
        "RUN pip install --no-cache-dir --require-hashes --target /deps -r requirements.txt",
        "COPY . .",
        "",
        "FROM build AS test",
        "RUN PYTHONPATH=/deps python -m pytest -q",
        "",
        f"FROM {PYTHON_RUNTIME} AS runtime",
        "WORKDIR /app",
        "COPY --from=build /deps /deps",
        "COPY --from=build /src/app /app/app",
        "ENV PYTHONPATH=/deps PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1",
        "USER 10001:10001",
    ]
    if ports:
        lines.append(f"EXPOSE {ports}")
    lines.append(f'ENTRYPOINT ["python3"]\nCMD {command}')
    return "\n".join(lines) + "\n"
