"""No import cycles between first-party modules (issue 15, item 5).

The import graph (grimp, as ``lint-imports`` builds it) of every root package of
``.importlinter`` and of ``ocop`` holds module-level AND function-level imports: an import
inside a function that only dodges a cycle at import time is still a cycle (the two modules
still cannot be understood, tested or moved apart). Test modules and migrations are left
out. A cycle is a strongly connected component of more than one module; the failure lists
every import inside each one, with its line, so it can be broken where it belongs (move the
shared piece into a lower module, or the scheduling above the computation).
"""

from __future__ import annotations

import configparser
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]


def root_packages() -> list[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter", encoding="utf-8")
    roots = config["importlinter"]["root_packages"].split()
    return [*roots, "ocop"]


def excluded(module: str) -> bool:
    parts = module.split(".")
    return "tests" in parts or "migrations" in parts


def import_cycles(graph) -> list[list[str]]:
    """The strongly connected components (more than one module) of ``graph``, sorted.

    Tarjan's algorithm, iterative (the graph has a few thousand modules)."""
    modules = sorted(m for m in graph.modules if not excluded(m))
    edges = {
        m: sorted(x for x in graph.find_modules_directly_imported_by(m) if not excluded(x))
        for m in modules
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for start in modules:
        if start in index:
            continue
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return sorted(components)


def describe(graph, component: list[str]) -> str:
    """One cycle: each import between its modules, with line numbers and text."""
    members = set(component)
    lines = [" <-> ".join(component)]
    for importer in component:
        for imported in sorted(graph.find_modules_directly_imported_by(importer) & members):
            for detail in graph.get_import_details(importer=importer, imported=imported):
                lines.append(
                    f"    {importer}:{detail['line_number']} -> {imported}"
                    f"  ({detail['line_contents']})"
                )
    return "\n".join(lines)


def test_first_party_modules_import_no_cycle():
    graph = grimp.build_graph(*root_packages(), include_external_packages=False, cache_dir=None)
    assert "core.models" in graph.modules  # the graph is the project's, not empty
    cycles = import_cycles(graph)
    report = "\n".join(describe(graph, c) for c in cycles)
    assert not cycles, f"{len(cycles)} import cycle(s):\n{report}"


def _graph(*imports: tuple[str, str, int]):
    graph = grimp.ImportGraph()
    for importer, imported, line in imports:
        text = f"import {imported}"
        graph.add_import(importer=importer, imported=imported, line_number=line, line_contents=text)
    return graph


def test_the_detector_finds_every_cycle_and_says_where():
    graph = _graph(
        ("app.models", "app.audit", 93),  # a lazy import counts as much as one at the top
        ("app.audit", "app.models", 19),
        ("app.signals", "app.tasks", 20),  # a cycle of three
        ("app.tasks", "app.snapshots", 13),
        ("app.snapshots", "app.signals", 7),
        ("app.views", "app.models", 1),  # no cycle: only one way
        ("app.tests.test_x", "app.views", 1),  # tests and migrations are left out
        ("app.views", "app.tests.test_x", 2),
        ("app.migrations.0001_initial", "app.models", 1),
        ("app.models", "app.migrations.0001_initial", 3),
    )
    cycles = import_cycles(graph)
    assert cycles == [
        ["app.audit", "app.models"],
        ["app.signals", "app.snapshots", "app.tasks"],
    ]
    assert describe(graph, cycles[0]).splitlines() == [
        "app.audit <-> app.models",
        "    app.audit:19 -> app.models  (import app.models)",
        "    app.models:93 -> app.audit  (import app.audit)",
    ]
