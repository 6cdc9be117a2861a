"""``infra-architect`` commands. Exit codes: 0 ok, 1 infeasible requirements (review: a new
finding at --fail-on), 2 bad input, 3 review incomplete (something could not be read)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from ruamel.yaml.comments import CommentedMap

from infra_architect import __version__
from infra_architect._display import printable
from infra_architect._io import PendingWrite, atomic_write_text, prepare_write
from infra_architect._output import WriteReport, write_tree
from infra_architect.catalog import Catalog, load_catalog
from infra_architect.cli._interview import ask_missing, ask_name, ask_optional_number
from infra_architect.cli._render import (
    render_constraints,
    render_design_summary,
    render_explanation,
    render_review,
    render_simulation,
    render_terraform_cost,
    render_validation,
)
from infra_architect.cost import explain as explain_bill
from infra_architect.cost import explanation_json, read_export
from infra_architect.cost._refresh import dump_price_catalog, read_price_catalog, refresh_catalog
from infra_architect.cost._terraform import TerraformCost, TreeFiles, price_terraform
from infra_architect.engine import (
    AssumptionCost,
    Constraints,
    Design,
    ImpossiblePinError,
    check_pins,
    derive_constraints,
    design_only_checks,
    design_system,
    price_assumptions,
)
from infra_architect.engine.choose._resilience import spike_run
from infra_architect.errors import InfraArchitectError, InterviewAbortedError, Problem, SpecError
from infra_architect.render import (
    design_json_schema,
    render_all,
)
from infra_architect.review import (
    IGNORE_FILE,
    IgnoreFile,
    Kind,
    Limits,
    baseline_json,
    classify,
    read_baseline,
    read_ignore_file,
    review,
    walk,
)
from infra_architect.review._kustomize import kubectl_build
from infra_architect.review._report import report_json, report_markdown, report_sarif
from infra_architect.rules import Severity
from infra_architect.rules.terraform._values import Budget
from infra_architect.simulate import plot as spike_plot
from infra_architect.spec import (
    API_VERSION,
    KIND,
    SCHEMA_FILENAME,
    MissingInputsError,
    Question,
    Requirements,
    SpecDocument,
    locate,
    missing_inputs,
    parse_document,
    read_document,
    requirements_json_schema,
    validate_document,
)
from infra_architect.spec._answers import dump_document, set_answer
from infra_architect.spec._onboard import NewService, add_service
from infra_architect.spec._questions import find_missing
from infra_architect.validate import Toolchain, validate_tree

EXIT_INFEASIBLE = 1
EXIT_BAD_INPUT = 2
EXIT_INCOMPLETE = 3
"""review: something could not be read, so the findings cover only part of the tree."""
EXIT_INTERNAL = 70

BUNDLED_EXAMPLE = "ecommerce"

app = typer.Typer(
    name="infra-architect",
    help="Turn a system's requirements into a validated infrastructure design, and prove it.\n\n"
    "Start with `infra-architect design -o out` (the bundled example) or `infra-architect init`.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

PIPE_WIDTH = 120
"""Columns used when output is not a terminal (files, CI logs): wide enough for tables."""

stdout = Console(soft_wrap=False, width=None if sys.stdout.isatty() else PIPE_WIDTH)
stderr = Console(stderr=True, soft_wrap=True, highlight=False, emoji=False)
"""Messages, errors and interview prompts: stdout stays clean for --format json."""


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


def _version(value: bool) -> None:
    if value:
        stdout.print(f"infra-architect {__version__}", highlight=False)
        raise typer.Exit


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    if ctx.invoked_subcommand is None:
        stdout.print(ctx.get_help())


SpecArgument = Annotated[
    Path | None,
    typer.Argument(
        help="Requirements spec (YAML). Omit it to use the bundled e-commerce example.",
        show_default=False,
    ),
]
InteractiveOption = Annotated[
    bool | None,
    typer.Option(
        "--interactive/--no-interactive",
        help="Ask for missing required inputs. Default: ask when on a terminal.",
        show_default=False,
    ),
]


@app.command()
def constraints(
    spec: SpecArgument = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table for people, json for machines")
    ] = OutputFormat.TABLE,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show how every service was sized.")
    ] = False,
    interactive: InteractiveOption = None,
) -> None:
    """Derive what the requirements demand: error budget, traffic, capacity per service,
    AZs and regions, recovery, what the team can run, the cost floor, conflicts and
    assumptions. Exit 1 when requirements conflict, 2 on bad input."""
    source, requirements = _load(spec, interactive)
    catalog = load_catalog()
    result = derive_constraints(requirements, catalog)
    try:
        # design refuses a pinned decision that cannot hold (exit 2); so does this
        check_pins(requirements, result, catalog)
    except ImpossiblePinError as exc:
        raise _pin_error(spec, source, exc) from None
    design_checks = design_only_checks(requirements, result)
    # what the bill rests on needs the design's choosers: only for a spec they can design
    costs = price_assumptions(requirements, catalog) if result.feasible else []
    if output is OutputFormat.JSON:
        sys.stdout.write(constraints_json(result, source, design_checks, costs) + "\n")
    else:
        render_constraints(
            stdout,
            result,
            source,
            explain=explain,
            design_checks=design_checks,
            assumption_costs=costs,
        )
    if not result.feasible:
        raise typer.Exit(EXIT_INFEASIBLE)


def constraints_json(
    result: Constraints,
    source: str,
    design_checks: list[str],
    assumption_costs: list[AssumptionCost] | None = None,
) -> str:
    document = {
        "apiVersion": API_VERSION,
        "kind": "Constraints",
        "spec": source,
        "feasible": result.feasible,
        "checked_only_by_design": design_checks,
        "constraints": result.model_dump(mode="json"),
        "assumption_costs": [a.model_dump(mode="json") for a in assumption_costs or []],
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)


DEFAULT_OUTPUT = Path("infra-architect-out")


@app.command()
def design(
    spec: SpecArgument = None,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Directory for the design (created if missing)."),
    ] = DEFAULT_OUTPUT,
    force: Annotated[
        bool,
        typer.Option(help="Overwrite generated files even where you edited them."),
    ] = False,
    interactive: InteractiveOption = None,
    prices: Annotated[
        Path | None,
        typer.Option(
            "--prices", help="A price catalog from `prices refresh` instead of the shipped one."
        ),
    ] = None,
) -> None:
    """Design the infrastructure: decisions with alternatives, reasons and risks, failure
    scenarios with timings, and the documents (architecture, tech spec, runbooks,
    trade-offs, ADRs, Definition of Done, design.json). Exit 1 when the requirements
    conflict (the documents then say so loudly), 2 on bad input."""
    source, requirements = _load(spec, interactive)
    catalog = load_catalog()
    if prices is not None:
        catalog = catalog.model_copy(update={"price_catalog": read_price_catalog(prices)})
    try:
        result = design_system(requirements, catalog)
    except ImpossiblePinError as exc:
        raise _pin_error(spec, source, exc) from None
    files, unsupported = render_all(result)
    report = write_tree(output, files, force=force)
    render_design_summary(stdout, result, source, output, report)
    _print_write_notes(report)
    if unsupported is not None:
        stderr.print(f"[bold red]Terraform not generated:[/] {unsupported}")
    if not result.feasible or unsupported is not None:
        raise typer.Exit(EXIT_INFEASIBLE)


class ServiceKind(StrEnum):
    WEB = "web"
    API = "api"
    WORKER = "worker"
    CRON = "cron"


@app.command("add-service")
def add_service_command(
    name: Annotated[str, typer.Argument(help="The new service (a DNS label).")],
    *,
    kind: Annotated[ServiceKind, typer.Option("--type", help="web | api | worker | cron")],
    spec: Annotated[
        Path, typer.Option("--spec", help="The requirements spec to add it to.")
    ] = Path("infra-architect.yaml"),
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The generated tree to update.")
    ] = DEFAULT_OUTPUT,
    public: Annotated[bool, typer.Option(help="Reachable from the internet.")] = False,
    port: Annotated[int | None, typer.Option(help="Port it serves on (web/api).")] = None,
    calls: Annotated[list[str] | None, typer.Option(help="A service it calls (repeat).")] = None,
    uses: Annotated[
        list[str] | None, typer.Option(help="A datastore or queue it uses (repeat).")
    ] = None,
    called_by: Annotated[
        list[str] | None, typer.Option(help="A service that calls it (repeat).")
    ] = None,
    schedule: Annotated[str | None, typer.Option(help="Cron schedule (cron services).")] = None,
    cpu_ms_per_request: Annotated[
        float | None, typer.Option(help="CPU milliseconds per request (web/api).")
    ] = None,
    memory_mb: Annotated[int | None, typer.Option(help="Memory per replica in MiB.")] = None,
) -> None:
    """Onboard a service in one step: add it to the spec, then regenerate its design-doc
    section, Dockerfile, Kubernetes manifests (base and overlays), pipeline and Argo CD
    sync, Terraform (role, repository) — leaving every file you edited as it is."""
    if not spec.is_file():
        _fail(f"{spec}: no such spec\n  fix: pass --spec, or run `infra-architect init`")
    document = read_document(spec)
    new = NewService(
        name=name,
        type=kind.value,
        public=public,
        port=port,
        calls=list(calls or []),
        uses=list(uses or []),
        called_by=list(called_by or []),
        schedule=schedule,
        cpu_ms_per_request=cpu_ms_per_request,
        memory_mb=memory_mb,
    )
    add_service(document.tree, new, document.source)
    text = dump_document(document.tree)
    requirements = validate_document(parse_document(text, document.source), load_catalog().regions)
    try:
        result = design_system(requirements, load_catalog())
    except ImpossiblePinError as exc:
        raise _pin_error(spec, document.source, exc) from None
    files, unsupported = render_all(result)
    report = _write_tree_then_spec(output, files, spec, text)
    stderr.print(f"added {name} ({kind.value}) to {spec}")
    render_design_summary(stdout, result, document.source, output, report)
    _print_write_notes(report)
    for rel in sorted(report.written):
        if f"/{name}" in rel or rel.endswith(f"{name}.yml"):
            stdout.print(f"  + {rel}", highlight=False)
    if unsupported is not None:
        stderr.print(f"[bold red]Terraform not generated:[/] {unsupported}")
    if not result.feasible or unsupported is not None:
        raise typer.Exit(EXIT_INFEASIBLE)


def _write_tree_then_spec(
    output: Path, files: dict[str, str], spec: Path, text: str
) -> WriteReport:
    """Update the tree, then the spec, so a failure never leaves a spec that names a
    service its tree lacks: the spec's new text is staged once the whole tree is (both are
    known writable), the tree is swapped in, and the spec replaced last. If the tree write
    stops part way the spec is unchanged and the same command finishes it; if only the
    spec's rename fails, the same command adds the service again over an up-to-date tree."""
    staged: list[PendingWrite] = []

    def stage_spec() -> None:
        try:
            staged.append(prepare_write(spec, text.encode("utf-8")))
        except OSError as exc:
            _fail(
                f"{spec}: cannot be written ({exc.strerror or exc}); nothing was changed\n"
                "  fix: make the spec and its directory writable"
            )

    try:
        report = write_tree(output, files, force=False, keep_edited=True, before_swap=stage_spec)
    except BaseException:
        for pending in staged:
            pending.discard()
        raise
    try:
        for pending in staged:
            pending.commit()
    except OSError as exc:
        _fail(
            f"{spec}: cannot be written ({exc.strerror or exc}); {output} was updated\n"
            "  fix: make the spec writable and run the same command again"
        )
    return report


