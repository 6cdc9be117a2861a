"""Checks that need the whole spec: names, references, the call graph, shares.

Pydantic checks each value's shape; these check what the values mean together.
Each issue carries the location of the value to change and the fix.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from infra_architect.spec._locate import Loc
from infra_architect.spec._models import (
    DatastoreEngine,
    DatastoreRole,
    Requirements,
    Service,
    ServiceType,
)

SHARE_TOLERANCE = 1e-6

MAX_FAN_OUT = 1000.0
"""Calls one request entering the system may become at any one service, over all the
call paths that reach it: the bound of a single call edge's ``per_request`` too.

Why 1,000: a real request fans out to a few calls per service and reaches one service a
handful of times (a page calling several backends, a scatter-gather over shards: ~1-100
calls to one service per incoming request at the far end). 1,000 is ten times past that,
so no plausible system is refused; past it the call graph is mis-stated (one
millisecond of CPU per call is already a CPU-second per incoming request, and no latency
objective holds), and chained fan-out (a diamond-shaped graph doubles its paths at each
level) overflows every figure and every size derived from it. Unset ``per_request``
splits a caller's requests among its callees, so only stated rates reach the bound."""


@dataclass(frozen=True)
class Amplification:
    """The first service (callers first) that one incoming request reaches as more than a
    bound of calls: ``calls`` per request entering the system, over ``paths`` distinct
    call paths from the entry services; ``route`` the heaviest of them
    (``web ×40 → api ×30 → pricing``), whose last call edge is
    ``system.services[caller_index].calls[call_index]``."""

    service: str
    calls: float
    paths: int
    route: str
    caller_index: int
    call_index: int


@dataclass(frozen=True)
class SemanticIssue:
    loc: Loc
    message: str
    fix: str


def check_semantics(req: Requirements, known_regions: Collection[str]) -> list[SemanticIssue]:
    """Every cross-field problem in ``req``, in a stable order."""
    checks = (
        _unique_names,
        _calls,
        _uses,
        _service_shapes,
        _datastore_roles,
        _traffic_form,
        _traffic_shares,
        _compliance,
    )
    issues = [issue for check in checks for issue in check(req)]
    cycles = list(_call_cycles(req))
    issues.extend(cycles)
    if not cycles:
        issues.extend(_fan_out(req))
    issues.extend(_region(req, known_regions))
    issues.extend(_domains(req))
    return issues


def _unique_names(req: Requirements) -> Iterator[SemanticIssue]:
    seen: dict[str, str] = {}
    groups = (
        ("services", [s.name for s in req.system.services]),
        ("datastores", [d.name for d in req.system.datastores]),
        ("queues", [q.name for q in req.system.queues]),
    )
    for group, names in groups:
        for index, name in enumerate(names):
            where = f"system.{group}[{index}]"
            if name in seen:
                yield SemanticIssue(
                    ("system", group, index, "name"),
                    f"duplicate name {name!r} (already used by {seen[name]})",
                    "rename one of them: a name identifies AWS resources, DNS records and "
                    "Kubernetes objects, so services, datastores and queues share one namespace",
                )
            else:
                seen[name] = where


def _calls(req: Requirements) -> Iterator[SemanticIssue]:
    services = {s.name: s for s in req.system.services}
    stores = {d.name for d in req.system.datastores} | {q.name for q in req.system.queues}
    for index, service in enumerate(req.system.services):
        seen: set[str] = set()
        for call_index, call in enumerate(service.calls):
            loc: Loc = ("system", "services", index, "calls", call_index)
            target = call.service
            if target in seen:
                yield SemanticIssue(loc, f"{target!r} is listed twice", "list each service once")
                continue
            seen.add(target)
            if target == service.name:
                yield SemanticIssue(
                    loc,
                    f"service {service.name!r} calls itself (a synchronous call cycle)",
                    "remove the self-call; a request loop cannot be sized or kept available",
                )
            elif target in stores:
                yield SemanticIssue(
                    loc,
                    f"{target!r} is a datastore or queue, not a service",
                    f"move {target!r} from calls to uses",
                )
            elif target not in services:
                yield SemanticIssue(
                    loc, f"no service named {target!r}", _suggest(target, services, "services")
                )
            elif not services[target].type.serves_requests:
                kind = services[target].type.value
                yield SemanticIssue(
                    loc,
                    f"{target!r} is a {kind}; it does not serve synchronous calls",
                    f"publish to a queue that {target!r} consumes (list the queue in both "
                    "services' uses), or make it an api",
                )


