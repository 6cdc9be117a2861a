"""The loader: every example loads; every bad input is one located message with a fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra_architect.errors import Problem, SpecError
from infra_architect.spec import (
    MAX_SPEC_BYTES,
    MissingInputsError,
    Requirements,
    load_requirements,
    missing_inputs,
    parse_document,
    validate_document,
)
from tests.conftest import EXAMPLES, VALID


def _validate(text: str, regions: object) -> Requirements:
    document = parse_document(text, "spec.yaml")
    assert isinstance(regions, dict)
    return validate_document(document, regions)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_loads(path: Path, catalog) -> None:
    requirements = load_requirements(path, catalog.regions)
    assert requirements.metadata.name


def test_examples_cover_the_three_shapes() -> None:
    assert {p.stem for p in EXAMPLES} >= {"ecommerce", "saas-team", "internal-tool"}


# (id, replace-this, with-this, field, line, message part, fix part)
BAD_VALUES = [
    (
        "slo-above-100",
        "slo: 99.9",
        "slo: 100.5",
        "availability.slo",
        17,
        "100.5 is out of range",
        "less than 100",
    ),
    (
        "slo-zero",
        "slo: 99.9",
        "slo: 0",
        "availability.slo",
        17,
        "0 is out of range",
        "greater than 0",
    ),
    (
        "slo-quoted",
        "slo: 99.9",
        'slo: "99.9"',
        "availability.slo",
        17,
        "is not a number",
        "plain number",
    ),
    (
        "slo-bool",
        "slo: 99.9",
        "slo: true",
        "availability.slo",
        17,
        "True is not a number",
        "plain number",
    ),
    ("team-zero", "size: 6", "size: 0", "team.size", 19, "0 is out of range", "at least 1"),
    (
        "team-fraction",
        "size: 6",
        "size: 2.5",
        "team.size",
        19,
        "2.5 is not a whole number",
        "whole number",
    ),
    (
        "negative-users",
        "requests_per_second: 100",
        "concurrent_users: -5, requests_per_user_per_minute: 2",
        "traffic.concurrent_users",
        16,
        "-5 is out of range",
        "at least 1",
    ),
    (
        "unknown-key-suggests",
        "deploys_per_day: 2",
        "deploy_per_day: 2, deploys_per_day: 2",
        "delivery.deploy_per_day",
        18,
        "unknown key `deploy_per_day`",
        "did you mean `deploys_per_day`?",
    ),
    (
        "unknown-top-level-key",
        "team: {",
        "teams: {size: 1}\nteam: {",
        "teams",
        19,
        "unknown key `teams`",
        "did you mean `team`?",
    ),
    (
        "domain-not-a-dns-name",
        "team: {",
        (
            "cloud: {domains: {staging: {name: 'Shop_1.example.com', hosted_zone: example.com}, "
            "prod: {name: shop.example.com, hosted_zone: example.com}}}\nteam: {"
        ),
        "cloud.domains.staging.name",
        19,
        "'Shop_1.example.com' is not a DNS name",
        "lowercase DNS labels",
    ),
    (
        "bad-enum-suggests",
        "type: web",
        "type: wbe",
        "system.services[0].type",
        7,
        "'wbe' is not allowed",
        "did you mean `web`?",
    ),
    (
        "bad-name",
        "{name: db,",
        "{name: Main_DB,",
        "system.datastores[0].name",
        13,
        "'Main_DB' is not a valid name",
        "DNS label",
    ),
    (
        "ops-experience-enum",
        "ops_experience: medium",
        "ops_experience: expert",
        "team.ops_experience",
        19,
        "'expert' is not allowed",
        "low, medium, high",
    ),
    (
        "services-not-a-list",
        "  services:\n",
        "  services: web\n  old:\n",
        "system.services",
        5,
        "'web' is not a list",
        "YAML list",
    ),
    (
        "wrong-api-version",
        "infra-architect/v1",
        "infra-architect/v2",
        "apiVersion",
        1,
        "'infra-architect/v2' is not supported",
        "apiVersion: infra-architect/v1",
    ),
    (
        "wrong-kind",
        "kind: Requirements",
        "kind: Design",
        "kind",
        2,
        "'Design' is not supported",
        "kind: Requirements",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "field", "line", "message", "fix"),
    [case[1:] for case in BAD_VALUES],
    ids=[case[0] for case in BAD_VALUES],
)
def test_bad_value_is_located_and_explained(old, new, field, line, message, fix, catalog) -> None:
    problem, rendered = _problem_for(VALID, old, new, field, catalog)
    assert problem.line == line, rendered
    assert message in problem.message
    assert fix in problem.fix
    assert f"spec.yaml:{line}:" in rendered


def _problem_for(base: str, old: str, new: str, field: str, catalog) -> tuple[Problem, str]:
    """Edit ``base`` once, validate it, and return the problem reported for ``field``."""
    text = base.replace(old, new, 1)
    assert text != base
    with pytest.raises(SpecError) as caught:
        _validate(text, catalog.regions)
    problems = [p for p in caught.value.problems if p.field == field]
    assert problems, caught.value.render()
    return problems[0], caught.value.render()


# meaning, not shape: (id, old, new, field, message part, fix part)
BAD_MEANING = [
    (
        "duplicate-name",
        "{name: worker,",
        "{name: api,",
        "system.services[2].name",
        "duplicate name 'api'",
        "rename one",
    ),
    (
        "duplicate-across-kinds",
        "{name: events, engine",
        "{name: db, engine",
        "system.queues[0].name",
        "duplicate name 'db'",
        "share one namespace",
    ),
    (
        "calls-unknown",
        "calls: [api]",
        "calls: [apl]",
        "system.services[0].calls[0]",
        "no service named 'apl'",
        "did you mean 'api'?",
    ),
    (
        "uses-unknown",
        "uses: [db, events]",
        "uses: [dbx, events]",
        "system.services[1].uses[0]",
        "no datastore or queue named 'dbx'",
        "did you mean 'db'?",
    ),
    (
        "calls-a-datastore",
        "calls: [api]",
        "calls: [api, db]",
        "system.services[0].calls[1]",
        "is a datastore or queue",
        "move 'db' from calls to uses",
    ),
    (
        "uses-a-service",
        "uses: [db, events]",
        "uses: [db, events, web]",
        "system.services[1].uses[2]",
        "is a service",
        "from uses to calls",
    ),
    (
        "calls-a-worker",
        "calls: [api]",
        "calls: [api, worker]",
        "system.services[0].calls[1]",
        "'worker' is a worker",
        "publish to a queue",
    ),
    (
        "self-call",
        "calls: [api]",
        "calls: [web]",
        "system.services[0].calls[0]",
        "calls itself",
        "remove the self-call",
    ),
    (
        "call-cycle",
        "{name: api, type: api, uses",
        "{name: api, type: api, calls: [web], uses",
        "system.services[1].calls[0]",
        "call cycle api -> web -> api",
        "asynchronous",
    ),
    (
        "public-worker",
        "{name: worker, type: worker,",
        "{name: worker, type: worker, public: true,",
        "system.services[2].public",
        "a worker cannot be public",
        "remove `public: true`",
    ),
    (
        "cron-without-schedule",
        "{name: worker, type: worker,",
        "{name: worker, type: cron,",
        "system.services[2].schedule",
        "needs a schedule",
        "5 cron fields",
    ),
    (
        "bad-cron",
        "{name: worker, type: worker,",
        "{name: worker, type: cron, schedule: '61 * * * *',",
        "system.services[2].schedule",
        "minute field '61' is outside 0-59",
        "5 fields",
    ),
    (
        "schedule-on-api",
        "{name: api, type: api,",
        "{name: api, type: api, schedule: '@daily',",
        "system.services[1].schedule",
        "only cron services",
        "remove schedule",
    ),
    (
        "role-on-postgres",
        "engine: postgres}",
        "engine: postgres, role: cache}",
        "system.datastores[0].role",
        "applies to redis only",
        "engine: redis",
    ),
    (
        "two-traffic-forms",
        "requests_per_second: 100",
        "requests_per_second: 100, concurrent_users: 5, requests_per_user_per_minute: 1",
        "traffic.requests_per_second",
        "both as users and as requests",
        "keep one form",
    ),
    (
        "unknown-region",
        "team: {",
        "cloud: {region: eu-centrl-1}\nteam: {",
        "cloud.region",
        "unknown AWS region 'eu-centrl-1'",
        "did you mean 'eu-central-1'?",
    ),
    (
        "domain-outside-its-zone",
        "team: {",
        (
            "cloud: {domains: {staging: {name: staging.shop.example.com, hosted_zone: "
            "example.org}, prod: {name: shop.example.com, hosted_zone: example.com}}}\nteam: {"
        ),
        "cloud.domains.staging.name",
        "is not in the hosted zone 'example.org'",
        "use a name ending in .example.org",
    ),
    (
        "one-domain-for-both-environments",
        "team: {",
        (
            "cloud: {domains: {staging: {name: shop.example.com, hosted_zone: example.com}, "
            "prod: {name: shop.example.com, hosted_zone: example.com}}}\nteam: {"
        ),
        "cloud.domains.staging.name",
        "staging and prod both claim 'shop.example.com'",
        "give staging a name of its own",
    ),
    (
        "shares-over-one",
        "public: true\n",
        "public: true\n      traffic_share: 1.5\n",
        "system.services[0].traffic_share",
        "out of range",
        "at most 1",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "field", "message", "fix"),
    [case[1:] for case in BAD_MEANING],
    ids=[case[0] for case in BAD_MEANING],
)
def test_bad_meaning_is_located_and_explained(old, new, field, message, fix, catalog) -> None:
    problem, _ = _problem_for(VALID, old, new, field, catalog)
    assert message in problem.message
    assert fix in problem.fix
    assert problem.line is not None


def test_every_problem_is_reported_at_once(catalog) -> None:
    text = VALID.replace("slo: 99.9", "slo: 120").replace("size: 6", "size: -1")
    with pytest.raises(SpecError) as caught:
        _validate(text, catalog.regions)
    assert [p.field for p in caught.value.problems] == ["availability.slo", "team.size"]


def _alias_bomb(levels: int = 6, width: int = 10) -> bytes:
    """Each level refers to the previous one ``width`` times: width**levels nodes."""
    lines = ["l0: &l0 [" + ", ".join(["x"] * width) + "]"]
    for level in range(1, levels):
        refs = ", ".join([f"*l{level - 1}"] * width)
        lines.append(f"l{level}: &l{level} [{refs}]")
    return ("\n".join(lines) + "\n").encode()


_ALIAS_BOMB = _alias_bomb()

FILE_CASES = [
    ("empty", b"", "the file is empty"),
    ("only-comments", b"# nothing here\n", "only comments"),
    ("binary", b"\x7fELF\x02\x01\x01\x00\x00binary", "binary content"),
    ("not-utf8", b"apiVersion: infra-architect/v1\nkind: \xff\xfe\n", "not UTF-8"),
    ("malformed", b"apiVersion: infra-architect/v1\nkind: [Requirements\n", "malformed YAML"),
    ("tabs", b"apiVersion: x\n\tkind: y\n", "malformed YAML"),
    ("duplicate-key", b"apiVersion: a\napiVersion: b\n", "duplicate key"),
    ("two-documents", b"a: 1\n---\nb: 2\n", "2 YAML documents"),
    ("a-list", b"- 1\n- 2\n", "not a mapping"),
    ("a-scalar", b"hello\n", "not a mapping"),
    ("no-header", b"metadata: {name: x}\n", "is missing"),
    ("alias-bomb", _ALIAS_BOMB, "more than 100,000 values"),
    # ruamel resolves a self-referencing alias to null: no cycle, just a spec without a header
    ("recursive-alias", b"a: &a [*a]\n", "apiVersion: is missing"),
    ("deep-nesting", b"a: " + b"[" * 200 + b"]" * 200 + b"\n", "nested too deeply"),
]


@pytest.mark.parametrize(
    ("content", "message"), [c[1:] for c in FILE_CASES], ids=[c[0] for c in FILE_CASES]
)
def test_file_problems_are_one_clear_message(content: bytes, message: str, tmp_path, catalog):
    path = tmp_path / "spec.yaml"
    path.write_bytes(content)
    with pytest.raises(SpecError) as caught:
        load_requirements(path, catalog.regions)
    rendered = caught.value.render()
    assert message in rendered
    assert "fix:" in rendered
    assert str(path) in rendered


def test_directory_suggests_its_yaml_files(tmp_path, catalog) -> None:
    (tmp_path / "platform.yaml").write_text(VALID)
    with pytest.raises(SpecError) as caught:
        load_requirements(tmp_path, catalog.regions)
    assert "is a directory" in caught.value.render()
    assert "platform.yaml" in caught.value.render()


def test_missing_file(tmp_path, catalog) -> None:
    with pytest.raises(SpecError, match="no such file"):
        load_requirements(tmp_path / "absent.yaml", catalog.regions)


def test_huge_file_is_refused_before_reading(tmp_path, catalog) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.truncate(8 * 1024 * 1024)
    with pytest.raises(SpecError, match=rf"8\.0 MiB.*limit {MAX_SPEC_BYTES // 1024} KiB"):
        load_requirements(path, catalog.regions)


def test_missing_required_inputs_are_questions(catalog) -> None:
    text = VALID.replace("availability: {slo: 99.9}\n", "").replace("team: {size: 6, ", "team: {")
    document = parse_document(text, "spec.yaml")
    questions = missing_inputs(document)
    assert [q.key for q in questions] == ["availability.slo", "team.size"]
    with pytest.raises(MissingInputsError) as caught:
        validate_document(document, catalog.regions, ignore=questions)
    rendered = caught.value.render()
    assert "2 required inputs missing" in rendered
    assert "availability.slo" in rendered
    assert "43.2 min" in rendered  # the why, with the figure
