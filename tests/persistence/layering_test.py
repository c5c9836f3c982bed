#!/usr/bin/env python3
"""The layering between the engine and persistence, from the #include lines and the build.

- The engine (engine/src, engine/include) includes its own headers and, of persistence, only
  the public set customerdb/persistence/ (the commit hook, the table source, the loader, the
  durable store): no header of persistence/src.
- Persistence (persistence/src, persistence/include) includes its own headers and, of the
  engine, only the records (customerdb/records.hpp and the engine headers it includes), the
  error type (customerdb/error.hpp) and its options (customerdb/persistence_options.hpp):
  nothing of engine/src. Its public headers include no header of persistence/src.
- CMakeLists.txt gives neither library the other's src/ directory.

Usage: layering_test.py SOURCE_DIR
"""
import re
import sys
from pathlib import Path

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.MULTILINE)


def includes(path):
    return INCLUDE.findall(path.read_text())


def sources(directory):
    return sorted(p for p in directory.rglob("*") if p.suffix in (".hpp", ".cpp", ".h"))


def closure(root, names):
    """The customerdb/ headers of engine/include that `names` include, themselves included."""
    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = root / "engine/include" / name
        todo += [i for i in includes(path) if i.startswith("customerdb/")]
    return seen


def main():
    root = Path(sys.argv[1])
    engine_public = {p.relative_to(root / "engine/include").as_posix()
                     for p in sources(root / "engine/include")}
    persistence_public = {p.relative_to(root / "persistence/include").as_posix()
                          for p in sources(root / "persistence/include")}
    hook_set = {n for n in persistence_public if n.startswith("customerdb/persistence/")}
    allowed_engine = closure(root, ["customerdb/records.hpp", "customerdb/error.hpp",
                                    "customerdb/persistence_options.hpp"])
    problems = []

    def check(path, name, ok):
        if not ok:
            problems.append(f"{path.relative_to(root)}: includes {name}")

    for path in sources(root / "engine"):
        for name in includes(path):
            if name.startswith("customerdb/"):
                check(path, name, name in engine_public or name in hook_set)
            elif "/" not in name and name.endswith(".hpp"):
                check(path, name, (path.parent / name).exists())

    for path in sources(root / "persistence"):
        public = (root / "persistence/include") in path.parents
        for name in includes(path):
            if name.startswith("customerdb/"):
                check(path, name, name in persistence_public or name in allowed_engine)
            elif "/" not in name and name.endswith(".hpp"):
                check(path, name, not public and (root / "persistence/src" / name).exists())

    cmake = (root / "CMakeLists.txt").read_text()
    for target, foreign in (("customerdb_engine", "persistence/src"),
                            ("customerdb_persistence", "engine/src")):
        for block in re.findall(r"target_include_directories\(\s*" + target + r"\b[^)]*\)",
                                cmake):
            if foreign in block:
                problems.append(f"CMakeLists.txt: {target} has {foreign} on its include path")

    if not (hook_set >= {"customerdb/persistence/commit_hook.hpp",
                         "customerdb/persistence/table_source.hpp",
                         "customerdb/persistence/record_sink.hpp",
                         "customerdb/persistence/durable_store.hpp"}):
        problems.append(f"the public persistence headers are incomplete: {sorted(hook_set)}")

    for p in problems:
        print(p)
    print(f"{len(problems)} layering problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