def _uses(req: Requirements) -> Iterator[SemanticIssue]:
    services = {s.name for s in req.system.services}
    stores = {d.name for d in req.system.datastores} | {q.name for q in req.system.queues}
    for index, service in enumerate(req.system.services):
        seen: set[str] = set()
        for use_index, target in enumerate(service.uses):
            loc: Loc = ("system", "services", index, "uses", use_index)
            if target in seen:
                yield SemanticIssue(loc, f"{target!r} is listed twice", "list each one once")
                continue
            seen.add(target)
            if target in services:
                yield SemanticIssue(
                    loc,
                    f"{target!r} is a service, not a datastore or queue",
                    f"move {target!r} from uses to calls",
                )
            elif target not in stores:
                yield SemanticIssue(
                    loc,
                    f"no datastore or queue named {target!r}",
                    _suggest(target, stores, "system.datastores or system.queues"),
                )


def _service_shapes(req: Requirements) -> Iterator[SemanticIssue]:
    for index, service in enumerate(req.system.services):
        base: Loc = ("system", "services", index)
        if service.type is ServiceType.CRON and service.schedule is None:
            yield SemanticIssue(
                (*base, "schedule"),
                "a cron service needs a schedule",
                'add `schedule: "*/15 * * * *"` (5 cron fields) or @hourly',
            )
        if service.type is not ServiceType.CRON and service.schedule is not None:
            yield SemanticIssue(
                (*base, "schedule"),
                f"only cron services run on a schedule; {service.name!r} is a {service.type.value}",
                "remove schedule, or set `type: cron`",
            )
        if service.schedule is not None and service.type is ServiceType.CRON:
            problem = cron_problem(service.schedule)
            if problem:
                yield SemanticIssue(
                    (*base, "schedule"),
                    f"{service.schedule!r}: {problem}",
                    "write 5 fields: minute hour day-of-month month day-of-week, "
                    'e.g. "0 3 * * *", or @hourly/@daily/@weekly/@monthly',
                )
        if service.public and not service.type.serves_requests:
            yield SemanticIssue(
                (*base, "public"),
                f"a {service.type.value} cannot be public; it serves no requests",
                "remove `public: true`, or make the service a web or api",
            )
        if service.traffic_share is not None and not service.type.serves_requests:
            yield SemanticIssue(
                (*base, "traffic_share"),
                f"a {service.type.value} receives no request traffic",
                "remove traffic_share",
            )


def _datastore_roles(req: Requirements) -> Iterator[SemanticIssue]:
    for index, store in enumerate(req.system.datastores):
        if (
            store.engine is not DatastoreEngine.REDIS
            and store.role is not None
            and store.role is not DatastoreRole.PRIMARY
        ):
            yield SemanticIssue(
                ("system", "datastores", index, "role"),
                f"role {store.role.value!r} applies to redis only; {store.engine.value} holds "
                "primary data",
                "remove role, or use `engine: redis` for a cache or session store",
            )


