"""``terraform plan`` of every root against a local AWS emulator.

``terraform validate`` checks types and references; it passes on trees that fail at plan
(unknown values in ``count``, a provider argument the API refuses, a data source that
finds nothing...). A plan needs an AWS API: on a developer's machine or in CI that is a
local emulator (moto's server), never a real account. Every root is planned: each
environment and each account's bootstrap.

The emulator is the one named by ``INFRA_ARCHITECT_EMULATOR_URL`` (only a loopback
address is accepted: a tree is untrusted and a plan sends its configuration to the API),
else a moto server this run starts on 127.0.0.1 and stops, else the step is skipped and
says why. The roots run on a private copy with an override file (Terraform merges
``*_override.tf`` into the configuration): local state, the emulator's credentials and
account, nothing written into the user's tree.
"""

from __future__ import annotations

import importlib.util
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from infra_architect._io import UnreadableFileError, read_input
from infra_architect.iac import HclSyntaxError, parse_hcl
from infra_architect.validate._tools import (
    Job,
    Toolchain,
    ToolResult,
    _run,
    _tail,
    go_collector,
    private_copy,
    write_cli_config,
)

EMULATOR_URL_ENV = "INFRA_ARCHITECT_EMULATOR_URL"
EMULATOR_ACCOUNT = "123456789012"
"""moto's account: the override admits it in place of the environment's."""
ROOT_KINDS = ("bootstrap", "environments")
"""Where the roots are: ``infra/terraform/<kind>/<name>``."""
START_SECONDS = 30.0
MAX_TF_BYTES = 4 * 1024 * 1024
"""A root file larger than this is not read for its providers and variables."""
PLAN_TOOL = "terraform plan (emulator)"
_LOOPBACK = re.compile(r"^http://(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}/?$")
_PLAN_SUMMARY = re.compile(r"Plan: (\d+) to add, (\d+) to change, (\d+) to destroy")
_ZONE_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
_PLACEHOLDER_ARN = (
    "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
)


@dataclass(frozen=True)
class Emulator:
    """Where the emulator answers, or why there is none."""

    url: str | None
    why: str


def terraform_roots(terraform: Path) -> list[Path]:
    """Every root of a generated Terraform tree, relative to ``infra/terraform``."""
    return [
        Path(kind) / root.name
        for kind in ROOT_KINDS
        if (terraform / kind).is_dir()
        for root in sorted((terraform / kind).iterdir())
        if root.is_dir() and not root.is_symlink()
    ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):  # noqa: S310  (loopback)
            return True
    except OSError:
        return False


def moto_installed() -> bool:
    """moto's server needs moto and its web stack (``moto[server]``)."""
    return all(importlib.util.find_spec(name) is not None for name in ("moto", "flask"))


