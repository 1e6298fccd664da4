"""Which helper modules each notebook imports, as make dependencies.

usage: python tools/nbdeps.py NOTEBOOK.ipynb ... > build/deps.mk

For every notebook it follows the `helpers` imports of its code cells and,
transitively, the imports between helper modules (absolute and relative,
subpackages such as `helpers.answers` included),
and prints one make rule
    $(BUILD)/<hw>/nb/<name>.ipynb: helpers/__init__.py helpers/x.py ...
for notebooks/<hw>/<name>.ipynb, so that touching a helper module re-executes
only the notebooks that (indirectly) import it. Only the standard library is
used: make can run it before the virtual environment exists.
"""

import argparse
import ast
import json
import re
import warnings
from pathlib import Path

PACKAGE = "helpers"
INIT = "__init__"
TARGET = "$(BUILD)/{hw}/nb/{name}.ipynb"
MAGIC = re.compile(r"^\s*[%!]")  # IPython magics and shell escapes


def module_names(package_dir: Path) -> set[str]:
    """The package's modules as dotted names relative to it: `__init__` for
    the package itself, `x` for x.py, `sub` for sub/__init__.py, `sub.y`."""
    names = set()
    for path in package_dir.rglob("*.py"):
        parts = path.relative_to(package_dir).with_suffix("").parts
        if parts[-1] == INIT and len(parts) > 1:
            parts = parts[:-1]
        names.add(".".join(parts))
    return names


def module_path(name: str, package_dir: Path) -> Path:
    """The file of a dotted module name from `module_names`."""
    path = package_dir.joinpath(*name.split("."))
    return (path / f"{INIT}.py") if path.is_dir() else path.with_suffix(".py")


def own_package(name: str, package_dir: Path) -> str:
    """The package a module's relative imports start from: itself for a
    package's `__init__`, else its parent ("" is the top package)."""
    if name == INIT:
        return ""
    if module_path(name, package_dir).name == f"{INIT}.py":
        return name
    return name.rpartition(".")[0]


def _resolve(dotted: str, names: list[str], modules: set[str]) -> set[str]:
    """Helper modules that `from <dotted> import <names>` loads.

    `dotted` is relative to the package ("" is the package itself); every
    package on the way is loaded, and a name may be a submodule."""
    found = {INIT}
    parts = dotted.split(".") if dotted else []
    for k in range(1, len(parts) + 1):
        if ".".join(parts[:k]) in modules:
            found.add(".".join(parts[:k]))
    prefix = dotted + "." if dotted else ""
    return found | {prefix + name for name in names
                    if prefix + name in modules}


def _base(package: str, level: int) -> str | None:
    """The package that a relative import of `level` dots inside `package`
    names ("" is the top package; None is beyond it)."""
    parts = package.split(".") if package else []
    up = level - 1
    return None if up > len(parts) else ".".join(parts[:len(parts) - up])


def imported_modules(tree: ast.AST, modules: set[str],
                     inside_package: bool | str = False) -> set[str]:
    """Helper modules imported anywhere in `tree` (one level, not closed).

    `inside_package` is the package the importing module belongs to, as a
    dotted name (True or "" for the top package), so that relative imports
    resolve; False for code outside the package (a notebook)."""
    found: set[str] = set()
    prefix = PACKAGE + "."
    here = "" if inside_package is True else inside_package or ""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == PACKAGE or alias.name.startswith(prefix):
                    found |= _resolve(alias.name[len(prefix):], [], modules)
        elif isinstance(node, ast.ImportFrom):
            names = [alias.name for alias in node.names]
            module = node.module or ""
            if node.level and inside_package is not False:  # from .x, ..
                base = _base(here, node.level)
                if base is None:
                    continue
                dotted = ".".join(p for p in (base, module) if p)
                found |= _resolve(dotted, names, modules)
            elif node.level == 0 and (module == PACKAGE
                                      or module.startswith(prefix)):
                found |= _resolve(module[len(PACKAGE) + 1:], names, modules)
    return found


def parse_code(source: str) -> ast.AST:
    """Parse a code cell, ignoring IPython magic and shell lines."""
    lines = ["pass" if MAGIC.match(line) else line
             for line in source.splitlines()]
    with warnings.catch_warnings():     # e.g. invalid escapes: not ours
        warnings.simplefilter("ignore")
        return ast.parse("\n".join(lines))


def notebook_tree(path: Path) -> ast.Module:
    """All code cells of a notebook as one module."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    body = [stmt for cell in cells if cell["cell_type"] == "code"
            for stmt in parse_code("".join(cell["source"])).body]
    return ast.Module(body=body, type_ignores=[])


def closure(direct: set[str], package_dir: Path,
            modules: set[str]) -> set[str]:
    """`direct` plus every helper module they import, transitively."""
    seen: set[str] = set()
    todo = list(direct)
    while todo:
        name = todo.pop()
        if name in seen or name not in modules:
            continue
        seen.add(name)
        source = module_path(name, package_dir).read_text(encoding="utf-8")
        package = own_package(name, package_dir)
        todo += imported_modules(ast.parse(source), modules, package)
    return seen


def notebook_deps(notebook: Path, package_dir: Path) -> list[Path]:
    """The helper files a notebook depends on, sorted."""
    modules = module_names(package_dir)
    direct = imported_modules(notebook_tree(notebook), modules)
    return sorted(module_path(name, package_dir)
                  for name in closure(direct, package_dir, modules))


def make_rules(notebooks: list[Path], package_dir: Path) -> str:
    """A make include: one rule per notebook, one empty rule per helper."""
    lines = ["# Generated by tools/nbdeps.py: do not edit."]
    for notebook in notebooks:
        deps = " ".join(map(str, notebook_deps(notebook, package_dir)))
        target = TARGET.format(hw=notebook.parent.name, name=notebook.stem)
        lines.append(f"{target}: {deps}")
    # Empty rules: a deleted helper module is not an error, just a change.
    lines += [f"{path}:" for path in sorted(package_dir.rglob("*.py"))]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", type=Path, nargs="+")
    parser.add_argument("--package", type=Path, default=Path(PACKAGE),
                        help="the helpers package folder (default: helpers)")
    args = parser.parse_args()
    print(make_rules(args.notebooks, args.package), end="")


if __name__ == "__main__":
    main()
