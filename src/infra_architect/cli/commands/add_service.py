"""``infra-architect add-service``: onboard a service into the spec and its tree at once."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from infra_architect._io import PendingWrite, prepare_write
from infra_architect._output import WriteReport, write_tree
from infra_architect.catalog import load_catalog
from infra_architect.cli._common import (
    DEFAULT_OUTPUT,
    EXIT_INFEASIBLE,
    command_app,
    fail,
    stderr,
    stdout,
    warn_if_prices_stale,
)
from infra_architect.cli._progress import next_step
from infra_architect.cli._render import render_design_summary
from infra_architect.cli._spec_input import pin_error
from infra_architect.cli._tree_changes import render_written
from infra_architect.cli.commands.design import print_write_notes
from infra_architect.engine import ImpossiblePinError, design_system
from infra_architect.render import render_all, seeded_paths
from infra_architect.spec import (
    NewService,
    add_service,
    dump_document,
    parse_document,
    read_document,
    validate_document,
)

app = command_app()


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
        fail(f"{spec}: no such spec\n  fix: pass --spec, or run `infra-architect init`")
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
    catalog = load_catalog()
    warn_if_prices_stale(catalog.price_catalog.as_of)
    try:
        result = design_system(requirements, catalog)
    except ImpossiblePinError as exc:
        raise pin_error(spec, document.source, exc) from None
    files = render_all(result)
    report = _write_tree_then_spec(output, files, spec, text)
    stderr.print(f"added {name} ({kind.value}) to {spec}")
    render_design_summary(stdout, result, document.source, output, report)
    print_write_notes(report)
    render_written(stdout, report)
    if not result.feasible:
        raise typer.Exit(EXIT_INFEASIBLE)
    next_step(f"infra-architect validate {output}")


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
            fail(
                f"{spec}: cannot be written ({exc.strerror or exc}); nothing was changed\n"
                "  fix: make the spec and its directory writable"
            )

    try:
        report = write_tree(
            output,
            files,
            force=False,
            keep_edited=True,
            before_swap=stage_spec,
            seeded=seeded_paths(files),
        )
    except BaseException:
        for pending in staged:
            pending.discard()
        raise
    try:
        for pending in staged:
            pending.commit()
    except OSError as exc:
        fail(
            f"{spec}: cannot be written ({exc.strerror or exc}); {output} was updated\n"
            "  fix: make the spec writable and run the same command again"
        )
    return report
