"""The kustomize allow-list: every field kustomize reads a path or URL from holds a local
path inside the reviewed tree, or the overlay is not built, recursively (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from infra_architect._kubectl import child_environment
from infra_architect.review import Found, Kind, Walk, classify
from infra_architect.review._kustomize import (
    KNOWN_FIELDS,
    Tree,
    check_kustomization,
    kustomization_loads,
    overlays,
    plan_overlays,
    remote_reason,
    resolve,
)
from infra_architect.review._walk import join, parent

URL = "http://127.0.0.1:9/x.yaml"


@pytest.mark.parametrize(
    "value",
    [
        "http://127.0.0.1:9/x.yaml",
        "https://example.com/base",
        "HTTPS://EXAMPLE.COM/base",
        "file:///etc/passwd",
        "file:/etc/passwd",
        "ssh://git@example.com/org/repo",
        "git::https://example.com/org/repo",
        "s3::https://bucket/key",
        "github.com/org/repo//deploy?ref=v1",
        "github.com/org/repo",
        "gitlab.com/org/repo",
        "bitbucket.org/org/repo",
        "dev.azure.com/org/project/_git/repo",
        "git@github.com:org/repo.git",
        "example.com:org/repo",
        "base?ref=main",
        "example.com/org/repo//sub",
        "/etc/passwd",
        "~/secrets.env",
        "",
        "   ",
        "a\nb",
        "nul\x00byte",
    ],
)
def test_remote_and_absolute_forms_are_refused(value: str) -> None:
    assert remote_reason(value) is not None


@pytest.mark.parametrize(
    "value",
    [
        "deployment.yaml",
        "../../base",
        "./patches/replicas.yaml",
        "config/app.properties",
        "a-b_c.d",
    ],
)
def test_local_relative_paths_pass(value: str) -> None:
    assert remote_reason(value) is None


# one kustomization per field kustomize loads something from, each naming a URL
PER_FIELD = {
    "resources": {"resources": [URL]},
    "bases": {"bases": [URL]},
    "components": {"components": [URL]},
    "crds": {"crds": [URL]},
    "configurations": {"configurations": [URL]},
    "generators": {"generators": [URL]},
    "transformers": {"transformers": [URL]},
    "validators": {"validators": [URL]},
    "patches[].path": {"patches": [{"path": URL}]},
    "patchesJson6902[].path": {"patchesJson6902": [{"path": URL, "target": {"kind": "X"}}]},
    "patchesStrategicMerge": {"patchesStrategicMerge": [URL]},
    "replacements[].path": {"replacements": [{"path": URL}]},
    "configMapGenerator files": {"configMapGenerator": [{"name": "c", "files": [URL]}]},
    "configMapGenerator key=files": {"configMapGenerator": [{"name": "c", "files": [f"k={URL}"]}]},
    "configMapGenerator envs": {"configMapGenerator": [{"name": "c", "envs": [URL]}]},
    "configMapGenerator env": {"configMapGenerator": [{"name": "c", "env": URL}]},
    "secretGenerator files": {"secretGenerator": [{"name": "s", "files": [URL]}]},
    "secretGenerator envs": {"secretGenerator": [{"name": "s", "envs": [URL]}]},
    "openapi.path": {"openapi": {"path": URL}},
    "helmCharts": {"helmCharts": [{"name": "x", "repo": URL}]},
    "helmGlobals": {"helmGlobals": {"chartHome": "charts"}},
    "helmChartInflationGenerator": {"helmChartInflationGenerator": [{"chartRepoUrl": URL}]},
    "inline transformer": {
        "transformers": [
            f"apiVersion: builtin\nkind: PatchTransformer\nmetadata:\n  name: p\npath: {URL}\n"
        ]
    },
    "unknown field": {"fetchFrom": URL},
    "unknown patch field": {"patches": [{"path": "p.yaml", "url": URL}]},
    "unknown generator field": {"configMapGenerator": [{"name": "c", "kvSources": [URL]}]},
}


def _tree(files: dict[str, str], outside: frozenset[str] = frozenset()) -> Tree:
    found = {
        path: Found(
            path=path,
            kind=classify(path) or Kind.KUBERNETES,
            text=text,
        )
        for path, text in files.items()
    }
    return Tree(
        files=found,
        kustomizations={parent(p): f for p, f in found.items() if f.kind is Kind.KUSTOMIZATION},
        stays_inside=lambda rel: not any(rel == o or rel.startswith(f"{o}/") for o in outside),
        is_file=lambda rel: rel in found,
    )


def _check(document: dict[str, object], extra: dict[str, str] | None = None) -> list[str]:
    text = yaml.safe_dump(document)
    tree = _tree({"app/kustomization.yaml": text, "app/d.yaml": "kind: X\n", **(extra or {})})
    return check_kustomization("app", tree.files["app/kustomization.yaml"], tree).refused


@pytest.mark.parametrize("document", PER_FIELD.values(), ids=PER_FIELD.keys())
def test_every_field_naming_a_url_is_refused(document: dict[str, object]) -> None:
    refused = _check(document)
    assert refused, "a URL in this field would be fetched by kustomize"


@pytest.mark.parametrize(
    "value",
    ["../../../outside/canary.txt", "/etc/passwd", "../..", "a/../../.."],
)
@pytest.mark.parametrize(
    "field", ["resources", "crds", "patches", "configMapGenerator", "openapi", "replacements"]
)
def test_every_field_leaving_the_tree_is_refused(field: str, value: str) -> None:
    shapes: dict[str, object] = {
        "resources": [value],
        "crds": [value],
        "patches": [{"path": value}],
        "configMapGenerator": [{"name": "c", "files": [value]}],
        "openapi": {"path": value},
        "replacements": [{"path": value}],
    }
    assert _check({field: shapes[field]})


def test_a_symlink_out_of_the_tree_is_refused() -> None:
    tree = _tree(
        {"app/kustomization.yaml": "patches:\n  - path: link/p.yaml\n"},
        outside=frozenset({"app/link"}),
    )
    refused = check_kustomization("app", tree.files["app/kustomization.yaml"], tree).refused
    assert refused == ["patches[0].path: link/p.yaml leads outside the reviewed tree (symlink)"]


def test_a_local_kustomization_passes_every_field() -> None:
    document = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "namespace": "prod",
        "namePrefix": "p-",
        "commonLabels": {"app": "api"},
        "labels": [{"pairs": {"team": "a"}, "includeSelectors": False}],
        "images": [{"name": "api", "newName": "ghcr.io/org/api", "newTag": "1.2"}],
        "replicas": [{"name": "api", "count": 3}],
        "resources": ["d.yaml", "../base"],
        "components": ["../component"],
        "crds": ["crd.yaml"],
        "configurations": ["config.yaml"],
        "patches": [{"path": "p.yaml", "target": {"kind": "Deployment"}}, {"patch": "- op: x"}],
        "patchesStrategicMerge": ["p.yaml", "apiVersion: v1\nkind: X\n"],
        "patchesJson6902": [{"path": "j.yaml", "target": {"kind": "Deployment"}}],
        "replacements": [{"path": "r.yaml"}, {"source": {"kind": "X"}, "targets": []}],
        "configMapGenerator": [
            {"name": "c", "files": ["app.properties", "key=conf/nginx.conf"], "envs": [".env"]}
        ],
        "secretGenerator": [{"name": "s", "literals": ["a=b"], "type": "Opaque"}],
        "generatorOptions": {"disableNameSuffixHash": True},
        "openapi": {"path": "schema.json"},
        "transformers": ["labels.yaml"],
        "vars": [{"name": "V", "objref": {"kind": "Service", "name": "api", "apiVersion": "v1"}}],
        "buildMetadata": ["originAnnotations"],
        "sortOptions": {"order": "fifo"},
    }
    tree = _tree(
        {
            "app/kustomization.yaml": yaml.safe_dump(document),
            "app/d.yaml": "kind: X\n",
            "app/labels.yaml": "apiVersion: builtin\nkind: LabelTransformer\nlabels: {a: b}\n",
            "base/kustomization.yaml": "resources: []\n",
            "component/kustomization.yaml": "kind: Component\n",
        }
    )
    checked = check_kustomization("app", tree.files["app/kustomization.yaml"], tree)
    assert checked.refused == []
    assert sorted(checked.includes) == ["base", "component"]


def test_the_allow_list_knows_every_field_of_the_kustomization_type() -> None:
    """kustomize v5's api/types/kustomization.go, field by field (json names)."""
    upstream = {
        "apiVersion", "kind", "metadata", "openapi", "namePrefix", "nameSuffix", "namespace",
        "commonLabels", "labels", "commonAnnotations", "patchesStrategicMerge",
        "patchesJson6902", "patches", "images", "replacements", "replicas", "vars",
        "resources", "components", "crds", "bases", "configMapGenerator", "secretGenerator",
        "helmGlobals", "helmCharts", "helmChartInflationGenerator", "generatorOptions",
        "configurations", "generators", "transformers", "validators", "inventory",
        "buildMetadata", "sortOptions",
    }  # fmt: skip
    assert upstream == KNOWN_FIELDS


