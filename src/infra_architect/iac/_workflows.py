"""GitHub Actions workflows as the rules see them: triggers and inputs, jobs, steps and env
entries, each with the line it is written on."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import yaml


@dataclass(frozen=True)
class Where:
    """Where a scalar's text starts: ``block`` when it is a literal block (``|``), whose
    lines are the file's lines one for one, so a line inside it can be located."""

    line: int
    block: bool = False

    def line_of(self, offset: int, text: str) -> int:
        if not self.block:
            return self.line
        return self.line + 1 + text.count("\n", 0, offset)


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
    id: str = ""
    env: dict[str, str] = field(default_factory=dict)
    where: dict[str, Where] = field(default_factory=dict)
    """Where ``run`` and each ``with.<input>`` are written."""

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
    env: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Workflow:
    file: str
    line: int
    name: str
    jobs: tuple[Job, ...]
    env: tuple[EnvEntry, ...]
    triggers: tuple[str, ...] = ()
    inputs: dict[str, str] = field(default_factory=dict)
    """``workflow_dispatch`` and ``workflow_call`` inputs by name: their type."""
    variables: dict[str, str] = field(default_factory=dict)
    """The workflow's own ``env:`` by name."""
    push_branches: tuple[str, ...] | None = None
    """``on.push.branches`` patterns; None when a push to any branch triggers it (or it
    is not triggered by push at all: see ``triggers``)."""
    push_tags: tuple[str, ...] = ()
    """``on.push.tags`` patterns."""

    def steps(self) -> Iterator[Step]:
        for job in self.jobs:
            yield from job.steps

    def job(self, job_id: str) -> Job | None:
        return next((j for j in self.jobs if j.id == job_id), None)


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


def _scalars(node: yaml.Node | None) -> dict[str, str]:
    return {k: v.value for k, (_, v) in _mapping(node).items() if isinstance(v, yaml.ScalarNode)}


def _where(node: yaml.Node) -> Where:
    return Where(
        line=node.start_mark.line + 1,
        block=isinstance(node, yaml.ScalarNode) and node.style == "|",
    )


def _triggers(node: yaml.Node | None) -> tuple[str, ...]:
    if isinstance(node, yaml.ScalarNode):
        return (str(node.value),)
    if isinstance(node, yaml.SequenceNode):
        return tuple(str(n.value) for n in node.value if isinstance(n, yaml.ScalarNode))
    return tuple(_mapping(node))


def _push_filter(node: yaml.Node | None, key: str) -> tuple[str, ...] | None:
    """``on.push.<key>`` as patterns; None when the filter is absent."""
    value = _mapping(_mapping(node).get("push", (None, None))[1]).get(key, (None, None))[1]
    if value is None:
        return None
    return _triggers(value) if not isinstance(value, yaml.MappingNode) else ()


def _inputs(node: yaml.Node | None) -> dict[str, str]:
    """Inputs of workflow_dispatch and workflow_call by name: their type (string when
    unstated, as GitHub takes it)."""
    found: dict[str, str] = {}
    for event in ("workflow_dispatch", "workflow_call"):
        declared = _mapping(
            _mapping(_mapping(node).get(event, (None, None))[1]).get("inputs", (None, None))[1]
        )
        for name, (_, spec) in declared.items():
            kind = _scalar(_mapping(spec).get("type", (None, None))[1]) or "string"
            # Declared in both: the looser type decides what can arrive.
            found[name] = "string" if found.get(name, kind) == "string" else kind
    return found


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
    # YAML 1.1 reads the key `on` as true; compose keeps its text, which is what we match.
    on = top.get("on", (None, None))[1]
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
            with_node = _mapping(step.get("with", (None, None))[1])
            with_ = {k: _scalar(v) for k, (_, v) in with_node.items()}
            where = {f"with.{k}": _where(v) for k, (_, v) in with_node.items()}
            run_node = step.get("run", (None, None))[1]
            if run_node is not None:
                where["run"] = _where(run_node)
            parsed = Step(
                job=job_id,
                index=index,
                line=step_node.start_mark.line + 1,
                name=_scalar(step.get("name", (None, None))[1]),
                uses=_scalar(step.get("uses", (None, None))[1]),
                run=_scalar(step.get("run", (None, None))[1]),
                condition=_scalar(step.get("if", (None, None))[1]),
                with_=with_,
                id=_scalar(step.get("id", (None, None))[1]),
                env=_scalars(step.get("env", (None, None))[1]),
                where=where,
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
                env=_scalars(fields.get("env", (None, None))[1]),
                outputs=_scalars(fields.get("outputs", (None, None))[1]),
            )
        )
    return Workflow(
        file=file,
        line=1,
        name=_scalar(top.get("name", (None, None))[1]),
        jobs=tuple(jobs),
        env=tuple(entries),
        triggers=_triggers(on),
        inputs=_inputs(on),
        variables=_scalars(top.get("env", (None, None))[1]),
        push_branches=_push_filter(on, "branches"),
        push_tags=_push_filter(on, "tags") or (),
    )