def _traffic_form(req: Requirements) -> Iterator[SemanticIssue]:
    traffic = req.traffic
    users, rpm, rps = (
        traffic.concurrent_users,
        traffic.requests_per_user_per_minute,
        traffic.requests_per_second,
    )
    if rps is not None and (users is not None or rpm is not None):
        yield SemanticIssue(
            ("traffic", "requests_per_second"),
            "traffic is given both as users and as requests per second",
            "keep one form: concurrent_users + requests_per_user_per_minute, "
            "or requests_per_second",
        )
    elif rpm is not None and users is None:
        yield SemanticIssue(
            ("traffic", "requests_per_user_per_minute"),
            "requests per user needs concurrent_users beside it",
            "add traffic.concurrent_users, or give requests_per_second instead",
        )
    if not any(s.type.serves_requests for s in req.system.services):
        yield SemanticIssue(
            ("system", "services"),
            "traffic is given but no web or api service receives it",
            "add the web or api service that requests arrive at",
        )
    growth = traffic.growth
    if growth is None:
        return
    if (growth.concurrent_users is None) == (growth.requests_per_second is None):
        yield SemanticIssue(
            ("traffic", "growth"),
            "growth needs exactly one target: concurrent_users or requests_per_second",
            "e.g. `growth: {concurrent_users: 100000, months: 6}`",
        )
    elif growth.concurrent_users is not None and rpm is None:
        yield SemanticIssue(
            ("traffic", "growth", "concurrent_users"),
            "a growth target in users needs traffic.requests_per_user_per_minute",
            "give the growth target as requests_per_second instead",
        )


def _traffic_shares(req: Requirements) -> Iterator[SemanticIssue]:
    shares = [
        (index, s.traffic_share)
        for index, s in enumerate(req.system.services)
        if s.traffic_share is not None
    ]
    if not shares:
        return
    entry = entry_services(req)
    for index, _share in shares:
        name = req.system.services[index].name
        if name not in entry:
            yield SemanticIssue(
                ("system", "services", index, "traffic_share"),
                f"{name!r} is not an entry service (public, or not called by another service)",
                "remove traffic_share; its traffic follows from the services that call it",
            )
    total = sum(share for _, share in shares)
    if total > 1 + SHARE_TOLERANCE:
        yield SemanticIssue(
            ("system", "services", shares[-1][0], "traffic_share"),
            f"traffic shares add up to {total:g}, more than 1",
            "make the shares of entry services add up to 1",
        )
    elif len(shares) == len(entry) and abs(total - 1) > SHARE_TOLERANCE:
        yield SemanticIssue(
            ("system", "services", shares[-1][0], "traffic_share"),
            f"every entry service has a share but they add up to {total:g}",
            "make the shares add up to 1, or leave one unset to take the rest",
        )
    elif len(shares) < len(entry) and total >= 1 - SHARE_TOLERANCE:
        with_share = {req.system.services[index].name for index, _ in shares}
        left = [name for name in entry if name not in with_share]
        yield SemanticIssue(
            ("system", "services", shares[-1][0], "traffic_share"),
            f"the shares add up to {total:g}, leaving nothing for {', '.join(left)}",
            "lower the shares so the remaining entry services get traffic",
        )


def _compliance(req: Requirements) -> Iterator[SemanticIssue]:
    seen: set[str] = set()
    for index, regime in enumerate(req.compliance):
        if regime.value in seen:
            yield SemanticIssue(
                ("compliance", index), f"{regime.value!r} is listed twice", "list each regime once"
            )
        seen.add(regime.value)


def _call_cycles(req: Requirements) -> Iterator[SemanticIssue]:
    index_of = {s.name: i for i, s in enumerate(req.system.services)}
    # self-calls are reported by _calls; longer cycles here
    graph = {
        s.name: [c.service for c in s.calls if c.service in index_of and c.service != s.name]
        for s in req.system.services
    }
    cycle = find_cycle(graph)
    if cycle:
        first = cycle[0]
        call_index = next(
            i
            for i, c in enumerate(req.system.services[index_of[first]].calls)
            if c.service == cycle[1]
        )
        path = " -> ".join(cycle)
        yield SemanticIssue(
            ("system", "services", index_of[first], "calls", call_index),
            f"synchronous call cycle {path}",
            "break the cycle: make one direction asynchronous through a queue; a request "
            "loop cannot be sized and turns one slow service into an outage of all of them",
        )


