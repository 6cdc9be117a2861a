"""The inputs an architect must not guess, and how to ask for them.

A spec that lacks one of these is not rejected: the user is asked (on a terminal) or
told exactly what to add (without one). Defaults are never invented for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ruamel.yaml.comments import CommentedMap

from infra_architect.errors import Problem, SpecError

AnswerKind = Literal["number", "integer", "choice", "services", "traffic"]


@dataclass(frozen=True)
class Question:
    """One missing input: where its answer goes, what to ask, and why it matters."""

    path: tuple[str, ...]
    prompt: str
    why: str
    example: str
    kind: AnswerKind
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    exclusive: bool = field(default=False)

    @property
    def key(self) -> str:
        return ".".join(self.path)


SERVICES = Question(
    path=("system", "services"),
    prompt="Which services make up the system (name and type: web, api, worker or cron)?",
    why="Every service becomes a deployable unit with its own capacity, scaling, network "
    "policy and pipeline; the call graph between them decides the failure paths.",
    example="system:\n  services:\n    - {name: web, type: web, public: true, calls: [api]}\n"
    "    - {name: api, type: api}",
    kind="services",
)
TRAFFIC = Question(
    path=("traffic",),
    prompt="How much traffic: concurrent users and requests per user per minute, "
    "or requests per second?",
    why="Traffic sizes every service (replicas, vCPU, memory), the autoscaling bounds and "
    "the cost; an architect who guesses it guesses everything.",
    example="traffic:\n  concurrent_users: 10000\n  requests_per_user_per_minute: 6",
    kind="traffic",
)
REQUESTS_PER_USER = Question(
    path=("traffic", "requests_per_user_per_minute"),
    prompt="How many requests does one active user cause per minute (pages, API calls)?",
    why="Concurrent users only become a request rate with this figure; it multiplies "
    "straight into every capacity number.",
    example="traffic:\n  requests_per_user_per_minute: 6",
    kind="number",
    minimum=0,
    maximum=10_000,
    exclusive=True,
)
SLO = Question(
    path=("availability", "slo"),
    prompt="What availability must the system reach, in percent over 30 days (e.g. 99.9)?",
    why="The SLO is the error budget (99.9% allows 43.2 min per 30 days); it decides how "
    "many AZs or regions the design spans, what pages a human, and what it costs. It is a "
    "business decision, so it is never assumed.",
    example="availability:\n  slo: 99.9",
    kind="number",
    minimum=0,
    maximum=100,
    exclusive=True,
)
DEPLOYS = Question(
    path=("delivery", "deploys_per_day"),
    prompt="How many production deploys per day do you expect (0.2 = about once a week)?",
    why="Release cadence picks the rollout strategy (rolling, blue-green, canary) and how "
    "much of verification and rollback the pipeline must automate.",
    example="delivery:\n  deploys_per_day: 2",
    kind="number",
    minimum=0,
    maximum=10_000,
)
TEAM_SIZE = Question(
    path=("team", "size"),
    prompt="How many engineers build and operate this system?",
    why="Team size bounds what can be operated and staffed on call; complexity the team "
    "cannot carry is a cost, not a feature.",
    example="team:\n  size: 5",
    kind="integer",
    minimum=1,
    maximum=10_000,
)
OPS_EXPERIENCE = Question(
    path=("team", "ops_experience"),
    prompt="How much operations experience does the team have?",
    why="Operational experience decides how much the design may ask of people at 3 a.m.: "
    "managed services for a low-experience team, more control for an experienced one.",
    example="team:\n  ops_experience: medium",
    kind="choice",
    choices=("low", "medium", "high"),
)


def find_missing(tree: CommentedMap) -> list[Question]:
    """The required inputs ``tree`` does not answer, in interview order.

    Only absences are reported here; a present value of the wrong shape is a
    validation error with its own message.
    """
    missing: list[Question] = []
    system = tree.get("system")
    if system is None or (isinstance(system, dict) and not system.get("services")):
        missing.append(SERVICES)
    traffic = tree.get("traffic")
    if traffic is None or (
        isinstance(traffic, dict)
        and traffic.get("concurrent_users") is None
        and traffic.get("requests_per_second") is None
    ):
        missing.append(TRAFFIC)
    elif (
        isinstance(traffic, dict)
        and traffic.get("concurrent_users") is not None
        and traffic.get("requests_per_user_per_minute") is None
        and traffic.get("requests_per_second") is None
    ):
        missing.append(REQUESTS_PER_USER)
    missing.extend(
        question
        for question in (SLO, DEPLOYS, TEAM_SIZE, OPS_EXPERIENCE)
        if _absent(tree, question.path)
    )
    return missing


def _absent(tree: CommentedMap, path: tuple[str, ...]) -> bool:
    node: object = tree
    for part in path:
        if node is None:
            return True
        if not isinstance(node, dict):
            return False
        node = node.get(part)
    return node is None


class MissingInputsError(SpecError):
    """Inputs an architect must not guess are absent, and nobody could be asked."""

    def __init__(self, source: str, questions: list[Question]) -> None:
        self.questions = tuple(questions)
        super().__init__(
            source,
            [
                Problem(
                    field=q.key,
                    message=f"is missing. {q.prompt}",
                    fix=f"{q.why}\n  add, for example:\n"
                    + "\n".join(f"    {line}" for line in q.example.splitlines()),
                )
                for q in questions
            ],
        )

    def render(self) -> str:
        count = len(self.questions)
        noun = "input" if count == 1 else "inputs"
        blocks = []
        for number, question in enumerate(self.questions, start=1):
            example = "\n".join(f"        {line}" for line in question.example.splitlines())
            blocks.append(
                f"  {number}. {question.key}: {question.prompt}\n"
                f"     why: {question.why}\n"
                f"     add, for example:\n{example}"
            )
        return (
            f"{self.source}: {count} required {noun} missing; an architect must not guess "
            f"{'it' if count == 1 else 'them'}.\n" + "\n".join(blocks) + "\n"
            "  fix: answer in the file, or run the command on a terminal (or with "
            "--interactive) to be asked."
        )
