"""report.html: the inlined Mermaid is the pinned one, and the spec's text stays text."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from infra_architect.catalog import load_catalog
from infra_architect.engine import design_system
from infra_architect.render import mermaid_script, render_all
from infra_architect.spec import load_requirements
from tests.conftest import EXAMPLES, ROOT, VALID

ASSETS = ROOT / "src" / "infra_architect" / "render" / "assets"
SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


@pytest.fixture(scope="module")
def report() -> str:
    spec = next(p for p in EXAMPLES if p.stem == "ecommerce")
    from tests.conftest import generate  # noqa: PLC0415

    return generate(spec)["report.html"]


def test_the_inlined_mermaid_is_the_recorded_one(report: str) -> None:
    """The golden trees hold a marker in its place: this is what checks those bytes."""
    record = json.loads((ASSETS / "mermaid.json").read_text(encoding="utf-8"))
    scripts = SCRIPT.findall(report)
    assert len(scripts) == 2  # Mermaid, then the few lines that start it
    embedded = scripts[0].encode("utf-8")
    assert hashlib.sha256(embedded).hexdigest() == record["sha256"]
    assert scripts[0] == mermaid_script()
    # the version tests/mermaid (mermaid-cli, the diagram check) resolves, so both agree
    lock = json.loads((ROOT / "tests" / "mermaid" / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/mermaid"]["version"] == record["version"]
    assert (ASSETS / "mermaid.LICENSE").read_text().startswith("The MIT License")


def test_the_page_fetches_nothing(report: str) -> None:
    assert "default-src 'none'" in report
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", report)


def test_spec_text_stays_text_in_the_page(tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script> <img src=x onerror=alert(2)> ```mermaid"
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        VALID.replace(
            "metadata: {name: demo}",
            f"metadata: {{name: demo, description: {json.dumps(hostile)}}}",
        ),
        encoding="utf-8",
    )
    catalog = load_catalog()
    report = render_all(design_system(load_requirements(spec, catalog.regions), catalog))[
        "report.html"
    ]
    spec.write_text(VALID, encoding="utf-8")
    plain = render_all(design_system(load_requirements(spec, catalog.regions), catalog))[
        "report.html"
    ]
    assert len(SCRIPT.findall(report)) == 2
    page = SCRIPT.sub("", report)  # the page without Mermaid's own code
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown, as text
    assert "<img" not in page
    assert report.count("<script") == 2
    # no diagram, fence or element added by the text
    assert page.count('class="mermaid"') == SCRIPT.sub("", plain).count('class="mermaid"')
    assert page.count("<pre") == SCRIPT.sub("", plain).count("<pre")
