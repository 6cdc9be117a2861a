"""Several checkov scans in one process, run by checkov's own interpreter (so: the standard
library only, nothing of infra_architect).

Importing checkov is most of a small scan's cost (~1.9 of a 2.5 CPU-s overlay scan). The
driver imports it once, then forks one child per scan: each child starts from exactly the
state a fresh ``checkov`` process holds once imported, parses its own arguments and exits
the way the console script does, so nothing one scan leaves in checkov's module state (its
registries, runners, integration singleton) reaches the next, and each scan's output is
what the separate ``checkov`` call would print. Scans run one after another: the caller
bounds its own parallelism.

stdin: one JSON object per line, ``{"argv": [...], "cwd": ..., "stdout": ..., "stderr":
...}``: checkov's arguments, the directory it runs in, the files its output goes to.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import sys
import traceback
import warnings
from typing import Any


def _redirect(path: str, fd: int) -> None:
    target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(target, fd)
    os.close(target)


def _scan(request: dict[str, Any], checkov: Any) -> int:  # noqa: ANN401  (checkov's class)
    """One scan, in a forked child: the console script's ``sys.exit(Checkov().run())``."""
    _redirect(request["stdout"], 1)
    _redirect(request["stderr"], 2)
    os.chdir(request["cwd"])
    sys.argv = ["checkov", *request["argv"]]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=SyntaxWarning)
            code = checkov(list(request["argv"])).run()
    except SystemExit as stop:  # argparse refusing the arguments
        code = stop.code
    except Exception:  # noqa: BLE001  (reported as the console script would: a traceback)
        traceback.print_exc()
        code = 1
    return code if isinstance(code, int) else int(code is not None)


def main() -> None:
    requests = [json.loads(line) for line in sys.stdin if line.strip()]
    checkov = importlib.import_module("checkov.main").Checkov
    # What the import built lives as long as any scan: out of the collector's sight, a
    # scan's full collections stop re-walking it (and stop copying its pages into each
    # child). The scans' own garbage is collected as before; measured 7.7 -> 5.2 CPU-s
    # for the Terraform and two overlays of online-boutique.
    gc.freeze()
    for request in requests:
        pid = os.fork()
        if pid == 0:
            # the child leaves through SystemExit, as checkov's script does (atexit, flush)
            sys.exit(_scan(request, checkov))
        os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