def _fan_out(req: Requirements) -> Iterator[SemanticIssue]:
    """A service that one incoming request reaches as more than :data:`MAX_FAN_OUT`
    calls, located at the call edge that carries most of them."""
    found = call_amplification(req, MAX_FAN_OUT)
    if found is None:
        return
    plural = "" if found.paths == 1 else "s"
    yield SemanticIssue(
        ("system", "services", found.caller_index, "calls", found.call_index),
        f"one request entering the system becomes {count_text(found.calls)} calls to "
        f"{found.service!r} along {count_text(found.paths)} call path{plural} (heaviest: "
        f"{found.route})",
        f"state per_request on the calls into {found.service!r} as traces show them (a "
        "call made on some requests only is a fraction, e.g. 0.25), lower it along the "
        f"chain, or batch the calls: at most {MAX_FAN_OUT:,.0f} calls per incoming request "
        "can reach one service",
    )


def call_amplification(req: Requirements, bound: float) -> Amplification | None:
    """The first service (callers first) that one request entering the system reaches as
    more than ``bound`` calls, over every call path (an entry service takes each incoming
    request once); None when every service stays within it.

    Linear in the call edges; the path counts are exact integers, so a graph whose paths
    double at each level is counted, not walked."""
    services = {s.name: s for s in req.system.services}
    index_of = {s.name: i for i, s in enumerate(req.system.services)}
    graph = {
        name: [c.service for c in s.calls if c.service in services and c.service != name]
        for name, s in services.items()
    }
    reached = dict.fromkeys(services, 0.0)
    paths = dict.fromkeys(services, 0)
    for name in entry_services(req):
        reached[name] = 1.0
        paths[name] = 1
    heaviest: dict[str, tuple[str, int, float]] = {}
    for name in topological_order(graph):
        if reached[name] > bound:
            caller, call_index, _ = heaviest[name]
            return Amplification(
                service=name,
                calls=reached[name],
                paths=paths[name],
                route=_heaviest_path(name, heaviest, services),
                caller_index=index_of[caller],
                call_index=call_index,
            )
        for call_index, (callee, per_request) in enumerate(services[name].call_rates()):
            if callee not in services or callee == name:
                continue
            carried = reached[name] * per_request
            reached[callee] += carried
            paths[callee] += paths[name]
            if carried > heaviest.get(callee, ("", 0, -1.0))[2]:
                heaviest[callee] = (name, call_index, carried)
    return None


def count_text(value: float) -> str:
    """``1,597`` or, past what digits can be read, ``1.2e+43``."""
    return f"{value:,.0f}" if value < 1e15 else f"{float(value):.3g}"


def _heaviest_path(
    target: str, heaviest: dict[str, tuple[str, int, float]], services: dict[str, Service]
) -> str:
    """``web ×40 → api ×30 → pricing``: the calls that carry most of the fan-out."""
    steps = [target]
    current = target
    while current in heaviest and len(steps) <= len(services):
        caller, call_index, _ = heaviest[current]
        per = services[caller].call_rates()[call_index][1]
        steps.append(f"{caller} ×{per:g}")
        current = caller
    return " → ".join(reversed(steps))


def topological_order(graph: dict[str, list[str]]) -> list[str]:
    """Nodes of an acyclic ``graph`` with every node before those it points at;
    deterministic (ties in sorted order). Iterative: call chains can be long."""
    incoming = dict.fromkeys(graph, 0)
    for targets in graph.values():
        for target in targets:
            incoming[target] = incoming.get(target, 0) + 1
    ready = sorted((n for n, count in incoming.items() if count == 0), reverse=True)
    order: list[str] = []
    while ready:
        node = ready.pop()
        order.append(node)
        for target in sorted(set(graph.get(node, [])), reverse=True):
            incoming[target] -= graph[node].count(target)
            if incoming[target] == 0:
                ready.append(target)
    return order


def _region(req: Requirements, known_regions: Collection[str]) -> Iterator[SemanticIssue]:
    region = req.cloud.region
    if known_regions and region not in known_regions:
        yield SemanticIssue(
            ("cloud", "region"),
            f"unknown AWS region {region!r}",
            _suggest(region, known_regions, "regions"),
        )


