"""GitHub Actions workflows as the rules see them: jobs, steps and env entries, each with
the line it is written on."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import yaml


@dataclass(frozen=True)
class Step:
    job: str
    index: int
    line: int
    name: str
    uses: str
    run: str
    condition: str
    with_: dict[str, str]

    @property
    def label(self) -> str:
        return self.name or self.uses or f"step {self.index + 1}"


@dataclass(frozen=True)
class EnvEntry:
    scope: str  # "workflow", "job <id>", "step <label>"
    name: str
    value: str
    line: int


@dataclass(frozen=True)
class Job:
    id: str
    line: int
    steps: tuple[Step, ...]
    condition: str
    environment: str


@dataclass(frozen=True)
class Workflow:
    file: str
    line: int
    name: str
    jobs: tuple[Job, ...]
    env: tuple[EnvEntry, ...]

    def steps(self) -> Iterator[Step]:
        for job in self.jobs:
            yield from job.steps


@dataclass
class WorkflowGraph:
    workflows: list[Workflow] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _scalar(node: yaml.Node | None) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else ""


def _mapping(node: yaml.Node | None) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _env(node: yaml.Node | None, scope: str) -> list[EnvEntry]:
    return [
        EnvEntry(scope=scope, name=name, value=_scalar(value), line=key.start_mark.line + 1)
        for name, (key, value) in _mapping(node).items()
        if isinstance(value, yaml.ScalarNode)
    ]


def load_workflow(text: str, file: str) -> Workflow:
    """One workflow file with its jobs, steps and every env entry (workflow, job, step)."""
    root = yaml.compose(text, Loader=yaml.CSafeLoader)
    top = _mapping(root)
    entries = _env(top.get("env", (None, None))[1], "workflow")
    jobs: list[Job] = []
    for job_id, (key, body) in _mapping(top.get("jobs", (None, None))[1]).items():
        fields = _mapping(body)
        entries += _env(fields.get("env", (None, None))[1], f"job {job_id}")
        steps: list[Step] = []
        steps_node = fields.get("steps", (None, None))[1]
        for index, step_node in enumerate(
            steps_node.value if isinstance(steps_node, yaml.SequenceNode) else []
        ):
            step = _mapping(step_node)
            with_ = {
                k: _scalar(v) for k, (_, v) in _mapping(step.get("with", (None, None))[1]).items()
            }
            parsed = Step(
                job=job_id,
                index=index,
                line=step_node.start_mark.line + 1,
                name=_scalar(step.get("name", (None, None))[1]),
                uses=_scalar(step.get("uses", (None, None))[1]),
                run=_scalar(step.get("run", (None, None))[1]),
                condition=_scalar(step.get("if", (None, None))[1]),
                with_=with_,
            )
            steps.append(parsed)
            entries += _env(step.get("env", (None, None))[1], f"step {parsed.label}")
        environment = fields.get("environment", (None, None))[1]
        jobs.append(
            Job(
                id=job_id,
                line=key.start_mark.line + 1,
                steps=tuple(steps),
                condition=_scalar(fields.get("if", (None, None))[1]),
                environment=_scalar(environment)
                or _scalar(_mapping(environment).get("name", (None, None))[1]),
            )
        )
    return Workflow(
        file=file,
        line=1,
        name=_scalar(top.get("name", (None, None))[1]),
        jobs=tuple(jobs),
        env=tuple(entries),
    )
