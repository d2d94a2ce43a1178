"""The architecture as a test (issue 15, docs/DEVELOPING.md "Layout"): every module of the four packages is
parsed (ast, nothing imported) and the test fails on `importlib`/`import_module`/`__import__`, on an import from
a lower package to a higher one (facility <- mds <- careplans <- surveys), and on an import cycle."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RANK = {"facility": 0, "mds": 1, "careplans": 2, "surveys": 3}
# The composition root: the app factory and the command line list the four plugins by name.
ROOT_MODULES = {"facility.app", "facility.cli"}


def _modules() -> dict[str, Path]:
    found = {}
    for package in RANK:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "piccolo_migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in the file, function-level ones included; `from a import b` names the
    module a.b when b is a module."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                out.append((node.lineno, sub if sub in MODULES else node.module))
    return out


def _package(module: str) -> str:
    return module.split(".", 1)[0]


def test_the_packages_are_all_seen() -> None:
    assert "mds.assessments.services" in MODULES and "facility.app" in MODULES
    assert len(MODULES) > 80


def test_no_importlib_or_dynamic_imports() -> None:
    found = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + (
                    [node.module] if isinstance(node, ast.ImportFrom) else []
                )
                if any(n and n.split(".")[0] == "importlib" for n in names):
                    found.append(f"{name}:{node.lineno} imports importlib")
            elif isinstance(node, ast.Name | ast.Attribute):
                ident = node.id if isinstance(node, ast.Name) else node.attr
                if ident in ("import_module", "__import__"):
                    found.append(f"{name}:{node.lineno} uses {ident}")
    assert found == []


def test_no_import_from_a_lower_package_to_a_higher_one() -> None:
    found = []
    for name, path in MODULES.items():
        for line, target in _imports(path):
            if _package(target) not in RANK or RANK[_package(target)] <= RANK[_package(name)]:
                continue
            if name in ROOT_MODULES and target == f"{_package(target)}.plugin":
                continue
            found.append(f"{name}:{line} imports {target}")
    assert found == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), or a module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph.get(v, ()):
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles() -> None:
    graph = {name: {t for _, t in _imports(path) if t in MODULES} for name, path in MODULES.items()}
    assert _cycles(graph) == []


def test_the_checks_can_fail() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