def _print_write_notes(report: WriteReport) -> None:
    """What the write ignored or recovered; on stderr, so --format json stays clean."""
    for note in report.notes:
        stderr.print(f"note: {note}", markup=False)
    if report.recovered:
        stderr.print(
            f"note: finished an interrupted run ({len(report.recovered)} files it had "
            "written were recognised by its journal)",
            markup=False,
        )


def _pin_error(spec: Path | None, source: str, exc: ImpossiblePinError) -> SpecError:
    tree: object = None
    if spec is not None:
        tree = read_document(spec).tree
    problems = []
    for pin in exc.problems:
        line, column = locate(tree, pin.field.split(".")) if tree is not None else (None, None)
        problems.append(
            Problem(
                field=pin.field,
                message=f"{pin.value!r} cannot hold: {pin.reason}",
                fix=pin.fix,
                line=line,
                column=column,
            )
        )
    return SpecError(source, problems)


@app.command()
def validate(
    tree: Annotated[
        Path,
        typer.Argument(help="A tree written by `infra-architect design`.", show_default=False),
    ] = DEFAULT_OUTPUT,
    plugin_dir: Annotated[
        Path | None,
        typer.Option(
            "--plugin-dir",
            help="Local provider mirror for offline terraform init (default: "
            "$INFRA_ARCHITECT_PLUGIN_DIR or the usual plugin directories; TF_CLI_CONFIG_FILE "
            "is honoured when none is found).",
        ),
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table for people, json for machines")
    ] = OutputFormat.TABLE,
    require_tools: Annotated[
        bool,
        typer.Option(help="Treat a missing tool as a failure (CI)."),
    ] = False,
) -> None:
    """Check a generated tree with the real tools: terraform fmt -check, init
    -backend=false and validate per environment, checkov, and infra-architect's own
    rules. Exit 1 on any failure (or any skip with --require-tools)."""
    if not tree.is_dir():
        _fail(f"{tree}: no such directory; run `infra-architect design -o {tree}` first")
    report = validate_tree(tree, Toolchain.discover(plugin_dir))
    if output is OutputFormat.JSON:
        document = {
            "apiVersion": API_VERSION,
            "kind": "ValidationReport",
            "ok": report.ok,
            **report.model_dump(mode="json"),
        }
        _print_json(document)
    else:
        render_validation(stdout, report)
    if not report.ok or (require_tools and report.skipped):
        raise typer.Exit(EXIT_INFEASIBLE)


