"""CI/CD: one GitHub Actions workflow and one Dockerfile per service.

build (a single-platform image, ECR scan, signed build provenance) → test → push with an
immutable tag → deploy to staging (a GitOps commit on EKS, a task-definition revision
on ECS) → verify (the new version is live and healthy, smoke test, SLO alarms quiet)
→ promote to prod behind the ``prod`` environment's approval → verify → automated
rollback when verification fails. Three actions are used, pinned by commit; the rest
is the AWS CLI, docker, gh, jq and yq that GitHub's Ubuntu runners ship.

On EKS no job talks to the cluster: its API endpoint is private and the runners are
GitHub-hosted. CI commits the digest to the environment's overlay, Argo CD pulls it,
and the verify job waits for the commit status Argo CD Notifications sets on the
revision it synced (``DeliveryDesign.sync_gates``).

Every ``vars.X`` a workflow reads is one of ``DeliveryDesign.variables``, which the
tech spec lists with where each value comes from; ``_var`` refuses any other name.

No value reaches a ``run:`` script as text: names, registries, paths and ports are set
in ``env:`` (of the workflow, the job or the step) and the scripts read them as quoted
``"$VAR"``, the way GitHub's security hardening guide passes untrusted input. The spec
already holds these values to strict character sets; this keeps a script's meaning
independent of them, and IA-CI-003 checks that no ``${{ }}`` an attacker controls is
interpolated into a script.
"""

from __future__ import annotations

from infra_architect.engine import (
    Design,
    EnvironmentSizing,
    ServicePlan,
    release_kustomization,
)
from infra_architect.render._k8s_common import (
    image_repository,
    is_kubernetes,
    registry,
)
from infra_architect.render._yaml import Doc, dump
from infra_architect.spec import ServiceType

CHECKOUT = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"  # v4.2.2
AWS_CREDENTIALS = (
    "aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502"  # v4.0.2
)
# GitHub's artifact attestations; actions/attest-build-provenance v4 is a wrapper of this
# action, and its README asks new workflows to use actions/attest directly.
ATTEST = "actions/attest@1e69f48acb82d1966a394da916b4c1698aa569d6"  # v4.2.2
RUNNER = "ubuntu-24.04"
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


def _var_ref(design: Design, name: str) -> str:
    """``vars.NAME`` of a variable the Design lists (and the tech spec documents)."""
    variable = design.delivery.variable(name)
    return f"{variable.kind}.{variable.name}"


def _var(design: Design, name: str) -> str:
    return f"${{{{ {_var_ref(design, name)} }}}}"


