"""Numbers in the documents read like a person wrote them: no binary or rounding noise
("3.90001 min/month" was 18 × a duration rounded to 0.216667), no more digits than
the figure carries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from infra_architect._figures import SHOWN, figure, number, product
from tests.conftest import EXAMPLES, generate

# A decimal number standing alone: not part of a version (1.29.0), an address
# (10.0.0.0/16) or a word.
_DECIMAL = re.compile(r"(?<![\w.])-?\d[\d,]*\.(?P<fraction>\d+)(?:e[-+]?\d+)?(?![\w.])")
# What rounding noise leaves: a run of zeros or nines and one stray digit at the end
# (3.90001, 7.31248 → 7.3125 is fine, 2.79999).
_NOISE = re.compile(r"[1-9]0{3,}[1-9]$|[0-8]9{3,}\d?$")


def problems(text: str) -> list[str]:
    out = []
    for match in _DECIMAL.finditer(text):
        shown = match.group(0)
        mantissa = re.split(r"e", shown)[0]
        digits = re.sub(r"\D", "", mantissa).lstrip("0")
        if len(digits) > SHOWN:
            out.append(f"{shown}: more than {SHOWN} significant digits")
        if _NOISE.search(match["fraction"]):
            out.append(f"{shown}: a rounding-noise tail")
    return out


@pytest.mark.parametrize("spec", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_documents_show_no_float_noise(spec: Path) -> None:
    files = generate(spec)
    docs = {name: text for name, text in files.items() if name.endswith(".md")}
    assert docs
    found = {name: problems(text) for name, text in docs.items()}
    assert {name: p for name, p in found.items() if p} == {}


@pytest.mark.parametrize(
    "text",
    ["canary burns 3.90001 min/month", "0.2166666667 min", "2.79999 h", "1,234.5678901 GB"],
)
def test_the_check_finds_noise(text: str) -> None:
    assert problems(text)


@pytest.mark.parametrize(
    "text",
    ["99.995%", "0.99995 × 0.9999", "Kubernetes 1.31", "10.0.0.0/16", "1.66667e-05 per GB-s"],
)
def test_the_check_leaves_real_figures(text: str) -> None:
    assert problems(text) == []


def test_a_product_of_rounded_figures_shows_no_noise() -> None:
    """130 s over 60 at a 10 % canary is 0.216666…; 18 bad deploys burn 3.9 minutes."""
    per_deploy = figure(130 / 60 * 0.1, "min", "{seconds} / 60 × {weight}", seconds=130, weight=0.1)
    burn = product(18, "bad_deploys", per_deploy.value, "burn_min", "min/month")
    assert number(burn.value) == "3.9"
    assert f"{burn.value:g}" == "3.9"
    assert burn.worked == "18 × 0.216667 = 3.9"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (43.20000000000004, "43.2"),
        (1_192_875, "1,192,875"),  # a whole number keeps every digit
        (26_869.76, "26,869.8"),
        (2_628_000.4, "2,628,000"),
        (0.04048, "0.04048"),
        (2 / 3, "0.666667"),
        (1.66667e-05, "1.66667e-05"),
        (99.9995, "99.9995"),
        (-5.5, "-5.5"),
    ],
)
def test_number(value: float, shown: str) -> None:
    assert number(value) == shown