def _domains(req: Requirements) -> Iterator[SemanticIssue]:
    """Each environment's name lies in its hosted zone (ACM validates it there), and the
    two environments do not claim the same name."""
    domains = req.cloud.domains
    if domains is None:
        return
    for env, domain in (("staging", domains.staging), ("prod", domains.prod)):
        if domain.name != domain.hosted_zone and not domain.name.endswith("." + domain.hosted_zone):
            yield SemanticIssue(
                ("cloud", "domains", env, "name"),
                f"{domain.name!r} is not in the hosted zone {domain.hosted_zone!r}",
                f"use a name ending in .{domain.hosted_zone}, or the zone that holds {domain.name}",
            )
    if domains.staging.name == domains.prod.name:
        yield SemanticIssue(
            ("cloud", "domains", "staging", "name"),
            f"staging and prod both claim {domains.prod.name!r}",
            f"give staging a name of its own, e.g. staging.{domains.prod.name}",
        )


def find_cycle(graph: dict[str, list[str]]) -> list[str]:
    """A cycle in ``graph`` as ``[a, b, ..., a]``, or ``[]``; deterministic (sorted walk).

    Iterative depth-first search: a call chain of thousands of services must not
    exhaust Python's recursion limit."""
    state: dict[str, int] = {}
    for start in sorted(graph):
        if start in state:
            continue
        state[start] = 1
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(graph.get(start, [])))]
        while stack:
            node, pending = stack[-1]
            nxt = next(pending, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                path = [n for n, _ in stack]
                return [*path[path.index(nxt) :], nxt]
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(graph.get(nxt, []))))
    return []


def entry_services(req: Requirements) -> list[str]:
    """Where the system's traffic arrives: public services, else the web/api ones no
    other web/api calls (a worker or cron job calling a service does not make it an
    internal hop: with every entry called by a worker, traffic arrived nowhere)."""
    serving = [s for s in req.system.services if s.type.serves_requests]
    public = [s.name for s in serving if s.public]
    if public:
        return public
    called = {c.service for s in serving for c in s.calls}
    return [s.name for s in serving if s.name not in called]


_CRON_FIELDS = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 7),
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_CRON_NAMES = {
    3: {month: number for number, month in enumerate(_MONTHS, start=1)},
    4: {day: number for number, day in enumerate(_WEEKDAYS)},
}
_CRON_MACROS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
_CRON_ITEM = re.compile(r"^(\*|[a-z0-9]+(-[a-z0-9]+)?)(/(\d+))?$")


def cron_problem(expression: str) -> str | None:
    """What is wrong with a Kubernetes CronJob schedule, or ``None`` if it is valid."""
    text = expression.strip().lower()
    if text in _CRON_MACROS:
        return None
    fields = text.split()
    if len(fields) != 5:
        return f"has {len(fields)} fields, a cron schedule has 5"
    for position, (raw, (label, low, high)) in enumerate(zip(fields, _CRON_FIELDS, strict=True)):
        names = _CRON_NAMES.get(position, {})
        for item in raw.split(","):
            match = _CRON_ITEM.match(item)
            if not match:
                return f"{label} field {raw!r} is not valid"
            if match.group(4) is not None and int(match.group(4)) == 0:
                return f"{label} field {raw!r} has a step of 0"
            if match.group(1) == "*":
                continue
            for bound in match.group(1).split("-"):
                value = names.get(bound) if not bound.isdigit() else int(bound)
                if value is None or not low <= value <= high:
                    return f"{label} field {raw!r} is outside {low}-{high}"
    if fields[2] != "*" and fields[4] != "*":
        # cron runs when EITHER field matches; EventBridge (ECS schedules) cannot say so
        return (
            "restricts both day of month and day of week (cron runs when either matches, "
            "which EventBridge cannot express): keep one of them as *"
        )
    return None


_MACRO_FIELDS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}


