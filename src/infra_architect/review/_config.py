"""Review defaults a repository keeps beside its code, ``.infra-architect.yaml`` at the
reviewed root, so a team's hook, CI job and laptop run the same review::

    review:
      fail_on: medium            # critical, high, medium, low or none
      format: table              # table, json, sarif or markdown
      slo: {prod: 99.9, staging: 99}   # or one number for every environment
      baseline: .infra-architect-baseline.json   # relative to the repository root
      skip_rules: [IA-TF-006]
      rules: []                  # only these (empty: every rule)
      var_files: [envs/prod.tfvars]
      allow_incomplete: false

A flag given on the command line wins over the file; the file wins over the built-in
default. Bad values are one located error (file:line, the field, the fix; exit 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from infra_architect._display import printable
from infra_architect.errors import Problem, ReviewInputError
from infra_architect.review._suppress import _line_of, read_input_text

CONFIG_FILE = ".infra-architect.yaml"
CONFIG_FILE_BYTES = 256 * 1024

_FIX = {
    "fail_on": "use one of critical, high, medium, low, none",
    "format": "use one of table, json, sarif, markdown",
    "slo": "use a percentage (99.9) or a mapping of environment to percentage ({prod: 99.9})",
    "baseline": "name the baseline file, relative to the repository root",
    "rules": "list rule ids: [IA-TF-006]",
    "skip_rules": "list rule ids: [IA-TF-006]",
    "var_files": "list .tfvars files relative to the repository root",
    "allow_incomplete": "use true or false",
}


class ReviewDefaults(BaseModel):
    """The ``review:`` section; every field optional (absent: the flag's default)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    fail_on: Literal["critical", "high", "medium", "low", "none"] | None = None
    format: Literal["table", "json", "sarif", "markdown"] | None = None
    slo: float | dict[str, float] | None = None
    baseline: str | None = None
    rules: list[str] = Field(default_factory=list)
    skip_rules: list[str] = Field(default_factory=list)
    var_files: list[str] = Field(default_factory=list)
    allow_incomplete: bool | None = None

    def slo_flags(self) -> list[str]:
        """The ``slo`` as the --slo values it stands for."""
        if self.slo is None:
            return []
        if isinstance(self.slo, dict):
            return [f"{env}={target:g}" for env, target in sorted(self.slo.items())]
        return [f"{self.slo:g}"]


class _ConfigFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    review: ReviewDefaults = Field(default_factory=ReviewDefaults)


def read_review_config(path: Path) -> ReviewDefaults:
    """The review defaults in ``path``; bad input is one located error (exit 2)."""
    fix = f"write {CONFIG_FILE} as UTF-8 YAML with a `review:` mapping"
    text = read_input_text(path, "review", CONFIG_FILE_BYTES, fix)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ReviewInputError(
            str(path),
            [
                Problem(
                    field="review",
                    message=printable(str(exc), newlines=True),
                    fix="write valid YAML",
                )
            ],
        ) from None
    except RecursionError:
        raise ReviewInputError(
            str(path), [Problem(field="review", message="nested too deeply", fix=fix)]
        ) from None
    try:
        return _ConfigFile.model_validate(data).review
    except ValidationError as exc:
        error = exc.errors()[0]
        location = [p for p in error["loc"] if isinstance(p, (str, int))]
        keys = _keys_in(data, location)
        field = next((str(p) for p in keys[1:2]), "review")
        raise ReviewInputError(
            str(path),
            [
                Problem(
                    line=_line_of(node, keys),
                    field=printable(".".join(str(p) for p in keys)),
                    message=printable(error["msg"]),
                    fix=_FIX.get(
                        field,
                        "known keys under review: " + ", ".join(ReviewDefaults.model_fields),
                    ),
                )
            ],
        ) from None


def _keys_in(data: object, location: list[str | int]) -> list[str | int]:
    """The parts of pydantic's error location that are keys of the file: it also names
    the union member it tried (``float``, ``dict[str,float]``), which the file has not."""
    keys: list[str | int] = []
    current = data
    for part in location:
        in_mapping = isinstance(current, dict) and part in current
        in_list = isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        if in_mapping or in_list:
            current = current[part]  # type: ignore[index]  # checked just above
            keys.append(part)
    return keys