@app.command()
def schema(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help=f"Write to a file (e.g. {SCHEMA_FILENAME})."),
    ] = None,
    design: Annotated[
        bool, typer.Option("--design", help="The schema of design.json instead of the spec.")
    ] = False,
) -> None:
    """Print the JSON Schema of the requirements spec, for editors and CI.

    With yaml-language-server, put `# yaml-language-server: $schema=<file>` at the top
    of a spec for completion and checks as you type. --design: the schema of design.json."""
    document = design_json_schema() if design else requirements_json_schema()
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        atomic_write_text(output, text)
        stderr.print(f"wrote {output}")


prices_app = typer.Typer(
    help="The price catalog: show it, refresh it from the AWS Price List API.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(prices_app, name="prices")


@prices_app.command("show")
def prices_show() -> None:
    """The shipped catalog: version, date, regions and item count."""
    prices = load_catalog().price_catalog
    stdout.print(
        f"price catalog version {prices.version}, prices as of {prices.as_of}, "
        f"{len(prices.items)} items in {', '.join(prices.regions)}",
        markup=False,
    )


@prices_app.command("refresh")
def prices_refresh(
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Where to write the refreshed catalog (YAML)."),
    ] = Path("prices.yaml"),
) -> None:
    """Rewrite the catalog's figures from the AWS Price List API (needs boto3 and AWS
    credentials; the API is free). Without credentials it says it is offline and shows
    the catalog's date. Use the result with `design --prices FILE`."""
    prices = load_catalog().price_catalog
    shipped = f"the shipped catalog is version {prices.version}, prices as of {prices.as_of}"
    try:
        import boto3  # type: ignore[import-untyped]  # noqa: PLC0415  (only this command talks to AWS)
        from botocore.exceptions import (  # type: ignore[import-untyped]  # noqa: PLC0415
            BotoCoreError,
            ClientError,
        )
    except ImportError:
        stderr.print(f"offline: boto3 is not installed (pip install boto3); {shipped}")
        return
    session = boto3.Session()
    if session.get_credentials() is None:
        stderr.print(f"offline: no AWS credentials found; {shipped}")
        return
    client = session.client("pricing", region_name="us-east-1")
    try:
        result = refresh_catalog(prices, client, datetime.now(UTC).date().isoformat())
    except (BotoCoreError, ClientError) as exc:
        stderr.print(f"offline: the Price List API did not answer ({exc}); {shipped}")
        raise typer.Exit(1) from None
    atomic_write_text(output, dump_price_catalog(result.catalog))
    stderr.print(
        f"wrote {output}: version {result.catalog.version}, {len(result.changes)} prices "
        f"changed, {result.unchanged} unchanged, {len(result.kept)} kept (listed below)"
    )
    for change in result.changes:
        stdout.print(
            f"{change.item} {change.region} {change.term}: {change.old:g} -> {change.new:g}",
            markup=False,
        )
    for kept in result.kept:
        stdout.print(f"kept: {kept}", markup=False)