def five_fields(expression: str) -> str:
    """A valid schedule as its five fields: macros spelled out, spacing normalised.
    Not every consumer reads macros (EventBridge's cron() does not)."""
    text = expression.strip()
    return _MACRO_FIELDS.get(text.lower(), " ".join(text.split()))


def eventbridge_cron(expression: str) -> str:
    """A valid schedule as the body of EventBridge's ``cron(...)``: six fields, a ``?`` in
    whichever day field is unrestricted, and days of the week as names, since EventBridge
    numbers them 1-7 from Sunday where cron numbers them 0-6 (and 7) from Sunday
    (EventBridge User Guide, "Cron expressions reference")."""
    minute, hour, day, month, weekday = five_fields(expression).split()
    if weekday == "*":
        return f"{minute} {hour} {day} {month} ? *"
    days = sorted({d % 7 for d in _cron_values(weekday.lower(), 0, 7, _CRON_NAMES[4])})
    return f"{minute} {hour} ? {month} {_weekday_names(days)} *"


def _weekday_names(days: list[int]) -> str:
    """Days 0-6 as EventBridge names, consecutive runs as ranges: [1..5] -> MON-FRI."""
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    names = [_WEEKDAYS[d].upper() for d in range(7)]
    return ",".join(names[r[0]] if len(r) == 1 else f"{names[r[0]]}-{names[r[-1]]}" for r in runs)


DAYS_PER_MONTH = 365 / 12
_MACRO_RUNS = {
    "@yearly": 1 / 12,
    "@annually": 1 / 12,
    "@monthly": 1.0,
    "@weekly": DAYS_PER_MONTH / 7,
    "@daily": DAYS_PER_MONTH,
    "@midnight": DAYS_PER_MONTH,
    "@hourly": DAYS_PER_MONTH * 24,
}


def cron_runs_per_month(expression: str) -> float:
    """How often a valid schedule runs in an average month (cron ORs day-of-month and
    day-of-week when both are restricted)."""
    text = expression.strip().lower()
    if text in _MACRO_RUNS:
        return _MACRO_RUNS[text]
    minute, hour, day, month, weekday = text.split()
    runs_per_day = len(_cron_values(minute, 0, 59, {})) * len(_cron_values(hour, 0, 23, {}))
    days = _cron_values(day, 1, 31, {})
    weekdays = {d % 7 for d in _cron_values(weekday, 0, 7, _CRON_NAMES[4])}
    # Days of the month that exist in an average month (29-31 are missing in some).
    by_date = sum(_MONTHS_WITH_DAY.get(d, 1.0) for d in days)
    by_weekday = len(weekdays) * DAYS_PER_MONTH / 7
    if day == "*" and weekday == "*":
        per_month = DAYS_PER_MONTH
    elif weekday == "*":
        per_month = by_date
    elif day == "*":
        per_month = by_weekday
    else:
        per_month = by_date + by_weekday
    months = len(_cron_values(month, 1, 12, _CRON_NAMES[3]))
    return runs_per_day * per_month * months / 12


_MONTHS_WITH_DAY = {29: 11.25 / 12, 30: 11 / 12, 31: 7 / 12}


def _cron_values(raw: str, low: int, high: int, names: dict[str, int]) -> set[int]:
    values: set[int] = set()
    for item in raw.split(","):
        match = _CRON_ITEM.match(item)
        if match is None:
            continue
        step = int(match.group(4) or 1)
        if match.group(1) == "*":
            start, end = low, high
        else:
            bounds = [names[b] if not b.isdigit() else int(b) for b in match.group(1).split("-")]
            start = bounds[0]
            # "5/15" runs from 5 to the end of the range; "5" alone is just 5.
            end = bounds[-1] if len(bounds) > 1 or match.group(4) is None else high
        values.update(range(start, end + 1, step))
    return values


def _suggest(value: str, options: Collection[str], what: str) -> str:
    close = difflib.get_close_matches(value, sorted(options), n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    if not options:
        return f"define it under {what} first"
    listed = ", ".join(sorted(options)[:12])
    return f"use one of the {what}: {listed}"
