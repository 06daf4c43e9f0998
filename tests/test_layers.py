"""The house's rule: layers only look down, and no two modules import each other, however indirectly.

    core  <-  index, corpus  <-  ingest, assistant  <-  apps (gma's CLI and HTTP server, ui, evals, benchmarks)

Every import counts, the lazy ones inside functions too: a cycle broken only by importing late is still a
cycle in the design.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "index", "corpus", "ingest", "assistant", "ui", "evals", "benchmarks")
APPS = "apps"
# What each layer may import besides itself. The longest matching module prefix names a module's layer.
LAYER_OF = {
    "core": "core",
    "index": "index",
    "corpus": "corpus",
    "ingest": "ingest",
    "assistant": "assistant",
    "assistant.cli": APPS,
    "assistant.server": APPS,
    "assistant.__main__": APPS,
    "ui": APPS,
    "evals": APPS,
    "benchmarks": APPS,
}
MAY_IMPORT = {
    "core": set(),
    "index": {"core"},
    "corpus": {"core"},
    "ingest": {"core", "index", "corpus"},
    "assistant": {"core", "index"},
    APPS: {"core", "index", "corpus", "ingest", "assistant"},
}


def module_files(root: Path = ROOT) -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules a file imports (a name imported from a package counts as its module if it is one)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            found |= {f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names}
    return {m for m in found if m.split(".")[0] in PACKAGES and m != name}


def layer(module: str) -> str:
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in LAYER_OF:
            return LAYER_OF[".".join(parts[:end])]
    raise AssertionError(f"{module} is in no layer: add its package to LAYER_OF")


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    files = module_files(root)
    known = set(files)
    return {name: imports_of(name, path, known) & known for name, path in files.items()}


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} ({layer(module)}) imports {target} ({layer(target)})"
        for module, targets in graph.items()
        for target in targets
        if layer(target) != layer(module) and layer(target) not in MAY_IMPORT[layer(module)]
    )


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_no_module_imports_a_higher_layer() -> None:
    assert upward_imports(import_graph()) == []


def test_no_import_cycle_between_modules() -> None:
    assert cycles(import_graph()) == []


def test_the_core_and_the_retriever_do_not_import_langchain() -> None:
    files = module_files()
    offenders = [
        name
        for name, path in files.items()
        if layer(name) in ("core", "index") or name in ("assistant.retriever", "assistant.answer", "assistant.service")
        if any(m.split(".")[0].startswith("langchain") for m in _all_imports(path))
    ]
    assert offenders == []


def _all_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    """A small tree shaped like the project's, for checking that the checks find what they should."""
    for package in PACKAGES:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "core" / "models.py").write_text("from assistant.answer import Answer\n")
    (tmp_path / "assistant" / "answer.py").write_text("def f():\n    from assistant.query import q\n")
    (tmp_path / "assistant" / "query.py").write_text("from assistant import answer\n")
    (tmp_path / "index" / "reader.py").write_text("from core.models import Passage\n")
    return tmp_path


def test_the_checks_find_an_upward_import_and_a_lazy_cycle(planted: Path) -> None:
    graph = import_graph(planted)
    assert upward_imports(graph) == ["core.models (core) imports assistant.answer (assistant)"]
    assert cycles(graph) == [["assistant.answer", "assistant.query"]]