@app.command("cost")
def cost(  # noqa: PLR0917  (Typer: arguments and options)
    target: Annotated[
        str,
        typer.Argument(
            metavar="DIR | explain",
            help="A Terraform root module to price, or `explain` followed by a cost export.",
        ),
    ],
    export: Annotated[
        Path | None,
        typer.Argument(metavar="[EXPORT.csv]", help="With `explain`: a CUR or Cost Explorer CSV."),
    ] = None,
    region: Annotated[
        str, typer.Option("--region", help="DIR: the region whose list prices apply.")
    ] = "us-east-1",
    before: Annotated[
        str | None, typer.Option("--before", help="explain: month to compare from (YYYY-MM).")
    ] = None,
    after: Annotated[
        str | None, typer.Option("--after", help="explain: month to compare to (default: last).")
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="explain: movers to list.")] = 10,
    output_format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    tree: Annotated[
        Path | None,
        typer.Option(
            "--tree",
            help="DIR: the repository its modules may come from (default: DIR itself); "
            "nothing outside it is read.",
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=1, help="DIR: seconds for reading and evaluating.")
    ] = 120.0,
) -> None:
    """Price an existing Terraform tree (`cost DIR`), or explain a bill's change
    (`cost explain EXPORT.csv`).

    DIR: the resources the model knows, with the counts and sizes in the code; what
    depends on traffic, is not static or is not known is listed, never guessed (parsed,
    never executed). It reads DIR (or --tree, for modules in `../`) as review reads a
    tree: regular files, no symlink out, bounded; what it could not read is listed.
    explain: month-over-month change by service and usage type, the top
    movers with their share of the increase, and the levers for each (none removes
    redundancy)."""
    if output_format not in ("table", "json"):
        _fail(f"--format {output_format!r}: use table or json")
    if target == "explain":
        if export is None:
            _fail("cost explain: name the export\n  fix: infra-architect cost explain cur.csv")
        # streamed: the export is summed as it is read, never held whole
        result = explain_bill(read_export(export), before, after, top)
        if output_format == "json":
            sys.stdout.write(explanation_json(result))
            return
        render_explanation(stdout, result)
        return
    directory = Path(target)
    if export is not None:
        _fail(f"cost {target} {export}: one directory at a time\n  fix: infra-architect cost DIR")
    if not directory.is_dir() or not any(directory.glob("*.tf")):
        _fail(f"{directory}: not a directory with .tf files\n  fix: pass a Terraform root module")
    priced = _price_directory(directory, tree or directory, region, timeout)
    if tree is None and any(
        s.endswith("leaves the reviewed tree (not read)") for s in priced.skipped
    ):
        stderr.print(
            f"note: modules outside {directory} were not read; to price them, name the "
            "repository that holds them: --tree REPO",
            markup=False,
        )
    if output_format == "json":
        _print_json(priced.model_dump(mode="json"))
        return
    render_terraform_cost(stdout, priced)


