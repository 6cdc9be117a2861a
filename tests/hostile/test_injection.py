"""Issue 16, injection into what the tool generates (items 2 and 10).

- Every spec value that reaches a generated script (the pipelines' run: steps, the
  Dockerfiles, kubectl/yq/aws command lines, Terraform strings and expressions, manifests)
  is held to a strict character set: a shell payload in any of them is refused with exit
  2 and one located message naming the field, the value, the allowed set and the fix, and
  nothing is written.
- Free text (the description, the owner) designs fine and comes out of every generated
  file as inert text: the Markdown parses (markdown-it-py, CommonMark + tables) to the
  same structure as with a plain description and shows the text exactly; Mermaid blocks,
  Terraform (terraform fmt, and terraform console evaluating a tag) and YAML carry it
  literally or not at all.
- The pipelines read every value from env:, and IA-CI-003 finds nothing in the
  workflows generated for any example; validate runs it on a generated tree.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from infra_architect.catalog import load_catalog
from infra_architect.engine import design_system
from infra_architect.render import render_all
from infra_architect.render._hcl import Attr, Block, Expr, blocks, render_hcl
from infra_architect.render._text import markdown_inline, mermaid_label
from infra_architect.rules import RuleContext, WorkflowGraph, load_workflow
from infra_architect.rules.workflows import ia_ci_003_template_injection
from infra_architect.spec import load_requirements
from infra_architect.validate._workflows import run_workflow_rules
from tests.conftest import EXAMPLES, ROOT, generate
from tests.hostile.conftest import Sandbox

FIXTURES = Path(__file__).parent / "fixtures" / "injection"
BASE = FIXTURES / "base.yaml"
FREE_TEXT = FIXTURES / "free-text.yaml"
BOUND = 60.0
"""Seconds any run here may take (a refused spec takes well under one)."""
PWNED = "pwned"
"""What every shell payload would create in the working directory if it ever ran."""


def _replace(document: dict[str, Any], path: tuple[str | int, ...], value: object) -> None:
    node: Any = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def _base() -> dict[str, Any]:
    loaded = yaml.safe_load(BASE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


SERVICE = ("system", "services")
# (field path, payload, words of the allowed set the message must name)
PAYLOADS = [
    pytest.param(
        (*SERVICE, 0, "health_check_path"),
        f"/healthz$(touch${{IFS}}{PWNED})",
        "letters, digits and - . _ ~ /",
        id="health_check_path-command-substitution",
    ),
    pytest.param(
        (*SERVICE, 0, "health_check_path"),
        f'/healthz";touch {PWNED};"',
        "letters, digits and - . _ ~ /",
        id="health_check_path-quote-break",
    ),
    pytest.param(
        (*SERVICE, 0, "health_check_path"),
        f"/healthz\ntouch {PWNED}",
        "letters, digits and - . _ ~ /",
        id="health_check_path-newline",
    ),
    pytest.param(
        (*SERVICE, 3, "schedule"),
        f"0 3 * * *; touch {PWNED}",
        "cron fields",
        id="schedule-semicolon",
    ),
    pytest.param(
        (*SERVICE, 3, "schedule"),
        f"0 3 * * $(touch {PWNED})",
        "cron fields",
        id="schedule-command-substitution",
    ),
    pytest.param(
        (*SERVICE, 3, "schedule"),
        "0\n3 * * *",
        "cron fields",
        id="schedule-newline",
    ),
    pytest.param(
        ("delivery", "repository"),
        f"https://github.com/acme/shop.git$(touch {PWNED})",
        "https://host/path",
        id="repository-command-substitution",
    ),
    pytest.param(
        ("delivery", "repository"),
        f"ssh://-oProxyCommand=touch {PWNED}/shop.git",
        "may not start with '-'",
        id="repository-ssh-option",
    ),
    pytest.param(
        ("cloud", "region"),
        f"eu-west-1;touch {PWNED}",
        "AWS region code",
        id="region-semicolon",
    ),
    pytest.param(
        ("cloud", "region"),
        "eu-west-\u0663",
        "AWS region code",
        id="region-unicode-digit",
    ),
    pytest.param(
        ("cloud", "accounts", "staging"),
        "\u0661" * 12,
        "12 ASCII digits",
        id="account-unicode-digits",
    ),
    pytest.param(
        ("cloud", "accounts", "prod"),
        f"444455556666`touch {PWNED}`",
        "12 ASCII digits",
        id="account-backticks",
    ),
    pytest.param(
        ("metadata", "name"),
        f"shop$(touch {PWNED})",
        "DNS label",
        id="metadata-name",
    ),
    pytest.param(
        (*SERVICE, 1, "name"),
        f"api;touch {PWNED}",
        "DNS label",
        id="service-name",
    ),
    pytest.param(
        ("system", "datastores", 0, "name"),
        f"db`touch {PWNED}`",
        "DNS label",
        id="datastore-name",
    ),
    pytest.param(
        ("system", "queues", 0, "name"),
        f"events|touch {PWNED}",
        "DNS label",
        id="queue-name",
    ),
    pytest.param(
        (*SERVICE, 1, "uses", 0),
        f"db&&touch {PWNED}",
        "DNS label",
        id="uses-entry",
    ),
    pytest.param(
        (*SERVICE, 0, "calls", 0),
        f"api\ntouch {PWNED}",
        "DNS label",
        id="calls-entry",
    ),
    pytest.param(
        ("metadata", "owner"),
        "shop-team\n- injected: true",
        "one line",
        id="owner-newline",
    ),
    pytest.param(
        ("metadata", "description"),
        "A shop\x1b]8;;http://127.0.0.1:9/\x07click\x1b]8;;\x07",
        "no control characters",
        id="description-terminal-escape",
    ),
    pytest.param(
        ("metadata", "description"),
        "A shop \u202egnp.exe",
        "bidirectional",
        id="description-bidi-override",
    ),
]


def _line_of(text: str, path: tuple[str | int, ...]) -> int:
    """The line the loader should point at: where the value at ``path`` is written."""
    node: yaml.Node = yaml.compose(text, Loader=yaml.SafeLoader)
    for key in path:
        if isinstance(key, int):
            assert isinstance(node, yaml.SequenceNode)
            node = node.value[key]
        else:
            assert isinstance(node, yaml.MappingNode)
            node = next(v for k, v in node.value if k.value == key)
    return node.start_mark.line + 1


@pytest.mark.parametrize(("path", "payload", "allowed"), PAYLOADS)
def test_a_payload_in_a_value_that_reaches_a_script_is_refused_and_located(
    sandbox: Sandbox, path: tuple[str | int, ...], payload: str, allowed: str
) -> None:
    document = _base()
    _replace(document, path, payload)
    text = yaml.safe_dump(document, sort_keys=False, width=1000, allow_unicode=False)
    spec = sandbox.tree / "spec.yaml"
    spec.write_text(text, encoding="utf-8")

    result = sandbox.run(
        "design", str(spec), "-o", str(sandbox.out), cwd=sandbox.tree, timeout=BOUND
    )

    assert result.returncode == 2, result.stdout + result.stderr
    output = result.stdout + result.stderr
    field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    if "calls" in path:
        field += ".service"  # a call entry is read as {service: <name>}
    located = re.search(rf"spec\.yaml:(\d+):\d+: {re.escape(field)}: ", output)
    assert located, output
    assert int(located.group(1)) == _line_of(text, path), output
    assert repr(payload)[:20] in output  # the value, shown escaped
    assert "fix: use " in output, output
    assert allowed in output, output
    assert "1 problem" in output  # one message, not a cascade
    assert not sandbox.out.exists(), "a refused spec wrote output"
    assert not list(sandbox.root.rglob(PWNED))


def test_the_base_spec_itself_designs(sandbox: Sandbox) -> None:
    """The payload tests fail for the payload, not for the spec around it."""
    result = sandbox.run("design", str(BASE), "-o", str(sandbox.out), timeout=BOUND)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert (sandbox.out / ".github" / "workflows" / "web.yml").is_file()


# --- free text: inert in every generated document -------------------------------------


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _shape(tokens: list[Token]) -> list[tuple[str, ...]]:
    """The structure of a parsed document: every block token with its tag and info, and
    the kinds of the inline tokens inside it; text content left out."""
    shape: list[tuple[str, ...]] = []
    for token in tokens:
        shape.append((token.type, token.tag, token.info))
        if token.children:
            shape.append(tuple(child.type for child in token.children))
    return shape


def _benign(directory: Path) -> dict[str, str]:
    """The same design with a plain description, rendered in-process: the baseline."""
    document = yaml.safe_load(FREE_TEXT.read_text(encoding="utf-8"))
    document["metadata"]["description"] = "A plain description."
    spec = directory / "benign.yaml"
    spec.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    catalog = load_catalog()
    return render_all(design_system(load_requirements(spec, catalog.regions), catalog))


@pytest.fixture(scope="module")
def hostile_description() -> str:
    document = yaml.safe_load(FREE_TEXT.read_text(encoding="utf-8"))
    description = document["metadata"]["description"]
    assert isinstance(description, str)
    return description


def test_free_text_designs_and_stays_inert_text_everywhere(
    sandbox: Sandbox, tmp_path: Path, hostile_description: str
) -> None:
    spec = sandbox.tree / "spec.yaml"
    shutil.copyfile(FREE_TEXT, spec)

    result = sandbox.run("design", str(spec), "-o", str(sandbox.out), timeout=BOUND)
    assert result.returncode == 0, result.stdout + result.stderr

    out = sandbox.out
    written = {
        str(p.relative_to(out)): p.read_text(encoding="utf-8")
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".infra-architect" not in p.parts
    }
    baseline = _benign(tmp_path)
    markdown = _markdown()

    # Markdown: every document parses to the structure it has with a plain description
    # (no fence, code block, HTML, heading, list, quote, table or link added) ...
    for path in sorted(p for p in written if p.endswith(".md")):
        assert _shape(markdown.parse(written[path])) == _shape(markdown.parse(baseline[path])), path
    # ... and shows the description's text exactly (whitespace runs as one space).
    tokens = markdown.parse(written["docs/architecture.md"])
    paragraph = next(t for t in tokens if t.type == "inline" and "mermaid" in t.content)
    shown = "".join(child.content for child in paragraph.children or [])
    assert shown == " ".join(hostile_description.split())
    html = markdown.renderer.render([paragraph], markdown.options, {})
    assert not re.search(r"<(?!/?p>)", html), html  # no tag at all: no script, img or a

    # Mermaid: the diagrams are the ones a plain description gives (nothing reaches them).
    fences = re.compile(r"```mermaid\n(.*?)```", re.S)
    for path in sorted(p for p in written if p.endswith(".md")):
        assert fences.findall(written[path]) == fences.findall(baseline[path]), path

    # Terraform, YAML, Dockerfiles: no template marker of the text is live, every YAML
    # file still parses.
    live = re.compile(r"(?<!\$)\$\{file\(|(?<!%)%\{ for ")
    for path, text in written.items():
        if path.endswith((".tf", "Dockerfile")):
            assert not live.search(text), path
        if path.endswith((".yml", ".yaml")):
            list(yaml.safe_load_all(text))

    # design.json keeps the text exactly as written.
    design = json.loads(written["design.json"])["design"]
    assert design["description"] == hostile_description

    # The workflows still read every value from env: (nothing for IA-CI-003 to find).
    assert _injections(sandbox.out) == []


def _terraform() -> str | None:
    found = shutil.which("terraform")
    if found is None and os.environ.get("CI"):
        pytest.fail("terraform is required in CI")
    return found


def _tf_env(tmp: Path) -> dict[str, str]:
    config = tmp / "terraformrc"
    config.write_text("")
    return {**os.environ, "TF_CLI_CONFIG_FILE": str(config), "TF_IN_AUTOMATION": "1"}


def test_free_text_in_a_terraform_tag_comes_out_literal(
    tmp_path: Path, hostile_description: str
) -> None:
    """A description that became a tag: the HCL writer's string literal, read back by
    terraform itself, is the text exactly (no interpolation, no directive, no file read)."""
    terraform = _terraform()
    if terraform is None:
        pytest.skip("terraform is not installed")
    owner = yaml.safe_load(FREE_TEXT.read_text(encoding="utf-8"))["metadata"]["owner"]
    tags = {"Description": hostile_description, "Owner": owner, "Controls": "\x01\x1b[31m\r\t"}
    root = tmp_path / "root"
    root.mkdir()
    (root / "main.tf").write_text(
        render_hcl(
            blocks(
                Block("locals", body=(Attr("tags", tags),)),
                Block("output", ("tags",), (Attr("value", Expr("local.tags")),)),
            )
        )
    )
    env = _tf_env(tmp_path)

    def run(*args: str, stdin: str = "") -> str:
        done = subprocess.run(
            [terraform, f"-chdir={root}", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    run("fmt", "-check", "-diff")
    run("init", "-input=false", "-backend=false")
    value = json.loads(json.loads(run("console", stdin="jsonencode(local.tags)\n")))
    assert value == tags
    assert "root:" not in value["Description"]  # /etc/passwd was not read into it


def test_the_generated_terraform_of_free_text_is_fmt_clean(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    terraform = _terraform()
    if terraform is None:
        pytest.skip("terraform is not installed")
    spec = sandbox.tree / "spec.yaml"
    shutil.copyfile(FREE_TEXT, spec)
    assert sandbox.run("design", str(spec), "-o", str(sandbox.out)).returncode == 0
    done = subprocess.run(
        [terraform, "fmt", "-check", "-recursive", str(sandbox.out / "infra" / "terraform")],
        capture_output=True,
        text=True,
        env=_tf_env(tmp_path),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_free_text_keeps_what_scripts_and_emoji_need() -> None:
    """Joiners and direction marks are text (Persian, emoji); overrides are not."""
    from infra_architect.spec import Metadata  # noqa: PLC0415

    kept = "nim\u200cfasele, \U0001f469\u200d\U0001f4bb, \u200fmark"
    assert Metadata(name="shop", description=kept, owner=kept).description == kept
    with pytest.raises(ValueError, match="pattern"):
        Metadata(name="shop", description="a\u2066b")


# --- the escaping helpers, on their own ------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "```mermaid\nflowchart LR\n  a --> b\n```",
        "~~~\ncode\n~~~",
        "<script>alert(1)</script>",
        "<!-- comment -->",
        "# heading",
        "> quote",
        "- item",
        "+ item",
        "1. item",
        "2) item",
        "    indented code",
        "---",
        "===",
        "| a | b |",
        "[x](javascript:alert(1))",
        "[x]: http://127.0.0.1:9/",
        "<http://127.0.0.1:9/>",
        "*a* _b_ **c** ~~d~~ `e` $f$",
        "&lt;kept&gt; &#96; \\*",
        "a\u2028# b\u0085- c",
        "trailing backslash \\",
        "nim\u200cfasele \U0001f469\u200d\U0001f4bb \u200fRTL mark",
    ],
)
def test_markdown_inline_text_renders_as_itself(text: str) -> None:
    markdown = _markdown()
    for context in ("{}", "Text before {} and after.", "| h | h |\n|---|---|\n| cell | {} |"):
        tokens = markdown.parse(context.format(markdown_inline(text)))
        kinds = {t.type for t in tokens} | {c.type for t in tokens for c in (t.children or [])}
        assert kinds <= {
            "paragraph_open", "paragraph_close", "inline", "text",
            "table_open", "thead_open", "tr_open", "th_open", "th_close", "tr_close",
            "thead_close", "tbody_open", "td_open", "td_close", "tbody_close", "table_close",
        }, (text, context, kinds)  # fmt: skip
        shown = "".join(c.content for t in tokens if t.type == "inline" for c in (t.children or []))
        assert " ".join(text.split()) in shown, (text, context)


@pytest.mark.parametrize(
    "text",
    [
        'a"] --> b\nclick a call alert(1)',
        "%%{init: {'theme':'dark'}}%%",
        "<img src=x onerror=alert(1)>",
        "`**markdown string**`",
        "#quot; stays literal",
        "x;\nclassDef evil fill:#f00",
    ],
)
def test_mermaid_labels_cannot_close_the_label_or_start_a_line(text: str) -> None:
    label = mermaid_label(text)
    assert not set(label) & set('"<>`%\n\r')
    if text.startswith("#quot;"):
        assert label.startswith("#35;quot;")  # the spec's own entity stays literal
    # every '#' that remains starts one of our entities
    assert re.fullmatch(r"(?:[^#]|#(?:35|quot|amp|lt|gt|96|37);)*", label), label


# --- the pipelines: every value through env:, nothing for IA-CI-003 ---------------------


def _injections(tree: Path) -> list[str]:
    graph = WorkflowGraph(
        [
            load_workflow(p.read_text(encoding="utf-8"), str(p.relative_to(tree)))
            for p in sorted((tree / ".github" / "workflows").glob("*.yml"))
        ]
    )
    assert graph.workflows, "no workflows generated"
    found = ia_ci_003_template_injection.check(graph, RuleContext())
    return [f"{f.file}:{f.line} {f.message}" for f in found]


def _spec_values(spec: Path) -> set[str]:
    """Values of the spec that name things in the pipelines."""
    requirements = load_requirements(spec, load_catalog().regions)
    values = {requirements.metadata.name, requirements.cloud.region}
    values |= {requirements.cloud.accounts.staging, requirements.cloud.accounts.prod}
    values |= {s.name for s in requirements.system.services}
    values |= {s.health_check_path for s in requirements.system.services}
    return values


SPECS = [*EXAMPLES, BASE]


@pytest.mark.parametrize("spec", SPECS, ids=[p.stem for p in SPECS])
def test_generated_workflows_read_every_value_from_env(spec: Path, tmp_path: Path) -> None:
    files = generate(spec)
    for path, text in files.items():
        if path.startswith(".github/workflows/"):
            (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / path).write_text(text)
    assert _injections(tmp_path) == []
    values = _spec_values(spec)
    for path in sorted((tmp_path / ".github" / "workflows").glob("*.yml")):
        workflow = load_workflow(path.read_text(), path.name)
        for step in workflow.steps():
            for value in values:
                pattern = rf"(?<![\w/.-]){re.escape(value)}(?![\w/.-])"
                assert not re.search(pattern, step.run), (path.name, step.label, value)


def test_review_reports_an_injected_workflow(sandbox: Sandbox) -> None:
    """The rule runs on reviewed repositories: review of a tree holding the fail fixture
    reports its findings, critical first, and fails the gate."""
    fixture = ROOT / "tests" / "rules" / "IA-CI-003" / "fail"
    workflows = sandbox.tree / ".github" / "workflows"
    workflows.mkdir(parents=True)
    shutil.copyfile(fixture / "workflow.yml", workflows / "triage.yml")

    result = sandbox.run("review", str(sandbox.tree), "-f", "json", timeout=BOUND)

    assert result.returncode == 1, result.stdout + result.stderr
    found = [f for f in json.loads(result.stdout)["findings"] if f["rule_id"] == "IA-CI-003"]
    expected = json.loads((fixture / "expected.json").read_text())
    assert [f["line"] for f in found] == [line for _, line, _ in expected]
    assert found[0]["severity"] == "critical"
    assert found[0]["file"] == ".github/workflows/triage.yml"


def test_validate_runs_the_workflow_rules_on_a_generated_tree(tmp_path: Path) -> None:
    files = generate(ROOT / "examples" / "internal-tool.yaml")
    for path, text in files.items():
        if path.startswith(".github/workflows/"):
            (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / path).write_text(text)
    (result,) = run_workflow_rules(tmp_path)
    assert result.status == "passed", result.findings

    workflow = next((tmp_path / ".github" / "workflows").glob("*.yml"))
    edited = yaml.safe_load(workflow.read_text())
    planted = copy.deepcopy(edited)
    planted["on"] = {"pull_request_target": {}}
    planted["jobs"]["test"]["steps"].append(
        {"run": 'echo "${{ github.event.pull_request.title }}"'}
    )
    workflow.write_text(yaml.safe_dump(planted, sort_keys=False))
    (result,) = run_workflow_rules(tmp_path)
    assert result.status == "failed"
    assert any("IA-CI-003 [critical]" in f for f in result.findings), result.findings

    (tmp_path / ".github" / "workflows" / "fifo.yml").unlink(missing_ok=True)
    os.mkfifo(tmp_path / ".github" / "workflows" / "fifo.yml")
    workflow.write_text(yaml.safe_dump(edited, sort_keys=False))
    (result,) = run_workflow_rules(tmp_path)
    assert result.status == "failed"  # could not read is never "no findings"
    assert any("fifo.yml: not a regular file" in f for f in result.findings), result.findings
