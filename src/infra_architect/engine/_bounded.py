"""A name within an AWS length limit: kept as it reads when it fits, else cut and given a
short hash of the whole name so distinct names never meet at the cut (issue 20 item 11).
Pure and free of the Design, so the account bootstrap and the per-environment names
share it."""

from __future__ import annotations

import hashlib

from infra_architect.catalog import NameLimit

HASH_CHARACTERS = 6
"""Hex characters of SHA-256 kept: 16.7 million values, against a few dozen names an
environment builds per kind."""


def bounded_name(limit: NameLimit, head: str, suffix: str = "") -> str:
    """``head-suffix`` when it fits ``limit``; else ``head`` cut, a hash of the whole
    name, then ``suffix``. Never starts or ends with a hyphen, nor with the limit's
    forbidden prefix."""
    full = f"{head}-{suffix}" if suffix else head
    prefix = limit.forbidden_prefix
    if len(full) <= limit.max_length and not (prefix and full.startswith(prefix)):
        return full
    digest = hashlib.sha256(full.encode("utf-8")).hexdigest()[:HASH_CHARACTERS]
    tail = f"{digest}-{suffix}" if suffix else digest
    if prefix and head.startswith(prefix):
        head = head.removeprefix(prefix)
    cut = head[: max(0, limit.max_length - len(tail) - 1)].strip("-")
    return f"{cut}-{tail}" if cut else tail
