"""Packages are entered through their public ``__init__`` and imports point down the layers.

The layering (../shared/DESIGN.md): the spec is read, the engine decides one frozen Design,
renderers format it; the IaC readers serve the rules, `review`, `validate` and `cost`; the CLI
sits on top. An import of another package's ``_private`` module, or an arrow from a lower layer
to a higher one, is a failure here, named by file and line.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

import infra_architect

SOURCE = Path(infra_architect.__file__).parent

LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"errors"}),
    frozenset({""}),  # the root package's shared modules: _io, _figures, _output, ...
    frozenset({"spec"}),
    frozenset({"catalog"}),
    frozenset({"iac", "simulate"}),
    frozenset({"cost"}),
    frozenset({"engine"}),
    frozenset({"render", "rules"}),
    frozenset({"review"}),
    frozenset({"importer"}),
    frozenset({"validate"}),
    frozenset({"cli"}),
)
"""Each package may import only packages in layers strictly below its own."""

LAYER = {package: rank for rank, layer in enumerate(LAYERS) for package in layer}


@dataclass(frozen=True)
class Violation:
    where: str
    target: str
    why: str

    def __str__(self) -> str:
        return f"{self.where}: {self.target} ({self.why})"


def top_package(module: str) -> str:
    """``infra_architect.engine.choose._data`` → ``engine``; a root module → ``""``."""
    parts = module.split(".")
    if len(parts) < 2 or parts[1].startswith("_"):
        return "" if parts[1:2] != ["errors"] else "errors"
    return parts[1]


def imported_modules(tree: ast.Module, module: str, is_package: bool) -> list[tuple[int, str]]:
    """Every ``infra_architect`` module a source imports (relative imports resolved)."""
    found: list[tuple[int, str]] = []
    here = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here[: len(here) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
    return [(line, name) for line, name in found if name.split(".")[0] == "infra_architect"]


def violations(source: str, module: str, path: str, is_package: bool = False) -> list[Violation]:
    """The boundary and layer violations of one module's source."""
    own = top_package(module)
    result: list[Violation] = []
    for line, target in imported_modules(ast.parse(source), module, is_package):
        other = top_package(target)
        if other == own or target == "infra_architect":
            continue
        where = f"{path}:{line}"
        if other and any(part.startswith("_") for part in target.split(".")[2:]):
            result.append(
                Violation(
                    where,
                    target,
                    f"private module of {other}: import it from infra_architect.{other}",
                )
            )
        if other not in LAYER or own not in LAYER:
            result.append(
                Violation(where, target, f"package {other or own!r} has no layer in LAYERS")
            )
        elif LAYER[other] >= LAYER[own]:
            result.append(
                Violation(
                    where,
                    target,
                    f"{own or 'root'} may not import {other or 'the root modules'}: "
                    "it is not in a lower layer",
                )
            )
    return result


def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_every_package_is_entered_through_its_init_and_imports_point_down() -> None:
    found = [
        violation
        for path in sorted(SOURCE.rglob("*.py"))
        for violation in violations(
            path.read_text(encoding="utf-8"),
            module_name(path),
            str(path.relative_to(SOURCE.parent)),
            is_package=path.name == "__init__.py",
        )
    ]
    assert not found, "\n".join(map(str, found))


def test_every_package_has_a_layer() -> None:
    packages = {path.name for path in SOURCE.iterdir() if (path / "__init__.py").is_file()}
    assert packages - {"examples", "schemas"} <= set(LAYER)


@pytest.mark.parametrize(
    ("module", "source", "why"),
    [
        (
            "infra_architect.cli.commands.x",
            "from infra_architect.cost._refresh import refresh_catalog\n",
            "private module of cost",
        ),
        (
            "infra_architect.review._x",
            "import infra_architect.rules.terraform._helpers\n",
            "private module of rules",
        ),
        (
            "infra_architect.engine._x",
            "from infra_architect.render import render_design\n",
            "engine may not import render",
        ),
        (
            "infra_architect.spec._x",
            "from infra_architect.catalog import load_catalog\n",
            "spec may not import catalog",
        ),
        (
            "infra_architect.rules._x",
            "from infra_architect.render import render_design\n",
            "rules may not import render",
        ),
        (
            "infra_architect.iac._x",
            "def f():\n    from ..engine import Design\n",
            "iac may not import engine",
        ),
    ],
)
def test_the_check_names_each_kind_of_violation(module: str, source: str, why: str) -> None:
    found = violations(source, module, "x.py")
    assert [v for v in found if why in v.why], found


def test_the_check_allows_what_the_layers_allow() -> None:
    source = (
        "from infra_architect.engine import Design\n"
        "from infra_architect._figures import Figure\n"
        "from infra_architect.render._yaml import dump\n"
        "from . import _names\n"
    )
    assert violations(source, "infra_architect.render._x", "x.py") == []