def test_a_resource_the_review_did_not_read_is_refused() -> None:
    """kustomize tries a resource it cannot find locally as a remote repository."""
    refused = _check({"resources": ["missing"]})
    assert refused == [
        "resources[0]: missing was not read (skipped or absent): kustomize would try it remote"
    ]


def test_plugin_configs_are_scanned_for_paths_they_would_load() -> None:
    config = (
        "apiVersion: builtin\nkind: PatchTransformer\nmetadata: {name: p}\npath: ../../x.yaml\n"
    )
    refused = _check({"transformers": ["t.yaml"]}, {"app/t.yaml": config})
    assert refused == ["transformers[0]: plugin config: ../../x.yaml leaves the reviewed tree"]
    # aliases are walked once: a billion laughs ends
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    assert _check({"transformers": ["t.yaml"]}, {"app/t.yaml": laughs}) == []


def _walk(files: dict[str, str]) -> tuple[Walk, Tree]:
    tree = _tree(files)
    return Walk(files=list(tree.files.values()), skipped=[]), tree


def test_a_refused_base_keeps_every_overlay_including_it_unbuilt() -> None:
    walked, tree = _walk(
        {
            "base/kustomization.yaml": f"resources: [d.yaml]\npatches:\n  - path: {URL}\n",
            "base/d.yaml": "kind: X\n",
            "mid/kustomization.yaml": "resources: [../base]\n",
            "prod/kustomization.yaml": "resources: [../mid]\n",
            "ok/kustomization.yaml": "resources: [d.yaml]\n",
            "ok/d.yaml": "kind: X\n",
        }
    )
    tops, skips = overlays(walked, tree)
    assert tops == ["ok"]
    reasons = {s.path: s.reason for s in skips}
    assert reasons["base/kustomization.yaml"].startswith("not built: patches[0].path: names a")
    assert reasons["prod/kustomization.yaml"] == "not built: includes base, which is refused"
    assert all(not s.by_design for s in skips)


