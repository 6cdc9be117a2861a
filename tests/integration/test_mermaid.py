"""Every Mermaid block the documents contain renders with the real Mermaid.

mermaid-cli (npm, pinned in tests/mermaid/package-lock.json) drives Debian's Chromium;
one browser renders every diagram. `.ci/run` installs both. Outside CI the test skips,
saying why, only when node, Chromium or the npm packages are truly absent.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from infra_architect.review import review
from infra_architect.review._report import report_markdown
from tests.conftest import EXAMPLES, ROOT, generate

pytestmark = pytest.mark.integration

CHECKER = ROOT / "tests" / "mermaid"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
BLOCK = re.compile(r"```mermaid\n(.*?)```", re.S)
SPECS = [*EXAMPLES, *sorted((ROOT / "tests" / "specs").glob("*.yaml"))]


def _missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if not (CHECKER / "node_modules" / "@mermaid-js" / "mermaid-cli").is_dir():
        return "mermaid-cli not installed (npm ci --prefix tests/mermaid)"
    return None


def _render(diagrams: list[dict[str, str]]) -> list[dict[str, object]]:
    reason = _missing()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must have the Mermaid renderer: {reason}")
        pytest.skip(reason)
    result = subprocess.run(
        ["node", str(CHECKER / "render.mjs")],
        input=json.dumps(diagrams),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "CHROMIUM_PATH": CHROMIUM},
    )
    assert result.returncode == 0, result.stderr
    rendered: list[dict[str, object]] = json.loads(result.stdout)
    return rendered


@pytest.mark.slow
def test_every_generated_mermaid_block_renders() -> None:
    diagrams = []
    for spec in SPECS:
        for name, text in generate(spec).items():
            for index, block in enumerate(BLOCK.findall(text)):
                diagrams.append({"id": f"{spec.stem}:{name}#{index}", "definition": block})
    # architecture.md's five diagrams for each spec, at least
    assert len(diagrams) >= 5 * len(SPECS)
    # and what `review` draws of a repository it reads (the fixture repo, our own output)
    for tree in (ROOT / "tests" / "review" / "vulnerable", ROOT / "tests" / "golden" / "ecommerce"):
        markdown = report_markdown(review(tree, slo=99.9))
        diagrams += [
            {"id": f"review:{tree.name}#{i}", "definition": block}
            for i, block in enumerate(BLOCK.findall(markdown))
        ]
    results = _render(diagrams)
    failures = [f"{r['id']}: {r['error']}" for r in results if not r["ok"]]
    assert not failures, "\n".join(failures)
    assert len(results) == len(diagrams)


def test_the_renderer_rejects_a_broken_diagram() -> None:
    """The check can fail: a diagram with a syntax error is reported, not rendered."""
    results = _render(
        [
            {"id": "good", "definition": "flowchart LR\n  a --> b"},
            {"id": "broken", "definition": "flowchart LR\n  a[unclosed --> b"},
        ]
    )
    assert [r["ok"] for r in results] == [True, False]
    assert "Parse error" in str(results[1]["error"])
