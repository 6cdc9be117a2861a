"""YAML built as data and dumped deterministically (never templated text).

PyYAML resolves scalars by YAML 1.1, as Kubernetes (sigs.k8s.io/yaml) and GitHub
Actions read them: strings such as ``on``, ``yes`` or ``0755`` come out quoted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml

Doc = dict[str, Any]
"""One YAML document as plain data; key order is the order it was built in."""


class _Dumper(yaml.SafeDumper):
    """Block style; multi-line strings (scripts) as literal blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, indentless=False)  # lists indented under their key

    def ignore_aliases(self, data: object) -> bool:
        return True  # every value written out in full: no &anchors / *aliases


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(document: Mapping[str, Any]) -> str:
    return yaml.dump(
        dict(document),
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        width=4096,
        allow_unicode=True,
    )


def dump_all(documents: Sequence[Mapping[str, Any]]) -> str:
    """Documents separated by ``---``, each in the key order it was built in."""
    return "---\n".join(dump(d) for d in documents)