def _aws(design: Design, env: str) -> Doc:
    # The role lives in the environment's account; GitHub's OIDC token is exchanged for it.
    return {
        "name": f"AWS credentials ({env})",
        "uses": AWS_CREDENTIALS,
        "with": {
            "role-to-assume": _var(design, "AWS_DEPLOY_ROLE_ARN"),
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
        # One group per ref: releases (pushes to main) run one at a time, in order, and a
        # deploy is never cancelled halfway; each pull request has a group of its own, so
        # its checks never queue behind a release, and a newer push cancels its older run.
        "concurrency": {
            "group": f"{service.name}-${{{{ github.ref }}}}",
            "cancel-in-progress": "${{ github.event_name == 'pull_request' }}",
        },
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
        # attestations + id-token: GitHub signs the provenance with a short-lived
        # certificate issued for the workflow's OIDC identity and stores it.
        "permissions": {"contents": "read", "id-token": "write", "attestations": "write"},
        "outputs": {"digest": "${{ steps.push.outputs.digest }}"},
        "env": {
            "REGISTRY": registry(design, staging),
            "IMAGE": image_repository(design, staging, service.name),
            "REPOSITORY": f"{design.name}-{staging.name}/{service.name}",
        },
        "steps": [
            _checkout(),
            _aws(design, "staging"),
            {"name": "Log in to ECR", "run": _LOGIN},
            {
                "id": "push",
                "name": "Build once, tag with the commit, push one image manifest",
                "run": (
                    "docker buildx create --use\n"
                    # With attestations buildx pushes an image index (the image plus an
                    # unknown/unknown attestation manifest), which ECR's basic scan refuses
                    # ("An artifact with media type 'application/vnd.oci.image.index.v1+json'
                    # cannot be scanned", moby/buildkit#3499): push the image alone and keep
                    # the provenance as a GitHub artifact attestation (next step).
                    'docker buildx build "services/$SERVICE" --target runtime \\\n'
                    '  --tag "$IMAGE:$GITHUB_SHA" --provenance=false --sbom=false \\\n'
                    "  --metadata-file build.json --push\n"
                    'echo "digest=$(jq -r \'."containerimage.digest"\' build.json)" '
                    '>> "$GITHUB_OUTPUT"\n'
                ),
            },
            {
                "name": "Attest build provenance (signed, stored with the repository)",
                # Artifact attestations need a public repository or GitHub Enterprise
                # Cloud; the tech spec says when to set the variable to false.
                "if": f"{_var_ref(design, 'ARTIFACT_ATTESTATIONS')} != 'false'",
                "uses": ATTEST,
                "with": {
                    "subject-name": "${{ env.IMAGE }}",
                    "subject-digest": "${{ steps.push.outputs.digest }}",
                },
            },
            {
                "name": "Image scan: no critical vulnerabilities",
                "env": {"DIGEST": "${{ steps.push.outputs.digest }}"},
                "run": (
                    # Scan on push, basic: operating-system packages of the pushed image
                    # (ECR User Guide, "Scan images for software vulnerabilities in Amazon ECR").
                    'aws ecr wait image-scan-complete --repository-name "$REPOSITORY" '
                    '--image-id imageDigest="$DIGEST"\n'
                    "critical=$(aws ecr describe-image-scan-findings "
                    '--repository-name "$REPOSITORY" '
                    '--image-id imageDigest="$DIGEST" '
                    "--query 'imageScanFindings.findingSeverityCounts.CRITICAL' --output text)\n"
                    'if [ "$critical" != "None" ] && [ "$critical" -gt 0 ]; then\n'
                    '  echo "::error::$critical critical vulnerabilities"; exit 1\n'
                    "fi\n"
                ),
            },
        ],
    }


_PUSH_TO_MAIN = (
    # Others push to main too (other services' releases): rebase and retry.
    "for attempt in 1 2 3; do\n"
    "  if git pull --rebase origin main && git push origin HEAD:main; then\n"
    '    echo "commit=$(git rev-parse HEAD)" >> "$GITHUB_OUTPUT"; exit 0\n'
    "  fi\n"
    "  sleep $((attempt * 5))\n"
    "done\n"
    "exit 1\n"
)


def _gitops_commit(env: EnvironmentSizing) -> list[Doc]:
    return [
        _checkout(persist=True),
        {
            "id": "commit",
            "name": f"Pin the digest in the {env.name} release (GitOps commit; Argo CD syncs it)",
            "env": {"DIGEST": "${{ needs.build.outputs.digest }}"},
            "run": (
                # upsert: a service added after the file was seeded has no entry yet
                "yq -i '.images = ([(.images // [])[] | select(.name != strenv(SERVICE))] "
                '+ [{"name": strenv(SERVICE), "digest": strenv(DIGEST)}] | sort_by(.name))\' '
                '"$KUSTOMIZATION"\n'
                f"{_GIT_IDENTITY}"
                'git add "$KUSTOMIZATION"\n'
                'git commit -m "deploy $SERVICE $DIGEST to $ENVIRONMENT"\n' + _PUSH_TO_MAIN
            ),
        },
    ]


def _wait_for_sync(design: Design, commit: str) -> Doc:
    """Wait until Argo CD reports the environment Synced and Healthy at ``commit`` or a
    later commit of main (it syncs main's head, which may already hold other releases);
    a failed report, or none before the Design's deadline, fails the job."""
    return {
        "name": "Argo CD runs the new commit, Synced and Healthy (its commit status)",
        "env": {"GH_TOKEN": "${{ github.token }}", "DEPLOY_COMMIT": commit},
        "run": (
            f"deadline=$((SECONDS + {design.delivery.pipeline_timeouts.rollout_wait_seconds}))\n"
            "while [ $SECONDS -lt $deadline ]; do\n"
            "  # newest first: the latest report on a commit that contains this one decides\n"
            '  later=$(gh api "repos/$GITHUB_REPOSITORY/compare/$DEPLOY_COMMIT...main" '
            "--jq '[.commits[].sha] | reverse | join(\" \")' || true)\n"
            '  for sha in $later "$DEPLOY_COMMIT"; do\n'
            '    state=$(gh api "repos/$GITHUB_REPOSITORY/commits/$sha/statuses" '
            "--jq '[.[] | select(.context == env.STATUS_CONTEXT)][0].state // \"\"' || true)\n"
            '    case "$state" in\n'
            '      success) echo "$STATUS_CONTEXT: Synced and Healthy at $sha"; exit 0 ;;\n'
            '      failure|error) echo "::error::$STATUS_CONTEXT reported $state at $sha"; '
            "exit 1 ;;\n"
            "      pending) break ;;\n"
            "    esac\n"
            "  done\n"
            "  sleep 30  # a few API calls a round: GITHUB_TOKEN allows 1,000 an hour\n"
            "done\n"
            'echo "::error::$STATUS_CONTEXT reported nothing on $DEPLOY_COMMIT in time"; exit 1\n'
        ),
    }


def _target(design: Design, service: ServicePlan, env: EnvironmentSizing) -> Doc:
    """What a job that acts on one environment names, set once as its ``env:``."""
    names: Doc = {"ENVIRONMENT": env.name}
    if is_kubernetes(design):
        names |= {
            "KUSTOMIZATION": release_kustomization(env.name),
            "STATUS_CONTEXT": design.delivery.sync_gate(env.name).status_context,
        }
    else:
        cluster = f"{design.name}-{env.name}"
        names |= {
            "CLUSTER": cluster,
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
    job: Doc = {
        "name": f"Deploy to {env.name}",
        "needs": needs,
        "runs-on": RUNNER,
        "timeout-minutes": design.delivery.pipeline_timeouts.deploy_minutes,
        "environment": env.name,
    }
    if is_kubernetes(design):
        # The commit is the release: Argo CD syncs it; the job needs no AWS identity.
        job |= {
            "permissions": {"contents": "write"},
            "outputs": {"commit": "${{ steps.commit.outputs.commit }}"},
            "env": _target(design, service, env),
            "steps": _gitops_commit(env),
        }
    else:
        job |= {
            "permissions": {"contents": "read", "id-token": "write"},
            "env": _target(design, service, env),
            "steps": [_checkout(), _aws(design, env.name), _ecs_deploy(design, service, env)],
        }
    return job


def _smoke_test(design: Design, service: ServicePlan) -> Doc | None:
    grpc = design.network.grpc
    if service.public and grpc is not None and service.name in grpc.edge:
        # A gRPC target group refuses HTTP/1.1; an HTTP/2 POST of an empty
        # HealthCheckRequest (5 bytes of gRPC framing) is a real call, and only SERVING
        # answers the 7 bytes 00 00000002 0801 (NOT_SERVING still has status 0, which is
        # all the load balancer's own check sees).
        return {
            "name": "Smoke test through the load balancer (gRPC health: SERVING)",
            "env": {
                "BASE_URL": _var(design, "PUBLIC_URL"),
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
    if service.public and service.probes is not None:
        return {
            "name": "Smoke test through the load balancer",
            "env": {"BASE_URL": _var(design, "PUBLIC_URL"), "HEALTH_PATH": service.probes.path},
            "run": (
                "curl --fail --silent --show-error --retry 5 --retry-delay 5 "
                '"$BASE_URL$HEALTH_PATH"\n'
            ),
        }
    return None


_SLO_ALARMS = {
    "name": "SLO check: no burn-rate alarm firing",
    "run": (
        # Without --alarm-types DescribeAlarms returns metric alarms only, "even if
        # composite alarms exist" (CloudWatch API Reference, DescribeAlarms AlarmTypes);
        # the burn-rate alarms are composite (long AND short window).
        'firing=$(aws cloudwatch describe-alarms --alarm-name-prefix "$CLUSTER-slo" '
        "--alarm-types CompositeAlarm --state-value ALARM "
        "--query 'length(CompositeAlarms)' --output text)\n"
        'if [ "$firing" != "0" ]; then echo "::error::SLO burn-rate alarm firing"; '
        "exit 1; fi\n"
    ),
}


def _verify_job(
    design: Design, service: ServicePlan, env: EnvironmentSizing, needs: list[str]
) -> Doc:
    smoke = _smoke_test(design, service)
    job: Doc = {
        "name": f"Verify {env.name}",
        "needs": needs,
        "runs-on": RUNNER,
        "timeout-minutes": design.delivery.pipeline_timeouts.verify_minutes,
        "environment": env.name,
        "env": _target(design, service, env),
    }
    if is_kubernetes(design):
        # The SLO burn-rate alerts are PrometheusRules inside the cluster; the Rollout's
        # analysis (part of the Healthy that Argo CD reports) is the SLO gate here.
        steps = [_wait_for_sync(design, f"${{{{ needs.deploy-{env.name}.outputs.commit }}}}")]
        job["permissions"] = {"contents": "read", "statuses": "read"}
    else:
        steps = [_aws(design, env.name)]
        job["permissions"] = {"contents": "read", "id-token": "write"}
    if smoke is not None:
        steps.append(smoke)
    if not is_kubernetes(design):
        steps.append(_SLO_ALARMS)
    job["steps"] = steps
    return job


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
                    "role-to-assume": _var(design, "AWS_STAGING_PULL_ROLE_ARN"),
                    "aws-region": "${{ env.AWS_REGION }}",
                },
            },
            {
                "name": "Log in to the staging registry",
                "env": {"REGISTRY": registry(design, staging)},
                "run": _LOGIN,
            },
            _aws(design, "prod"),
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
        # Git is the source of truth: revert the release commit and let Argo CD sync it.
        # A Rollout whose template returns to the stable one goes back at once.
        steps: list[Doc] = [
            {
                "name": "Check out (full history: the revert needs the release's parent)",
                "uses": CHECKOUT,
                "with": {"persist-credentials": True, "fetch-depth": 0},
            },
            {
                "id": "commit",
                "name": "Revert the release commit",
                "env": {"RELEASE": "${{ needs.deploy-prod.outputs.commit }}"},
                "run": (
                    f"{_GIT_IDENTITY}"
                    "git pull --rebase origin main\n"
                    'git revert --no-edit "$RELEASE"\n' + _PUSH_TO_MAIN
                ),
            },
            _wait_for_sync(design, "${{ steps.commit.outputs.commit }}"),
        ]
        permissions = {"contents": "write", "statuses": "read"}
        needs = ["deploy-prod", "verify-prod"]
    else:
        steps = [_aws(design, prod.name), _ecs_rollback(design, service)]
        permissions = {"contents": "read", "id-token": "write"}
        needs = ["verify-prod"]
    return {
        "name": "Roll back prod (verification failed)",
        "needs": needs,
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
    images = design.delivery.base_images
    lines = [
        f"# {service.name} ({service.type.value}) of {design.name}: generated by infra-architect.",
        f"# Both stages run Python {images.python}: packages built by one Python minor do not",
        "# import under another. Pin each FROM by digest before the first release, e.g.",
        "#   docker buildx imagetools inspect IMAGE --format '{{json .Manifest.Digest}}'",
        "# then FROM IMAGE@sha256:...; Dependabot or Renovate then moves the digests.",
        "# The service's code lives beside this file.",
        f"FROM {images.build} AS build",
        "WORKDIR /src",
        "COPY requirements.txt .",
        "RUN pip install --no-cache-dir --require-hashes --target /deps -r requirements.txt",
        "COPY . .",
        "",
        "FROM build AS test",
        "RUN PYTHONPATH=/deps python -m pytest -q",
        "",
        f"FROM {images.runtime} AS runtime",
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
