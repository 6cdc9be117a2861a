"""The upstream schemas of the custom resources we generate, and strict validation.

``data/crds.json.gz`` holds the OpenAPI v3 schema of every served version of the
Argo CD, Argo Rollouts, prometheus-operator and external-secrets CRDs (Apache-2.0),
extracted unchanged from the upstream CRD manifests by :func:`extract_crd_schemas`
(``data/README.md`` names the sources; a test keeps the file equal to them).

A CRD schema prunes unknown fields instead of refusing them; we validate strictly, as
kubernetes-validate does for built-in kinds: an object schema that lists its
properties and does not preserve unknown fields gets ``additionalProperties: false``,
so a misspelt field is an error here rather than silently dropped by the API server.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

CRD_DATA = "crds.json.gz"

# external-secrets builds SecretStore and ClusterSecretStore from one Go type
# (SecretStoreSpec): the namespaced kind is validated against the cluster-scoped one.
ALIASES = {"external-secrets.io/v1/SecretStore": "external-secrets.io/v1/ClusterSecretStore"}


def extract_crd_schemas(paths: Iterable[Path]) -> dict[str, Any]:
    """``group/version/Kind`` → the openAPIV3Schema of every served version."""
    out: dict[str, Any] = {}
    for path in sorted(paths):
        crd = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        spec = crd["spec"]
        for version in spec["versions"]:
            if version.get("served"):
                key = f"{spec['group']}/{version['name']}/{spec['names']['kind']}"
                out[key] = version["schema"]["openAPIV3Schema"]
    return dict(sorted(out.items()))


def pack(schemas: dict[str, Any]) -> bytes:
    text = json.dumps(schemas, sort_keys=True, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


@cache
def crd_schemas() -> dict[str, Any]:
    data = resources.files("infra_architect.validate").joinpath("data", CRD_DATA).read_bytes()
    loaded: dict[str, Any] = json.loads(gzip.decompress(data))
    return loaded


def _strict(schema: object) -> object:
    if isinstance(schema, list):
        return [_strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _strict(v) for k, v in schema.items()}
    if (
        "properties" in out
        and "additionalProperties" not in out
        and not out.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    return out


@cache
def _validator(key: str) -> jsonschema.Draft7Validator | None:
    schemas = crd_schemas()
    schema = schemas.get(ALIASES.get(key, key))
    if schema is None:
        return None
    strict = _strict(schema)
    assert isinstance(strict, dict)  # noqa: S101  (a CRD schema is an object)
    return jsonschema.Draft7Validator(strict)


def custom_resource_kinds() -> set[str]:
    """``group/version/Kind`` of every custom resource we can validate."""
    return set(crd_schemas()) | set(ALIASES)


def validate_custom_resource(document: dict[str, Any]) -> list[str] | None:
    """Problems with one custom resource; None when we hold no schema for its kind."""
    key = f"{document.get('apiVersion')}/{document.get('kind')}"
    validator = _validator(key)
    if validator is None:
        return None
    return [
        f"{'.'.join(str(p) for p in error.absolute_path) or '<root>'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    ]