def _price_directory(directory: Path, tree: Path, region: str, seconds: float) -> TerraformCost:
    """``cost DIR``: the tree walked as a review walks it (the same limits, no link out
    of it), the root module at DIR priced from what was read, the rest listed."""
    start = time.monotonic()
    base, root = tree.resolve(), directory.resolve()
    if not tree.is_dir() or (root != base and base not in root.parents):
        _fail(f"--tree {tree}: must be a directory that holds {directory}")
    walked = walk(base, Limits(seconds=seconds))
    files: dict[Path, list[tuple[Path, str]]] = {}
    for found in walked.files:
        if found.kind is Kind.TERRAFORM:
            path = base / found.path
            files.setdefault(path.parent.resolve(), []).append((path, found.text))
    unread = [
        f"{s.path}: {s.reason}"
        for s in walked.skipped
        if not s.by_design and classify(s.path) in (Kind.TERRAFORM, None)  # not YAML's
    ]
    if walked.stopped is not None:
        unread.append(f"{tree}: the walk stopped early ({walked.stopped})")
    if root not in files:
        named = {u.partition(": ")[0] for u in unread}
        rel = "" if root == base else f"{root.relative_to(base).as_posix()}/"
        unread += [
            f"{rel}{p.name}: not a regular file, or unreadable"
            for p in sorted(directory.glob("*.tf"))
            if f"{rel}{p.name}" not in named
        ]
        listed = "".join(f"\n  {u}" for u in unread)
        _fail(
            f"{directory}: none of its .tf files could be read{listed}\n"
            "  fix: pass a directory of regular .tf files inside the tree"
        )
    budget = Budget(deadline=start + seconds)
    prices = load_catalog().price_catalog
    return price_terraform(root, prices, region, TreeFiles(base, files, unread), budget)


FAIL_LEVELS = ("critical", "high", "medium", "low", "none")