def test_two_kustomization_files_in_one_directory_are_not_built() -> None:
    """kustomize refuses the directory; which file the review checked must not matter."""
    walked, tree = _walk(
        {"a/kustomization.yaml": "resources: []\n", "a/Kustomization": f"resources: [{URL}]\n"}
    )
    tops, skips = overlays(walked, tree)
    assert tops == []
    assert "2 kustomization files in one directory" in skips[0].reason


def test_an_include_cycle_is_not_built_and_said() -> None:
    walked, tree = _walk(
        {
            "a/kustomization.yaml": "resources: [../b]\n",
            "b/kustomization.yaml": "resources: [../a]\n",
        }
    )
    tops, skips = overlays(walked, tree)
    assert tops == []
    assert {s.path for s in skips} == {"a/kustomization.yaml", "b/kustomization.yaml"}


@pytest.mark.parametrize(
    "text",
    ["resources: [", "- a\n- b\n", "[" * 5000, "resources: d.yaml\n", "resources: [{a: b}]\n"],
    ids=["not YAML", "a list", "nested 5000 deep", "not a list", "not a string"],
)
def test_malformed_kustomizations_are_refused_not_crashed(text: str) -> None:
    tree = _tree({"app/kustomization.yaml": text})
    assert check_kustomization("app", tree.files["app/kustomization.yaml"], tree).refused


