"""Each bundled example → the whole generated tree, compared with the committed copy.

Regenerate with ``pytest tests/golden --update-golden`` and review the diff like code.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from infra_architect._output import write_tree
from infra_architect.render import mermaid_script
from tests.conftest import EXAMPLES, ROOT, generate

GOLDEN = ROOT / "tests" / "golden"
MERMAID = (
    "/* mermaid.min.js: render/assets, its sha256 checked by tests/unit/render/test_report.py */"
)


def _golden_view(files: dict[str, str]) -> dict[str, str]:
    """The tree as the golden copy holds it: report.html's inlined Mermaid (3.5 MB, the
    same in every example) as a marker. What it replaces is the vendored script exactly,
    once; the unit test checks those bytes against the recorded sha256."""
    report, script = files["report.html"], mermaid_script()
    assert report.count(script) == 1
    return {**files, "report.html": report.replace(script, MERMAID)}


def _tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize("spec", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_matches_golden_tree(
    spec: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    write_tree(tmp_path, _golden_view(generate(spec)), force=False)
    expected_root = GOLDEN / spec.stem / "expected"
    if request.config.getoption("--update-golden"):
        shutil.rmtree(expected_root, ignore_errors=True)
        shutil.copytree(tmp_path, expected_root)
    actual, expected = _tree(tmp_path), _tree(expected_root)
    assert sorted(actual) == sorted(expected), "files added or missing"
    for name, content in actual.items():
        assert content == expected[name], f"{name} differs from the golden copy"


@pytest.mark.parametrize("spec", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_same_input_twice_is_byte_identical(spec: Path, tmp_path: Path) -> None:
    write_tree(tmp_path / "a", generate(spec), force=False)
    write_tree(tmp_path / "b", generate(spec), force=False)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