@app.command("review")
def review_command(  # noqa: PLR0917  (Typer: arguments and options)
    path: Annotated[Path, typer.Argument(help="The repository or directory to review.")],
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="table, json, sarif or markdown.")
    ] = "table",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report here (not stdout).")
    ] = None,
    fail_on: Annotated[
        str,
        typer.Option(
            "--fail-on", help="Exit 1 on a new finding this severe: " + ", ".join(FAIL_LEVELS) + "."
        ),
    ] = "high",
    slo: Annotated[
        float | None,
        typer.Option(
            "--slo",
            min=0,
            max=100,
            help="The system's availability SLO (enables the availability rules).",
        ),
    ] = None,
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="Accepted findings: only new ones count.")
    ] = None,
    write_baseline: Annotated[
        Path | None,
        typer.Option("--write-baseline", help="Record today's findings as accepted."),
    ] = None,
    max_file_mb: Annotated[float, typer.Option("--max-file-mb", min=0.001)] = 5.0,
    max_files: Annotated[int, typer.Option("--max-files", min=1)] = 50_000,
    timeout: Annotated[float, typer.Option("--timeout", min=1, help="Seconds.")] = 120.0,
    allow_incomplete: Annotated[
        bool,
        typer.Option(
            "--allow-incomplete",
            help="Do not fail (exit 3) when something could not be read; the report "
            "still says what.",
        ),
    ] = False,
) -> None:
    """Review existing infrastructure code: Terraform (local modules, variables, locals,
    count; parsed, never run), Kubernetes YAML and kustomizations, with the rules that
    guard generated output. Suppress with a reason (inline `# infra-architect:ignore ID --
    why`, or .infra-architect-ignore.yaml); adopt on a legacy repo with a baseline.

    Exit 0: everything was read and no new finding reaches --fail-on. Exit 1: a new
    finding reaches --fail-on. Exit 2: bad input. Exit 3: the review is incomplete (a file
    not read: not UTF-8, over --max-file-mb, not parsable, a symlink out of the tree; a
    kustomize overlay not built: refused, failed or no kubectl; the walk stopped at
    --max-files, the depth limit or --timeout), whatever the findings; the report lists
    what and why, --allow-incomplete accepts it. Left out by design, listed but not
    failing: kustomize patches (reviewed through their overlay), Helm templates, remote
    and out-of-tree Terraform modules."""
    if output_format not in ("table", "json", "sarif", "markdown"):
        _fail(f"--format {output_format!r}: use table, json, sarif or markdown")
    if fail_on not in FAIL_LEVELS:
        _fail(f"--fail-on {fail_on!r}: use one of {', '.join(FAIL_LEVELS)}")
    if not path.is_dir():
        _fail(f"{path}: not a directory\n  fix: pass the repository's root directory")
    for option, target in (("--output", output), ("--write-baseline", write_baseline)):
        if target is not None:
            _check_writable(option, target)
    ignore = _review_ignore_file(path)
    accepted = read_baseline(baseline) if baseline is not None else None
    limits = Limits(
        max_file_bytes=int(max_file_mb * 1024 * 1024), max_files=max_files, seconds=timeout
    )
    kubectl = shutil.which("kubectl")
    report = review(
        path,
        slo=slo,
        limits=limits,
        ignore=ignore,
        baseline=accepted,
        build=kubectl_build(kubectl) if kubectl else None,
    )
    if write_baseline is not None:
        _write_report(
            "--write-baseline",
            write_baseline,
            baseline_json(
                [(r.fingerprint, r.finding) for r in report.findings if r.suppressed is None]
            ),
        )
    text = {
        "json": report_json,
        "sarif": report_sarif,
        "markdown": report_markdown,
    }.get(output_format)
    if text is not None:
        rendered = text(report)
        if output is not None:
            _write_report("--output", output, rendered)
        else:
            sys.stdout.write(rendered)
    else:
        render_review(stdout, report, fail_on)
    if report.incomplete and not allow_incomplete:
        raise typer.Exit(EXIT_INCOMPLETE)
    level = None if fail_on == "none" else Severity(fail_on)
    if report.fails(level):
        raise typer.Exit(1)


def _review_ignore_file(root: Path) -> IgnoreFile | None:
    """The tree's own suppressions file: read only when it is a regular file inside the
    reviewed tree (the tree is untrusted: a link out of it is refused, not followed)."""
    ignore_path = root / IGNORE_FILE
    if not os.path.lexists(ignore_path):
        return None
    real, base = ignore_path.resolve(), root.resolve()
    if base not in real.parents:
        _fail(
            f"{ignore_path}: links outside the reviewed tree ({printable(str(real))}): "
            "not read\n"
            "  fix: make it a regular file in the repository"
        )
    return read_ignore_file(ignore_path)


def _check_writable(option: str, target: Path) -> None:
    """Refuse before reviewing when a report could not be written where asked."""
    if target.is_dir():
        _fail(f"{option} {target}: is a directory\n  fix: name a file to write")
    if not target.parent.is_dir():
        _fail(
            f"{option} {target}: {target.parent} is not a directory\n"
            "  fix: name a file in an existing directory"
        )


