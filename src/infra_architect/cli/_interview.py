"""Ask the user for what the spec is missing, one question at a time, saying why."""

from __future__ import annotations

import re
from collections.abc import Callable

from rich.console import Console
from rich.markup import escape
from rich.prompt import Confirm, FloatPrompt, IntPrompt, Prompt
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from infra_architect.spec import (
    SERVICES,
    TRAFFIC,
    DatastoreEngine,
    Question,
    QueueEngine,
    Runtime,
    ServiceType,
    check_answer,
    cron_problem,
    set_answer,
)

_NAME = re.compile(r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")


def ask_missing(
    console: Console,
    tree: CommentedMap,
    questions: list[Question],
    check: Callable[[CommentedMap], list[str]] | None = None,
) -> None:
    """Interview for each question and write each answer into ``tree``; after each, warn
    of the conflicts ``check`` finds that were not there before."""
    warned: set[str] = set()
    console.print(
        f"[bold]{len(questions)} required input{'s' if len(questions) != 1 else ''} "
        "missing.[/bold] An architect must not guess these; please answer."
    )
    for question in questions:
        _explain(console, question)
        if question is SERVICES:
            set_answer(tree, question.path, ask_services(console, _store_names(tree)))
        elif question is TRAFFIC:
            for path, value in ask_traffic(console):
                set_answer(tree, path, value)
        elif question.kind == "choice":
            answer = Prompt.ask(question.prompt, choices=list(question.choices), console=console)
            set_answer(tree, question.path, answer)
        else:
            set_answer(tree, question.path, ask_number(console, question))
        warn_conflicts(console, tree, check, warned)


def warn_conflicts(
    console: Console,
    tree: CommentedMap,
    check: Callable[[CommentedMap], list[str]] | None,
    warned: set[str],
) -> None:
    """Say at once which conflicts the last answer introduced (each one once)."""
    if check is None:
        return
    for conflict in check(tree):
        if conflict not in warned:
            warned.add(conflict)
            console.print(f"[bold red]infeasible:[/bold red] {escape(conflict)}")


def _explain(console: Console, question: Question) -> None:
    console.print()
    console.print(f"[bold cyan]{question.key}[/bold cyan]")
    console.print(f"[dim]why: {question.why}[/dim]")


def ask_number(console: Console, question: Question) -> float | int:
    prompt_type = IntPrompt if question.kind == "integer" else FloatPrompt
    while True:
        value = prompt_type.ask(question.prompt, console=console)
        problem = check_answer(question, float(value))
        if problem is None:
            return int(value) if question.kind == "integer" else _tidy(float(value))
        console.print(f"[red]{value} {problem}[/red]")


def ask_traffic(console: Console) -> list[tuple[tuple[str, ...], float | int]]:
    form = Prompt.ask(
        "Do you know the load as concurrent users or as requests per second?",
        choices=["users", "rps"],
        console=console,
    )
    if form == "rps":
        rps = _ask_positive(console, "Average requests per second", float)
        return [(("traffic", "requests_per_second"), rps)]
    users = _ask_positive(console, "Concurrent users in a normal busy hour", int)
    per_minute = _ask_positive(console, "Requests per active user per minute", float)
    return [
        (("traffic", "concurrent_users"), users),
        (("traffic", "requests_per_user_per_minute"), per_minute),
    ]


def _ask_positive(console: Console, prompt: str, kind: type[int] | type[float]) -> float | int:
    asker = IntPrompt if kind is int else FloatPrompt
    while True:
        value = asker.ask(prompt, console=console)
        if value > 0:
            return int(value) if kind is int else _tidy(float(value))
        console.print("[red]must be greater than 0[/red]")


def ask_services(console: Console, stores: list[str]) -> CommentedSeq:
    """Names and types first, then who calls whom (so calls can name any service)."""
    services: list[CommentedMap] = []
    console.print("Name each service; an empty name ends the list.")
    while True:
        name = ask_name(
            console, "Service name", [str(s["name"]) for s in services], allow_empty=bool(services)
        )
        if not name:
            break
        entry = CommentedMap()
        entry["name"] = name
        kind = Prompt.ask(
            f"Type of {name}", choices=[t.value for t in ServiceType], console=console
        )
        entry["type"] = kind
        if ServiceType(kind).serves_requests and Confirm.ask(
            f"Is {name} reachable from the internet?", console=console, default=False
        ):
            entry["public"] = True
        if kind == ServiceType.CRON.value:
            entry["schedule"] = _ask_schedule(console, name)
        _ask_cpu(console, entry)
        services.append(entry)
    serving = [str(s["name"]) for s in services if ServiceType(s["type"]).serves_requests]
    for entry in services:
        others = [n for n in serving if n != entry["name"]]
        if others and ServiceType(entry["type"]).serves_requests:
            calls = _ask_list(console, f"Services {entry['name']} calls synchronously", others)
            if calls:
                entry["calls"] = _ask_fan_out(console, str(entry["name"]), calls)
        if stores:
            uses = _ask_list(console, f"Datastores and queues {entry['name']} uses", stores)
            if uses:
                entry["uses"] = uses
    return CommentedSeq(services)


_UNKNOWN = "unknown"


def _ask_cpu(console: Console, entry: CommentedMap) -> None:
    """Compute is most bills' largest line and CPU per request sizes it: a measured figure
    beats a runtime's planning figure, which beats nothing."""
    name, kind = str(entry["name"]), ServiceType(entry["type"])
    choices = [*(r.value for r in Runtime), _UNKNOWN]
    runtime = Prompt.ask(
        f"Runtime of {name} (sets its planning figures for CPU and replica size)",
        choices=choices,
        default=_UNKNOWN,
        console=console,
    )
    if runtime != _UNKNOWN:
        entry["runtime"] = runtime
    if kind is ServiceType.CRON:
        return
    unit = "message" if kind is ServiceType.WORKER else "request"
    measured = ask_optional_number(
        console,
        f"Measured CPU milliseconds per {unit} of {name} (APM, or CPU seconds / {unit}s "
        "over a busy hour)",
        lambda value: None if value >= 0.001 else "must be at least 0.001",
    )
    if measured is not None:
        entry["cpu_ms_per_request"] = measured


def _ask_fan_out(console: Console, caller: str, callees: list[str]) -> CommentedSeq | list[str]:
    """With several callees, how often each is called decides their load: one request to
    a page rarely calls checkout, often calls the catalog."""
    if len(callees) == 1:
        return callees
    split = 1 / len(callees)
    console.print(
        f"How many calls to each service does one request to {caller} make on average? "
        f"(empty: {split:.3g}, its requests split evenly)"
    )
    entries = CommentedSeq()
    for callee in callees:
        per = ask_optional_number(
            console,
            f"Calls to {callee} per request to {caller}",
            lambda value: None if 0 < value <= 1000 else "must be above 0 and at most 1000",
        )
        if per is None:
            entries.append(callee)
        else:
            call = CommentedMap()
            call["service"] = callee
            call["per_request"] = per
            entries.append(call)
    return entries


def ask_name(console: Console, prompt: str, taken: list[str], *, allow_empty: bool) -> str:
    while True:
        answer = (
            Prompt.ask(prompt, default="", show_default=False, console=console)
            if allow_empty
            else Prompt.ask(prompt, console=console)
        )
        name = answer.strip()
        if not name and allow_empty:
            return ""
        if not _NAME.match(name):
            console.print(
                "[red]use lowercase letters, digits and '-', starting with a letter[/red]"
            )
        elif name in taken:
            console.print(f"[red]{name} is already used[/red]")
        else:
            return name


def _ask_schedule(console: Console, name: str) -> str:
    while True:
        schedule = Prompt.ask(f"Cron schedule of {name} (e.g. 0 3 * * *)", console=console)
        problem = cron_problem(schedule)
        if problem is None:
            return schedule.strip()
        console.print(f"[red]{problem}[/red]")


def _ask_list(console: Console, prompt: str, options: list[str]) -> list[str]:
    while True:
        raw = Prompt.ask(
            f"{prompt} (comma-separated: {', '.join(options)}; empty for none)",
            default="",
            show_default=False,
            console=console,
        )
        chosen = [item.strip() for item in raw.split(",") if item.strip()]
        unknown = [item for item in chosen if item not in options]
        if not unknown:
            return list(dict.fromkeys(chosen))
        console.print(f"[red]unknown: {', '.join(unknown)}[/red]")


def ask_optional_number(
    console: Console, prompt: str, check: Callable[[float], str | None]
) -> float | None:
    while True:
        raw = Prompt.ask(
            f"{prompt} (empty to skip)", default="", show_default=False, console=console
        ).strip()
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            console.print("[red]write a number[/red]")
            continue
        problem = check(value)
        if problem is None:
            return _tidy(value)
        console.print(f"[red]{problem}[/red]")


def _store_names(tree: CommentedMap) -> list[str]:
    system = tree.get("system")
    if not isinstance(system, dict):
        return []
    names: list[str] = []
    for group in ("datastores", "queues"):
        entries = system.get(group)
        if isinstance(entries, list):
            names.extend(str(e["name"]) for e in entries if isinstance(e, dict) and "name" in e)
    return names


def _tidy(value: float) -> float | int:
    """Write 99.9 as 99.9 and 5.0 as 5 in the spec."""
    return int(value) if value == int(value) else value


def ask_stores(console: Console, tree: CommentedMap) -> None:
    """Datastores and queues, before the services (so each service can name what it
    uses): engines decide replication, failover and most of the data bill."""
    for group, kinds, noun in (
        ("datastores", [e.value for e in DatastoreEngine], "Datastore"),
        ("queues", [e.value for e in QueueEngine], "Queue"),
    ):
        entries = CommentedSeq()
        taken = _store_names(tree)
        while True:
            name = ask_name(
                console, f"{noun} name (empty: no more {group})", taken, allow_empty=True
            )
            if not name:
                break
            entry = CommentedMap()
            entry["name"] = name
            entry["engine"] = Prompt.ask(f"Engine of {name}", choices=kinds, console=console)
            entries.append(entry)
            taken.append(name)
        if entries:
            set_answer(tree, ("system", group), entries)
