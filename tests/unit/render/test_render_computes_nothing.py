"""Renderers format the Design; they compute no figure (issue 19, DESIGN.md "Where each
kind of knowledge lives"). Every module under ``render/`` is parsed and each site that
could compute a number is listed: arithmetic (``+ - * / // % **`` and their augmented
forms), calls to ``min``/``max``/``round``/``sum``/``abs``/``math.*``, and numeric
literals other than 0 and 1. A site passes when it provably is not arithmetic on numbers
(string or list concatenation of a literal, a ``str.join``, an index or a formatting
keyword) or when it is in :data:`FORMATTING`, each entry saying why it only formats.
Every design figure (thresholds, sizes, timeouts, counts) lives in the Design, where the
engine derives it from catalog data; a renderer that computes or hard-codes one fails.

Sites are keyed by the enclosing function (or module-level name) and the source text,
not by file and line, so moving a function between render modules keeps its entry.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import infra_architect.render

RENDER = Path(infra_architect.render.__file__).parent

_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
_CALLS = {"min", "max", "round", "sum", "abs"}
_FORMATTING_KEYWORDS = {"indent", "width"}
_TEXT_METHODS = {"join", "strip", "rstrip", "lstrip", "upper", "lower", "replace", "format"}

Site = tuple[str, str]
"""(the enclosing function or module-level name, the flagged source text)."""

FORMATTING: dict[Site, str] = {
    # The text formats' own layout.
    ("_INLINE_LIMIT", "100"): "HCL: the column past which a list is written one item a line",
    ("_value_lines", "depth + 1"): "HCL: nesting depth",
    ("_block_lines", "depth + 1"): "HCL: nesting depth",
    ("_value_lines", "len(text) + len(pad)"): "HCL: a line's width against the limit",
    ("flush", "max((len(n) for n, _ in run), default=0)"): (
        "HCL: `=` aligned after the longest name of a run, as terraform fmt does"
    ),
    ("_hcl_escape", "found[0] + found"): "HCL: `$${` escapes an interpolation marker",
    ("markdown_inline", "end - 1"): "Markdown: the escape goes before a block's marker",
    ("_signed_usd", "round(value)"): "a change in dollars printed whole (the Design's figure)",
    ("_recovery_network", "design.data.recovery_region + letter"): "an AZ's name (text)",
    # Charts: the axis is drawn a tenth above the highest point so no line is clipped.
    ("spike_charts", "max([*s.load, *s.capacity, 1.0])"): "chart axis: the highest point",
    ("spike_charts", "max([*s.ready, *s.desired, 1])"): "chart axis: the highest point",
    ("spike_charts", "math.ceil(top * 1.1)"): "chart axis headroom",
    ("spike_charts", "top * 1.1"): "chart axis headroom",
    ("spike_charts", "math.ceil(most * 1.1)"): "chart axis headroom",
    ("spike_charts", "most * 1.1"): "chart axis headroom",
    ("spike_charts", "1.1"): "chart axis headroom",
    ("values", "round(v, 1)"): "chart points to one decimal",
    # Protocol facts, not design choices.
    ("OTLP_PORT", "4317"): "OTLP's gRPC port (OpenTelemetry specification)",
    ("_shared_policies", "53"): "DNS's port (RFC 1035): the egress every pod needs",
    ("_egress_ports", "443"): "HTTPS's port: AWS APIs, open to every task already",
    ("network_policy", "443"): "HTTPS's port: AWS APIs",
    ("_ingress", "443"): "HTTPS's port on the ingress",
}


SERIALIZERS: dict[str, str] = {
    "_yaml.py": (
        "the YAML emitter: libyaml's columns, byte counts and float text, the layout of "
        "any document, never a figure of one"
    ),
    "_charts.py": (
        "the report's SVG charts: pixel positions, ticks and a round axis maximum for any "
        "series, the layout of a drawing, never a figure of the design"
    ),
}
"""Modules that write a text format for any data, exempt as a whole."""


def _is_text(node: ast.expr, texts: frozenset[str]) -> bool:
    """Whether ``node`` is provably a string or a list (so ``+`` concatenates and ``*``
    repeats): a literal, an f-string, a list, a str method's result, or a name the
    module only ever binds to such values."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, (ast.JoinedStr, ast.List, ast.ListComp, ast.Tuple)):
        return True
    if isinstance(node, ast.Name):
        return node.id in texts
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in _TEXT_METHODS
    if isinstance(node, ast.IfExp):
        return _is_text(node.body, texts) and _is_text(node.orelse, texts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mult)):
        return _is_text(node.left, texts) or _is_text(node.right, texts)
    return False