def _write_report(option: str, target: Path, text: str) -> None:
    try:
        atomic_write_text(target, text)
    except OSError as exc:
        _fail(f"{option} {target}: cannot be written ({exc.strerror or exc})")


DEFAULT_SIMULATION = Path("infra-architect-simulation")


@app.command()
def simulate(  # noqa: PLR0917  (Typer: arguments and options)
    spec: SpecArgument = None,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Directory for the spike plot (spike.png, spike.svg)."),
    ] = DEFAULT_SIMULATION,
    trials: Annotated[
        int | None,
        typer.Option("--trials", min=100, help="Monte Carlo months (default: the catalog's)."),
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Monte Carlo seed.")] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    interactive: InteractiveOption = None,
) -> None:
    """Simulate the design: availability of every request path (closed form and Monte
    Carlo, under the chosen topology and the other one), the 10x spike against the
    autoscaling (step and ramp, 1 s steps; the settings it raised), a lost node and AZ
    at peak, a bad deploy under each strategy, an emergency rollback. Plots the spike
    (load, capacity, replicas) as PNG and SVG. Exit 2 on bad input."""
    if output_format not in ("table", "json"):
        _fail(f"--format {output_format!r}: use table or json")
    source, requirements = _load(spec, interactive)
    catalog = load_catalog()
    overrides = {k: v for k, v in (("monte_carlo_trials", trials), ("seed", seed)) if v is not None}
    if overrides:
        simulation = catalog.design.simulation.model_copy(update=overrides)
        catalog = catalog.model_copy(
            update={"design": catalog.design.model_copy(update={"simulation": simulation})}
        )
    try:
        result = design_system(requirements, catalog)
    except ImpossiblePinError as exc:
        raise _pin_error(spec, source, exc) from None
    plots = [str(p) for p in _write_spike_plot(requirements, result, catalog, output)]
    if output_format == "json":
        _print_json(
            {
                "apiVersion": API_VERSION,
                "kind": "Simulation",
                "spec": source,
                "plots": plots,
                "simulation": result.simulation.model_dump(mode="json"),
            }
        )
        return
    render_simulation(stdout, result, source, plots)


def _write_spike_plot(
    requirements: Requirements, result: Design, catalog: Catalog, out: Path
) -> list[Path]:
    found = spike_run(requirements, result, catalog)
    if found is None:
        return []
    run, name, index = found
    study = result.simulation.spike
    assert study is not None  # noqa: S101  (a run means a study)
    unit = result.constraints.service(name).load_unit
    title = (
        f"{result.name}: {name} through a {study.multiplier:g}x step at "
        f"{study.start_seconds} s (simulated, 1 s steps)"
    )
    return spike_plot.save(spike_plot.plot_data(run, index, name, unit, title), out)


def _print_json(document: object) -> None:
    # strict JSON: a NaN or an infinity is a bug upstream, never printed as non-JSON
    sys.stdout.write(json.dumps(document, indent=2, sort_keys=True, allow_nan=False) + "\n")


