"""The layers stand apart: importing the rules and the store never loads Textual, and no calldesk module imports
itself round about (docs/architecture.md, Layers)."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import calldesk

IMPORT_BELOW_THE_UI = textwrap.dedent("""
    import importlib
    import pkgutil
    import sys

    import calldesk.desk
    import calldesk.store

    names = ["calldesk.config", "calldesk.phones", "calldesk.cli"]
    for package in (calldesk.desk, calldesk.store):
        names += [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
    for name in names:
        importlib.import_module(name)
    print(len(names))
    print(sorted(m for m in sys.modules if m == "textual" or m.startswith("textual.")))
""")


def test_importing_every_domain_and_store_module_does_not_import_textual():
    result = subprocess.run([sys.executable, "-c", IMPORT_BELOW_THE_UI], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    count, textual_modules = result.stdout.splitlines()
    assert int(count) >= 15  # every module of both packages was imported, not an empty walk
    assert textual_modules == "[]"


def _module_of(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports_of(module: str, path: Path, modules: set[str]) -> set[str]:
    """The calldesk modules ``module`` names in any import: at the top, inside functions, under TYPE_CHECKING.
    ``from package import name`` counts the submodule when ``name`` is one, else the package."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    named: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            named.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names)
    found = set()
    for name in named:
        while name and name not in modules:  # calldesk.x.y.function -> the module calldesk.x.y
            name = name.rpartition(".")[0]
        if name and name != module:
            found.add(name)
    return found


def import_circles(root: Path) -> list[list[str]]:
    """Every set of calldesk modules that import each other, directly or round about (Tarjan's strongly connected
    components of the import graph), each as one of its cycles."""
    paths = {_module_of(path, root): path for path in root.rglob("*.py")}
    graph = {module: sorted(_imports_of(module, path, set(paths))) for module, path in paths.items()}
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        for imported in graph[module]:
            if imported not in order:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], order[imported])
        if low[module] == order[module]:
            members = stack[stack.index(module):]
            del stack[stack.index(module):]
            if len(members) > 1:
                circles.append(_one_cycle(sorted(members), graph))

    for module in sorted(graph):
        if module not in order:
            visit(module)
    return circles


def _one_cycle(members: list[str], graph: dict[str, list[str]]) -> list[str]:
    """A path from the first member back to itself through the others: the circle as a person reads it."""
    start, inside = members[0], set(members)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        module = frontier.pop(0)
        for imported in graph[module]:
            if imported == start:
                return [*paths[module], start]
            if imported in inside and imported not in paths:
                paths[imported] = [*paths[module], imported]
                frontier.append(imported)
    return members


def test_no_calldesk_module_imports_itself_round_about():
    circles = import_circles(Path(calldesk.__file__).parent)
    assert not circles, "import circles: " + "; ".join(" -> ".join(circle) for circle in circles)


def test_the_circle_finder_sees_imports_inside_functions(tmp_path):
    package = tmp_path / "calldesk"
    (package / "screens").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "app.py").write_text("from calldesk.screens.desk import DeskScreen\n")
    (package / "screens" / "__init__.py").write_text("")
    (package / "screens" / "desk.py").write_text("def f():\n    from calldesk import app\n")
    assert import_circles(package) == [["calldesk.app", "calldesk.screens.desk", "calldesk.app"]]