def _text_names(tree: ast.Module) -> frozenset[str]:
    """Names every assignment in the module binds to text (iterated to a fixed point, so
    ``pad = INDENT * depth`` counts once ``INDENT`` does)."""
    bound: dict[str, list[ast.expr]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    bound.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if node.value is not None:
                bound.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, (ast.For, ast.comprehension, ast.arg, ast.AugAssign)):
            target = getattr(node, "target", None)
            if isinstance(target, ast.Name) and not isinstance(node, ast.AugAssign):
                bound.setdefault(target.id, []).append(ast.Constant(0))
    texts: frozenset[str] = frozenset()
    while True:
        grown = frozenset(
            n for n, values in bound.items() if all(_is_text(v, texts) for v in values)
        )
        if grown == texts:
            return texts
        texts = grown


def _call_name(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return f"{func.value.id}.{func.attr}"
    return None


class _Scanner(ast.NodeVisitor):
    def __init__(self, source: str, texts: frozenset[str]) -> None:
        self.source = source
        self.texts = texts
        self.scope = ["<module>"]
        self.exempt: set[int] = set()  # ids of literals that are indexes or widths
        self.found: list[Site] = []

    def _flag(self, node: ast.AST) -> None:
        text = ast.get_source_segment(self.source, node) or ""
        self.found.append((self.scope[-1], " ".join(text.split())))

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    def visit_Assign(self, node: ast.Assign) -> None:
        target = node.targets[0]
        named = len(self.scope) == 1 and isinstance(target, ast.Name)
        if named:
            self.scope.append(target.id)  # type: ignore[union-attr]
        self.generic_visit(node)
        if named:
            self.scope.pop()

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        named = len(self.scope) == 1 and isinstance(node.target, ast.Name)
        if named:
            self.scope.append(node.target.id)  # type: ignore[union-attr]
        self.generic_visit(node)
        if named:
            self.scope.pop()

    def visit_Subscript(self, node: ast.Subscript) -> None:
        for sub in ast.walk(node.slice):
            if isinstance(sub, ast.Constant):
                self.exempt.add(id(sub))
        self.generic_visit(node)

    def visit_keyword(self, node: ast.keyword) -> None:
        if node.arg in _FORMATTING_KEYWORDS and isinstance(node.value, ast.Constant):
            self.exempt.add(id(node.value))
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if isinstance(node.op, _ARITHMETIC) and not (
            isinstance(node.op, (ast.Add, ast.Mult))
            and (_is_text(node.left, self.texts) or _is_text(node.right, self.texts))
        ):
            self._flag(node)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.op, _ARITHMETIC) and not (
            isinstance(node.op, ast.Add)
            and (_is_text(node.value, self.texts) or _is_text(node.target, self.texts))
        ):
            self._flag(node)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = _call_name(node) or ""
        if name in _CALLS or name.startswith("math."):
            self._flag(node)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        number = type(node.value) in (int, float)
        if number and node.value not in (0, 1) and id(node) not in self.exempt:
            self._flag(node)


def computing_sites(root: Path) -> Iterator[tuple[Path, Site]]:
    """Every site under ``root`` that may compute a number, by file."""
    for path in sorted(root.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        scanner = _Scanner(source, _text_names(tree))
        scanner.visit(tree)
        for site in scanner.found:
            yield path, site


def _renderer_sites() -> set[Site]:
    return {site for path, site in computing_sites(RENDER) if path.name not in SERIALIZERS}


def test_no_renderer_module_computes_a_figure() -> None:
    found = _renderer_sites()
    unexplained = sorted(found - FORMATTING.keys())
    assert unexplained == [], "renderer arithmetic: move the figure into the Design"


def test_the_allowlist_is_exact() -> None:
    found = _renderer_sites()
    assert [name for name in SERIALIZERS if not (RENDER / name).is_file()] == []
    assert sorted(FORMATTING.keys() - found) == [], "gone: take it off the allowlist"


def test_the_scanner_flags_arithmetic_and_passes_concatenation(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        "import math\n"
        "def f(x, xs):\n"
        "    a = x * 1000\n"
        "    b = min(x, 3)\n"
        "    c = math.ceil(x)\n"
        "    d = 'a' + str(x)\n"
        "    e = xs[2]\n"
        "    xs += [x]\n"
        "    return a, b, c, d, e, f'{x}' + 's'\n",
        encoding="utf-8",
    )
    assert sorted(site for _, site in computing_sites(tmp_path)) == [
        ("f", "1000"),
        ("f", "3"),
        ("f", "math.ceil(x)"),
        ("f", "min(x, 3)"),
        ("f", "x * 1000"),
    ]