def test_kubectl_runs_in_an_environment_that_points_nowhere() -> None:
    env = child_environment()
    assert env["PATH"] == ""  # no git, helm or plugin to find
    assert env["KUBECONFIG"] == "/dev/null"
    assert not Path(env["HOME"]).exists()
    assert not any(k.lower().endswith("_proxy") for k in env)


def test_join_never_leaves_the_tree() -> None:
    assert join("a/b", "../../..") is None
    assert join("a", "../b") == "b"


def test_loads_lists_each_field_where_it_is_named() -> None:
    loads = kustomization_loads({"patches": [{"path": "p.yaml"}], "crds": ["c.yaml"]})
    assert [(x.where, x.value, x.target) for x in loads.loads] == [
        ("crds[0]", "c.yaml", "file"),
        ("patches[0].path", "p.yaml", "file"),
    ]


@pytest.mark.parametrize(
    ("directory", "relative", "above", "expected"),
    [
        (".", "../../base", 2, "../../base"),
        (".", "../../../base", 2, None),
        ("../../base", "../common", 2, "../../common"),
        ("../../base", "d.yaml", 2, "../../base/d.yaml"),
        ("a", "../../b", 1, "../b"),
        ("a", "../../b", 0, None),
        ("a/b", "../c", 0, "a/c"),
    ],
)
def test_resolve_climbs_no_further_than_the_repository(
    directory: str, relative: str, above: int, expected: str | None
) -> None:
    assert resolve(directory, relative, above) == expected
    if above == 0:
        assert resolve(directory, relative) == join(directory, relative)


def test_a_component_is_not_built_alone_and_its_files_are_no_objects_of_their_own() -> None:
    component = "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
    walked, tree = _walk(
        {
            "base/kustomization.yaml": "resources: [d.yaml]\n",
            "base/d.yaml": "kind: X\n",
            "c/used/kustomization.yaml": component + "resources: [np.yaml]\n",
            "c/used/np.yaml": "kind: NetworkPolicy\n",
            "c/spare/kustomization.yaml": component + "resources: [np.yaml]\n",
            "c/spare/np.yaml": "kind: NetworkPolicy\n",
            "prod/kustomization.yaml": "resources: [../base]\ncomponents: [../c/used]\n",
        }
    )
    plan = plan_overlays(walked, tree)
    assert plan.tops == ["prod"]
    assert [(s.path, s.reason, s.by_design) for s in plan.skipped] == [
        (
            "c/spare/kustomization.yaml",
            "not built: a kustomize Component no overlay includes (not deployable on its own)",
            True,
        )
    ]
    assert plan.component_files == {"c/used/np.yaml", "c/spare/np.yaml"}


def test_a_kustomization_above_is_checked_but_never_built_alone() -> None:
    above = {
        "../base": [Found(path="../base/kustomization.yaml", kind=Kind.KUSTOMIZATION,
                          text="resources: [d.yaml]\n")],
    }  # fmt: skip
    base_tree = _tree({"kustomization.yaml": "resources: [../base]\n"})
    tree = Tree(
        files=base_tree.files,
        kustomizations=base_tree.kustomizations,
        stays_inside=lambda rel: True,
        is_file=lambda rel: rel == "../base/d.yaml",
        above=1,
        kustomizations_above=lambda d: above.get(d, []),
    )
    walked = Walk(files=list(tree.files.values()), skipped=[])
    plan = plan_overlays(walked, tree)
    assert plan.tops == ["."]
    assert plan.skipped == []
    # the same overlay with nothing above it allowed is refused
    tops, skips = overlays(walked, base_tree)
    assert tops == []
    assert skips[0].reason == "not built: resources[0]: ../base leaves the reviewed tree"
