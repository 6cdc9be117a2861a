"""The public surface is explicit: each package re-exports exactly its ``__all__``."""

from __future__ import annotations

import importlib

import pytest

PACKAGES = [
    "infra_architect",
    "infra_architect.spec",
    "infra_architect.engine",
    "infra_architect.catalog",
    "infra_architect.cli",
    "infra_architect.cost",
    "infra_architect.iac",
    "infra_architect.render",
    "infra_architect.review",
    "infra_architect.rules",
    "infra_architect.simulate",
    "infra_architect.validate",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_unique_and_resolves(name: str) -> None:
    # ordering is ruff's job (RUF022); this checks what the linter cannot
    module = importlib.import_module(name)
    exported = module.__all__
    assert len(set(exported)) == len(exported)
    for symbol in exported:
        assert hasattr(module, symbol), f"{name}.{symbol}"


@pytest.mark.parametrize("name", PACKAGES)
def test_nothing_public_is_left_out(name: str) -> None:
    module = importlib.import_module(name)
    public = {
        attr
        for attr, value in vars(module).items()
        if not attr.startswith("_") and getattr(value, "__module__", "").startswith(name + ".")
    }
    assert public <= set(module.__all__)