@contextmanager
def emulator(env: Mapping[str, str]) -> Iterator[Emulator]:
    """The emulator to plan against for the duration of the block."""
    given = env.get(EMULATOR_URL_ENV)
    if given:
        if not _LOOPBACK.match(given):
            yield Emulator(None, f"{EMULATOR_URL_ENV}={given!r} is not a loopback http address")
        else:
            yield Emulator(given.rstrip("/"), f"the emulator at {given}")
        return
    if not moto_installed():
        yield Emulator(
            None,
            "no AWS emulator: install moto[server] (or set "
            f"{EMULATOR_URL_ENV} to a local one) to plan every root",
        )
        return
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=dict(env, MOTO_IAM_LOAD_MANAGED_POLICIES="true"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _answers(url):
            if server.poll() is not None or time.monotonic() > deadline:
                yield Emulator(None, "moto's server did not start")
                return
            time.sleep(0.2)
        yield Emulator(url, "moto's server, started for this run")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def _documents(root: Path) -> Iterator[dict[str, object]]:
    for path in sorted(root.glob("*.tf")):
        if path.is_symlink() or not path.is_file():
            continue
        try:
            yield parse_hcl(read_input(path, MAX_TF_BYTES).decode("utf-8"))
        except (UnreadableFileError, UnicodeDecodeError, HclSyntaxError):
            continue  # terraform itself reports it when it plans


def _blocks(document: Mapping[str, object], kind: str) -> Iterator[tuple[str, dict[str, object]]]:
    entries = document.get(kind)
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            for name, body in entry.items():
                if isinstance(body, dict):
                    yield name, body


def provider_aliases(root: Path) -> list[str]:
    """The aliases of the root's ``aws`` provider blocks ("" for the default one)."""
    aliases = {
        str(body.get("alias", ""))
        for document in _documents(root)
        for name, body in _blocks(document, "provider")
        if name == "aws"
    }
    return sorted(aliases | {""})


def placeholder_variables(root: Path) -> dict[str, str]:
    """A value for each variable the root requires (no default), by its type: what an
    operator passes with ``-var`` on a real plan (an image tag, a certificate ARN)."""
    values: dict[str, str] = {}
    for document in _documents(root):
        for name, body in _blocks(document, "variable"):
            if "default" in body:
                continue
            kind = str(body.get("type", "string"))
            values[name] = (
                "1"
                if kind == "number"
                else "false"
                if kind == "bool"
                else "[]"
                if kind.startswith(("${list", "${set", "${tuple"))
                else "{}"
                if kind.startswith(("${map", "${object"))
                else _PLACEHOLDER_ARN
                if name.endswith("_arn")
                else "emulator"
            )
    return dict(sorted(values.items()))


def hosted_zones(root: Path) -> set[str]:
    """The public hosted zones the root's module calls look up by name (``zone_name``):
    they exist before Terraform runs, in the account, like the operator's domain."""
    names = {
        body.get("zone_name")
        for document in _documents(root)
        for _, body in _blocks(document, "module")
    }
    return {name for name in names if isinstance(name, str) and _ZONE_NAME.match(name)}


_ROUTE53_AUTH = {
    # the emulator routes a request to a service by its credential scope
    "Authorization": "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/route53/"
    "aws4_request, SignedHeaders=host, Signature=0",
}


def _route53(url: str, path: str, body: bytes | None = None) -> str:
    request = urllib.request.Request(  # noqa: S310  (loopback, checked by emulator())
        f"{url}/2013-04-01/{path}",
        data=body,
        method="GET" if body is None else "POST",
        headers={**_ROUTE53_AUTH, "Content-Type": "application/xml"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  (loopback)
        text: str = response.read().decode("utf-8", "replace")
        return text


def seed_hosted_zones(url: str, names: set[str]) -> list[str]:
    """Create each zone the emulator does not hold yet, once (Route 53 allows two zones
    of one name, and the roots' ``data "aws_route53_zone"`` would then find two);
    returns the problems met."""
    problems: list[str] = []
    for name in sorted(names):
        try:
            held = _route53(url, f"hostedzonesbyname?dnsname={name}&maxitems=1")
            if f"<Name>{name}.</Name>" in held:
                continue
            _route53(
                url,
                "hostedzone",
                (
                    '<CreateHostedZoneRequest xmlns="https://route53.amazonaws.com/doc/'
                    f'2013-04-01/"><Name>{name}</Name><CallerReference>infra-architect-'
                    f"{name}</CallerReference></CreateHostedZoneRequest>"
                ).encode(),
            )
        except OSError as error:
            problems.append(f"could not create the hosted zone {name} in the emulator: {error}")
    return problems


def override(aliases: list[str]) -> str:
    """Local state and, for every ``aws`` provider block, the emulator's credentials and
    account (an override replaces the arguments it names, the rest stays)."""
    providers = "".join(
        '\nprovider "aws" {\n'
        + (f'  alias                       = "{alias}"\n' if alias else "")
        + '  access_key                  = "test"\n'
        '  secret_key                  = "test"\n'
        "  skip_credentials_validation = true\n"
        "  skip_metadata_api_check     = true\n"
        "  skip_region_validation      = true\n"
        "  s3_use_path_style           = true\n"
        "  max_retries                 = 4\n"
        f'  allowed_account_ids         = ["{EMULATOR_ACCOUNT}"]\n'
        "}\n"
        for alias in aliases
    )
    return 'terraform {\n  backend "local" {\n    path = "terraform.tfstate"\n  }\n}\n' + providers


def _plan_result(target: str, proc: subprocess.CompletedProcess[str]) -> ToolResult:
    # -detailed-exitcode: 0 no changes, 2 changes, 1 an error
    if proc.returncode not in {0, 2}:
        return ToolResult(
            tool=PLAN_TOOL,
            target=target,
            status="failed",
            detail="plan failed",
            findings=_tail(proc.stderr or proc.stdout, 25),
        )
    summary = _PLAN_SUMMARY.search(proc.stdout)
    detail = (
        f"{summary.group(1)} to add, {summary.group(2)} to change, {summary.group(3)} to destroy"
        if summary
        else "no changes"
    )
    return ToolResult(tool=PLAN_TOOL, target=target, status="passed", detail=detail)


def plan_root(tools: Toolchain, root: Path, target: str, env: Mapping[str, str]) -> ToolResult:
    """init and plan one root of a private copy against the emulator."""
    assert tools.terraform is not None  # noqa: S101  (the caller checked)
    (root / "infra_architect_emulator_override.tf").write_text(
        override(provider_aliases(root)), encoding="utf-8"
    )
    init = _run([tools.terraform, "init", "-input=false", "-no-color"], root, env)
    if init.returncode != 0:
        return ToolResult(
            tool=PLAN_TOOL,
            target=target,
            status="failed",
            detail="init failed",
            findings=_tail(init.stderr or init.stdout),
        )
    variables = [f"-var={name}={value}" for name, value in placeholder_variables(root).items()]
    plan = _run(
        [
            tools.terraform,
            "plan",
            "-input=false",
            "-lock=false",
            "-detailed-exitcode",
            "-no-color",
            *variables,
        ],
        root,
        env,
    )
    return _plan_result(target, plan)


def emulator_environment(
    base: Mapping[str, str], url: str, cli_config: Path | None
) -> dict[str, str]:
    env = dict(
        base,
        TF_IN_AUTOMATION="1",
        CHECKPOINT_DISABLE="1",
        AWS_ENDPOINT_URL=url,
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",  # noqa: S106  (the emulator's dummy credentials)
        AWS_EC2_METADATA_DISABLED="true",
    )
    for name in (
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
    ):
        env.pop(name, None)  # a real account's credentials must not reach the plan
    if cli_config is not None:
        env["TF_CLI_CONFIG_FILE"] = str(cli_config)
    return go_collector(env)


def run_emulator_plans(tools: Toolchain, tree: Path, work: Path) -> Iterator[ToolResult]:
    """One result per root: planned against the emulator, or skipped with the reason."""
    if tools.terraform is None or not terraform_roots(tree / "infra" / "terraform"):
        return  # run_terraform already said terraform is absent
    with emulator(os.environ) as found:
        for job in emulator_jobs(tools, tree, work, found):
            yield from job()


def emulator_jobs(tools: Toolchain, tree: Path, work: Path, found: Emulator) -> list[Job]:
    """One job per root (each plans its own directory of a private copy), run while
    ``found`` answers; or the one result saying why no root is planned."""
    source = tree / "infra" / "terraform"
    roots = terraform_roots(source)
    if tools.terraform is None or not roots:
        return []
    if found.url is None:
        skipped = ToolResult(
            tool=PLAN_TOOL, target="infra/terraform", status="skipped", detail=found.why
        )
        return [lambda: [skipped]]
    copy = private_copy(source, work / "emulator")
    config = write_cli_config(tools.plugin_dir, work) if tools.plugin_dir else None
    env = emulator_environment(os.environ, found.url, config)
    env.pop("TF_PLUGIN_CACHE_DIR", None)  # roots are initialised concurrently
    zones = {zone for root in roots for zone in hosted_zones(copy / root)}
    problems = seed_hosted_zones(found.url, zones)
    if problems:
        failed = ToolResult(
            tool=PLAN_TOOL,
            target="infra/terraform",
            status="failed",
            detail="hosted zones not seeded",
            findings=problems,
        )
        return [lambda: [failed]]

    def plan(root: Path) -> Job:
        return lambda: [plan_root(tools, copy / root, f"infra/terraform/{root.as_posix()}", env)]

    return [plan(root) for root in roots]