EXAMPLES = (
    "ecommerce",
    "saas-team",
    "internal-tool",
    "online-boutique",
    "shop-1000rps",
    "internal-50-users",
)


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the spec.")] = Path(
        "infra-architect.yaml"
    ),
    example: Annotated[
        str | None,
        typer.Option(help=f"Start from a bundled example: {', '.join(EXAMPLES)}."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
    interactive: InteractiveOption = None,
) -> None:
    """Write a new requirements spec: from a bundled example, or by interviewing you
    (one question per input, saying why it matters)."""
    if path.exists() and not force:
        _fail(f"{path}: already exists\n  fix: choose another path, or pass --force to replace it")
    if path.is_dir():
        _fail(
            f"{path}: is a directory\n  fix: give a file path, e.g. {path / 'infra-architect.yaml'}"
        )
    if example is not None:
        if example not in EXAMPLES:
            _fail(
                f"--example: {example!r} is not a bundled example\n  fix: use one of "
                f"{', '.join(EXAMPLES)}"
            )
        atomic_write_text(path, _with_schema_hint(_example_text(example)))
        stderr.print(f"wrote {path} (from the {example} example)")
        return
    tree = CommentedMap()
    tree["apiVersion"] = API_VERSION
    tree["kind"] = KIND
    questions = [_NAME_QUESTION, *find_missing(tree)]
    if not _should_ask(interactive):
        _fail(str(MissingInputsError(str(path), questions)))
    with _interview_guard():
        _interview_new(tree, path)
    text = _SCHEMA_HINT + dump_document(tree)
    document = parse_document(text, str(path))
    atomic_write_text(path, text)
    stderr.print(f"wrote {path}")
    validate_document(document, load_catalog().regions)


_NAME_QUESTION = Question(
    path=("metadata", "name"),
    prompt="What is the system called (a DNS label, e.g. shopfront)?",
    why="The name prefixes every resource, DNS record and dashboard the design creates.",
    example="metadata:\n  name: shopfront",
    kind="choice",
)

_SCHEMA_HINT = (
    f"# Requirements for infra-architect ({API_VERSION}).\n"
    f"# Editor completion: `infra-architect schema -o {SCHEMA_FILENAME}`, then add\n"
    f"#   # yaml-language-server: $schema={SCHEMA_FILENAME}\n"
)


def _interview_new(tree: CommentedMap, path: Path) -> None:
    stderr.print(f"Writing a new spec to {path}. Each question says why it matters.")
    name = ask_name(stderr, "System name (a DNS label, e.g. shopfront)", [], allow_empty=False)
    set_answer(tree, ("metadata", "name"), name)
    ask_missing(stderr, tree, find_missing(tree))
    for field_path, prompt, check in _OPTIONAL_QUESTIONS:
        answer = ask_optional_number(stderr, prompt, check)
        if answer is not None:
            set_answer(tree, field_path, answer)


def _positive(value: float) -> str | None:
    return None if value > 0 else "must be greater than 0"


def _not_negative(value: float) -> str | None:
    return None if value >= 0 else "must be 0 or more"


_OPTIONAL_QUESTIONS: tuple[tuple[tuple[str, ...], str, Callable[[float], str | None]], ...] = (
    (("availability", "rto_minutes"), "Recovery time objective in minutes (RTO)", _positive),
    (("availability", "rpo_minutes"), "Data loss tolerated in minutes (RPO)", _not_negative),
    (("budget", "monthly_usd"), "Monthly infrastructure budget in USD", _positive),
)
"""Inputs init offers but does not require; skipped ones become assumptions or stay unset."""


def _example_text(name: str) -> str:
    return resources.files("infra_architect.examples").joinpath(f"{name}.yaml").read_text("utf-8")


def _with_schema_hint(text: str) -> str:
    lines = text.splitlines(keepends=True)
    if lines and lines[0].startswith("# yaml-language-server:"):
        lines = lines[1:]
    return _SCHEMA_HINT + "".join(lines)


def _load(spec: Path | None, interactive: bool | None) -> tuple[str, Requirements]:
    """Read, complete (by asking, when allowed) and validate a spec."""
    regions = load_catalog().regions
    if spec is None:
        source = f"bundled example ({BUNDLED_EXAMPLE}.yaml)"
        document = parse_document(_example_text(BUNDLED_EXAMPLE), source)
        return source, validate_document(document, regions)
    document = read_document(spec)
    questions = missing_inputs(document)
    try:
        return document.source, validate_document(document, regions, ignore=questions)
    except MissingInputsError:
        if not _should_ask(interactive):
            raise
    with _interview_guard():
        ask_missing(stderr, document.tree, questions)
    _save_answers(spec, document)
    return document.source, validate_document(document, regions)


def _save_answers(path: Path, document: SpecDocument) -> None:
    atomic_write_text(path, dump_document(document.tree))
    stderr.print(f"[green]answers saved to {path}[/green]\n")


@contextlib.contextmanager
def _interview_guard() -> Iterator[None]:
    """An interview cut short (end of input, Ctrl-C) writes nothing and says so."""
    try:
        yield
    except (EOFError, KeyboardInterrupt):
        raise InterviewAbortedError from None


def _should_ask(interactive: bool | None) -> bool:
    if interactive is not None:
        return interactive
    return sys.stdin.isatty() and sys.stdout.isatty()


def _fail(message: str) -> NoReturn:
    stderr.print(message, markup=False)
    raise typer.Exit(EXIT_BAD_INPUT)


def main() -> None:
    """Console entry point: every expected error is a message and an exit code, never a
    traceback. Typer itself handles usage errors (exit 2), --help and --version."""
    try:
        app()
    except InfraArchitectError as exc:
        stderr.print(str(exc), markup=False)
        sys.exit(EXIT_BAD_INPUT)
    except Exception as exc:
        if os.environ.get("INFRA_ARCHITECT_DEBUG"):
            raise
        stderr.print(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "  this is a bug in infra-architect; rerun with INFRA_ARCHITECT_DEBUG=1 for the "
            "traceback and report it",
            markup=False,
        )
        sys.exit(EXIT_INTERNAL)
