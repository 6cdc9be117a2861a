"""CI/CD: one GitHub Actions workflow and one Dockerfile per service.

build (image, SBOM and provenance attestations, ECR scan) → test → push with an
immutable tag → deploy to staging (a GitOps commit on EKS, a task-definition revision
on ECS) → verify (rollout healthy, smoke test, SLO alarms quiet) → promote to prod
behind the ``prod`` environment's approval → verify → automated rollback when
verification fails. Only two third-party actions are used, pinned by commit; the rest
is the AWS CLI, docker, kubectl, jq and yq that GitHub's Ubuntu runners ship.

No value reaches a ``run:`` script as text: names, registries, paths and ports are set
in ``env:`` (of the workflow, the job or the step) and the scripts read them as quoted
``"$VAR"``, the way GitHub's security hardening guide passes untrusted input. The spec
already holds these values to strict character sets; this keeps a script's meaning
independent of them, and IA-CI-003 checks that no ``${{ }}`` an attacker controls is
interpolated into a script.
"""

from __future__ import annotations

from infra_architect.engine import Design, EnvironmentSizing, ServicePlan
from infra_architect.render._k8s_common import (
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
        "test": _test_job(design),
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


def _test_job(design: Design) -> Doc:
    return {
        "name": "Test",
        "runs-on": RUNNER,
        "timeout-minutes": design.delivery.pipeline_timeouts.test_minutes,
        "permissions": {"contents": "read"},
        "steps": [
            _checkout(),
            {
                "name": "Unit tests (the Dockerfile's test stage)",
                "run": 'docker build --target test "services/$SERVICE"',
            },
        ],
    }


_LOGIN = 'aws ecr get-login-password | docker login --username AWS --password-stdin "$REGISTRY"'


def _build_job(design: Design, service: ServicePlan, staging: EnvironmentSizing) -> Doc:
    return {
        "name": "Build, scan and push",
        "needs": ["test"],
        "if": "github.event_name == 'push'",
        "runs-on": RUNNER,
        "timeout-minutes": design.delivery.pipeline_timeouts.build_minutes,
        "environment": "staging",
        "permissions": {"contents": "read", "id-token": "write"},
        "outputs": {"digest": "${{ steps.push.outputs.digest }}"},
        "env": {
            "REGISTRY": registry(design, staging),
            "IMAGE": image_repository(design, staging, service.name),
            "REPOSITORY": f"{design.name}-{staging.name}/{service.name}",
        },
        "steps": [
            _checkout(),
            _aws("staging"),
            {"name": "Log in to ECR", "run": _LOGIN},
            {
                "id": "push",
                "name": "Build once, tag with the commit, push with SBOM and provenance",
                "run": (
                    "docker buildx create --use\n"
                    'docker buildx build "services/$SERVICE" --target runtime \\\n'
                    '  --tag "$IMAGE:$GITHUB_SHA" --sbom=true --provenance=mode=max \\\n'
                    "  --metadata-file build.json --push\n"
                    'echo "digest=$(jq -r \'."containerimage.digest"\' build.json)" '
                    '>> "$GITHUB_OUTPUT"\n'
                ),
            },
            {
                "name": "Image scan: no critical vulnerabilities",
                "run": (
                    'aws ecr wait image-scan-complete --repository-name "$REPOSITORY" '
                    '--image-id imageTag="$GITHUB_SHA"\n'
                    "critical=$(aws ecr describe-image-scan-findings "
                    '--repository-name "$REPOSITORY" '
                    '--image-id imageTag="$GITHUB_SHA" '
                    "--query 'imageScanFindings.findingSeverityCounts.CRITICAL' --output text)\n"
                    'if [ "$critical" != "None" ] && [ "$critical" -gt 0 ]; then\n'
                    '  echo "::error::$critical critical vulnerabilities"; exit 1\n'
                    "fi\n"
                ),
            },
        ],
    }


def _gitops_commit(env: EnvironmentSizing) -> list[Doc]:
    return [
        _checkout(persist=True),
        {
            "name": f"Pin the digest in the {env.name} overlay (GitOps commit)",
            "env": {"DIGEST": "${{ needs.build.outputs.digest }}"},
            "run": (
                "yq -i '(.images[] | select(.name == strenv(SERVICE))) |= "
                "(.digest = strenv(DIGEST) | del(.newTag))' "
                '"$KUSTOMIZATION"\n'
                f"{_GIT_IDENTITY}"
                'git add "$KUSTOMIZATION"\n'
                'git commit -m "deploy $SERVICE $DIGEST to $ENVIRONMENT"\n'
                "for attempt in 1 2 3; do\n"
                "  git pull --rebase origin main && git push origin HEAD:main && exit 0\n"
                "  sleep $((attempt * 5))\n"
                "done\n"
                "exit 1\n"
            ),
        },
    ]


_SYNC_APPLICATION = (
    # Ask Argo CD to sync the environment's application now (an operation on it).
    'kubectl -n argocd patch application "$APPLICATION" --type merge '
    '-p \'{"operation":{"initiatedBy":{"username":"github-actions"},'
    '"sync":{"revision":"main"}}}\'\n'
)
_KUBECONFIG = 'aws eks update-kubeconfig --name "$CLUSTER"\n'


def _argocd_sync() -> Doc:
    # Production does not sync on its own: the approved job asks Argo CD to sync.
    return {
        "name": "Sync the production application (the approved release)",
        "run": _KUBECONFIG + _SYNC_APPLICATION,
    }


def _target(design: Design, service: ServicePlan, env: EnvironmentSizing) -> Doc:
    """What a job that acts on one environment names, set once as its ``env:``."""
    cluster = f"{design.name}-{env.name}"
    names: Doc = {"ENVIRONMENT": env.name, "CLUSTER": cluster}
    if is_kubernetes(design):
        names |= {
            "NAMESPACE": env.namespace,
            "APPLICATION": cluster,
            "KUSTOMIZATION": f"{K8S}/overlays/{env.name}/kustomization.yaml",
        }
    else:
        names |= {
            "FAMILY": f"{cluster}-{service.name}",
            "IMAGE": image_repository(design, env, service.name),
        }
    return names


def _ecs_deploy(design: Design, service: ServicePlan, env: EnvironmentSizing) -> Doc:
    step_env: Doc = {"DIGEST": "${{ needs.build.outputs.digest }}"}
    register = (
        'aws ecs describe-task-definition --task-definition "$FAMILY" '
        "--query taskDefinition > current.json\n"
        'jq --arg image "$IMAGE@$DIGEST" \'.containerDefinitions[0].image = $image | '
        "del(.taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities, "
        ".registeredAt, .registeredBy)' current.json > next.json\n"
        "arn=$(aws ecs register-task-definition --cli-input-json file://next.json "
        "--query taskDefinition.taskDefinitionArn --output text)\n"
    )
    if service.type is ServiceType.CRON:
        # The EventBridge schedule carries the family's name.
        deploy = (
            'aws scheduler get-schedule --name "$FAMILY" > schedule.json\n'
            'jq --arg arn "$arn" \'.Target.EcsParameters.TaskDefinitionArn = $arn | '
            "del(.Arn, .CreationDate, .LastModificationDate)' schedule.json > next-schedule.json\n"
            "aws scheduler update-schedule --cli-input-json file://next-schedule.json\n"
        )
    elif (release := design.delivery.release(service.name)).codedeploy_ecs:
        step_env["PORT"] = str(service.port or 0)
        deploy = _codedeploy(release.value)
    else:
        deploy = (
            'aws ecs update-service --cluster "$CLUSTER" --service "$SERVICE" '
            '--task-definition "$arn" > /dev/null\n'
            'aws ecs wait services-stable --cluster "$CLUSTER" --services "$SERVICE"\n'
        )
    return {
        "name": f"Deploy the digest to ECS ({env.name})",
        "env": step_env,
        "run": register + deploy,
    }


def _codedeploy(mechanism: str, task_definition: str = "$arn") -> str:
    """A CodeDeploy deployment of ``task_definition``: a service under the CODE_DEPLOY
    controller takes a new task definition only this way (UpdateService refuses it)."""
    return (
        f'jq -n --arg arn "{task_definition}" --arg name "$SERVICE" --argjson port "$PORT" '
        '\'{version: 1, Resources: [{TargetService: {Type: "AWS::ECS::Service", '
        "Properties: {TaskDefinition: $arn, LoadBalancerInfo: {ContainerName: $name, "
        "ContainerPort: $port}}}}]}' > appspec.json\n"
        'id=$(aws deploy create-deployment --application-name "$CLUSTER" '
        '--deployment-group-name "$SERVICE" '
        '--revision "revisionType=AppSpecContent,appSpecContent={content='
        '$(jq -c . appspec.json | jq -Rs .)}" '
        "--query deploymentId --output text)\n"
        f'echo "CodeDeploy $id: {mechanism} with alarm rollback"\n'
        'aws deploy wait deployment-successful --deployment-id "$id"\n'
    )


def _ecs_rollback(design: Design, service: ServicePlan) -> Doc:
    previous = (
        'previous=$(aws ecs list-task-definitions --family-prefix "$FAMILY" '
        "--sort DESC --max-items 2 --query 'taskDefinitionArns[1]' --output text)\n"
    )
    step: Doc = {"name": "Roll back to the previous task definition"}
    release = design.delivery.release(service.name)
    if service.type is ServiceType.CRON:
        step["run"] = 'echo "the schedule keeps the previous revision until a deploy succeeds"\n'
    elif release.codedeploy_ecs:
        step["env"] = {"PORT": str(service.port or 0)}
        step["run"] = previous + _codedeploy(release.value, "$previous")
    else:
        step["run"] = (
            previous + 'aws ecs update-service --cluster "$CLUSTER" --service "$SERVICE" '
            '--task-definition "$previous" > /dev/null\n'
            'aws ecs wait services-stable --cluster "$CLUSTER" --services "$SERVICE"\n'
        )
    return step


def _deploy_job(
    design: Design, service: ServicePlan, env: EnvironmentSizing, needs: list[str]
) -> Doc:
    steps: list[Doc]
    permissions = {"contents": "read", "id-token": "write"}
    if is_kubernetes(design):
        permissions["contents"] = "write"  # the GitOps commit
        steps = _gitops_commit(env)
        if env.name == "prod":
            steps += [_aws(env.name), _argocd_sync()]
    else:
        steps = [_checkout(), _aws(env.name), _ecs_deploy(design, service, env)]
    return {
        "name": f"Deploy to {env.name}",
        "needs": needs,
        "runs-on": RUNNER,
        "timeout-minutes": design.delivery.pipeline_timeouts.deploy_minutes,
        "environment": env.name,
        "permissions": permissions,
        "env": _target(design, service, env),
        "steps": steps,
    }


def _verify_job(
    design: Design, service: ServicePlan, env: EnvironmentSizing, needs: list[str]
) -> Doc:
    checks: list[Doc] = []
    if is_kubernetes(design) and service.type is not ServiceType.CRON:
        kind = "rollout" if uses_rollout(design, service) else "deployment"
        wait = (
            _KUBECONFIG
            + f"deadline=$((SECONDS + {design.delivery.pipeline_timeouts.rollout_wait_seconds}))\n"
            "while [ $SECONDS -lt $deadline ]; do\n"
            f'  phase=$(kubectl -n "$NAMESPACE" get {kind} "$SERVICE" '
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
    grpc = design.network.grpc
    if service.public and grpc is not None and service.name in grpc.edge:
        # A gRPC target group refuses HTTP/1.1; an HTTP/2 POST of an empty
        # HealthCheckRequest (5 bytes of gRPC framing) is a real call, and only SERVING
        # answers the 7 bytes 00 00000002 0801 (NOT_SERVING still has status 0, which is
        # all the load balancer's own check sees).
        checks.append(
            {
                "name": "Smoke test through the load balancer (gRPC health: SERVING)",
                "env": {
                    "BASE_URL": "${{ vars.PUBLIC_URL }}",
                    "HEALTH_METHOD": grpc.health_check_path,
                },
                "run": (
                    # a file, not stdin: curl's retries resend it
                    "printf '\\0\\0\\0\\0\\0' > \"$RUNNER_TEMP/health-request\"\n"
                    "reply=$(curl --fail --silent --show-error --http2 --retry 5 "
                    "--retry-delay 5 -H 'content-type: application/grpc' -H 'te: trailers' "
                    '--data-binary @"$RUNNER_TEMP/health-request" "$BASE_URL$HEALTH_METHOD" '
                    "| od -An -tx1 | tr -d ' \\n')\n"
                    'if [ "$reply" != "00000000020801" ]; then '
                    'echo "::error::health answered ${reply:-nothing}, not SERVING"; exit 1; fi\n'
                ),
            }
        )
    elif service.public and service.probes is not None:
        checks.append(
            {
                "name": "Smoke test through the load balancer",
                "env": {"BASE_URL": "${{ vars.PUBLIC_URL }}", "HEALTH_PATH": service.probes.path},
                "run": (
                    "curl --fail --silent --show-error --retry 5 --retry-delay 5 "
                    '"$BASE_URL$HEALTH_PATH"\n'
                ),
            }
        )
    checks.append(
        {
            "name": "SLO check: no burn-rate alarm firing",
            "run": (
                'firing=$(aws cloudwatch describe-alarms --alarm-name-prefix "$CLUSTER-slo" '
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
        "timeout-minutes": design.delivery.pipeline_timeouts.verify_minutes,
        "environment": env.name,
        "permissions": {"contents": "read", "id-token": "write"},
        "env": _target(design, service, env),
        "steps": [_aws(env.name), *checks],
    }


def _promote_job(
    design: Design, service: ServicePlan, staging: EnvironmentSizing, prod: EnvironmentSizing
) -> Doc:
    gate = (
        "required reviewers on the prod environment approve this job"
        if design.delivery.manual_prod_approval
        else "runs when staging verification passes"
    )
    return {
        "name": f"Promote the verified digest to prod ({gate})",
        "needs": ["build", "verify-staging"],
        "runs-on": RUNNER,
        "timeout-minutes": design.delivery.pipeline_timeouts.promote_minutes,
        # The approval gate: the prod environment's protection rules hold this job.
        "environment": "prod",
        "permissions": {"contents": "read", "id-token": "write"},
        "env": {
            "SOURCE": image_repository(design, staging, service.name),
            "TARGET": image_repository(design, prod, service.name),
        },
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
                "env": {"REGISTRY": registry(design, staging)},
                "run": _LOGIN,
            },
            _aws("prod"),
            {
                "name": "Copy the same digest to the prod registry (never rebuilt)",
                "env": {
                    "DIGEST": "${{ needs.build.outputs.digest }}",
                    "REGISTRY": registry(design, prod),
                },
                "run": (
                    f"{_LOGIN}\n"
                    'docker buildx imagetools create --tag "$TARGET:$GITHUB_SHA" '
                    '"$SOURCE@$DIGEST"\n'
                ),
            },
        ],
    }


def _rollback_job(design: Design, service: ServicePlan, prod: EnvironmentSizing) -> Doc:
    if is_kubernetes(design):
        steps: list[Doc] = [
            _checkout(persist=True),
            {
                "name": "Revert the release commit (Git is the source of truth)",
                "run": (
                    f"{_GIT_IDENTITY}"
                    "git pull --rebase origin main\n"
                    'commit=$(git log -1 --format=%H --grep "deploy $SERVICE .* to $ENVIRONMENT")\n'
                    'git revert --no-edit "$commit"\n'
                    "git push origin HEAD:main\n"
                ),
            },
            _aws(prod.name),
            {
                "name": "Abort the rollout and sync the reverted state",
                "run": (
                    _KUBECONFIG
                    + (
                        'kubectl -n "$NAMESPACE" patch rollout "$SERVICE" '
                        '--subresource=status --type merge -p \'{"status":{"abort":true}}\'\n'
                        if uses_rollout(design, service)
                        else ""
                    )
                    + _SYNC_APPLICATION
                ),
            },
        ]
        permissions = {"contents": "write", "id-token": "write"}
    else:
        steps = [_aws(prod.name), _ecs_rollback(design, service)]
        permissions = {"contents": "read", "id-token": "write"}
    return {
        "name": "Roll back prod (verification failed)",
        "needs": ["verify-prod"],
        "if": "failure() && needs.verify-prod.result == 'failure'",
        "runs-on": RUNNER,
        "timeout-minutes": design.delivery.pipeline_timeouts.rollback_minutes,
        "environment": prod.name,
        "permissions": permissions,
        "env": _target(design, service, prod),
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
