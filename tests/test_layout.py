"""The layout rules of DESIGN.md, checked by reading the source: sizes, names, the direction of imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PRODUCT = ("scheduler", "broadcasts", "audio")
MAX_LINES = 400

# inside scheduler/: a package on the left never imports one on the right
LOWER = ("config", "messages", "plans", "programme", "report")
MIDDLE = ("services", "runner")
UPPER = ("cli", "web")
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "broadcasts": ("scheduler",),
    "audio": ("scheduler", "broadcasts"),
    **{f"scheduler.{low}": tuple(f"scheduler.{up}" for up in MIDDLE + UPPER) for low in LOWER},
    **{f"scheduler.{mid}": tuple(f"scheduler.{up}" for up in UPPER) for mid in MIDDLE},
}


def modules(root: Path, tops: tuple[str, ...]) -> list[Path]:
    """Every .py file under the given top-level folders of `root`."""
    return sorted(path for top in tops for path in (root / top).rglob("*.py"))


def module_name(root: Path, path: Path) -> str:
    """The dotted name of the module at `path` (a package's __init__ is the package)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(root: Path, path: Path) -> set[str]:
    """Every module `path` imports, anywhere in the file (also inside functions and TYPE_CHECKING)."""
    name = module_name(root, path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            found.add(source)
            found.update(f"{source}.{alias.name}" for alias in node.names)
    return found


def upward_imports(root: Path) -> list[str]:
    """`module -> imported` for every import that goes against the direction of DESIGN.md."""
    wrong = []
    for path in modules(root, PRODUCT):
        name = module_name(root, path)
        for layer, banned in FORBIDDEN.items():
            if name != layer and not name.startswith(layer + "."):
                continue
            targets = {t for t in imported_names(root, path) if any(t == b or t.startswith(b + ".") for b in banned)}
            # `from x import y` is reported as x, unless only x.y is banned
            wrong += [f"{name} -> {t}" for t in sorted(targets) if t.rpartition(".")[0] not in targets]
    return wrong


def prefixed_siblings(root: Path) -> list[str]:
    """Pairs of modules or packages in one folder of scheduler/ where one name is a prefix of the other."""
    pairs = []
    for folder in sorted(p for p in [root / "scheduler", *(root / "scheduler").rglob("*")] if p.is_dir()):
        names = sorted(
            {p.stem for p in folder.glob("*.py") if not p.stem.startswith("__")}
            | {p.name for p in folder.iterdir() if (p / "__init__.py").is_file()}
        )
        pairs += [f"{folder.relative_to(root)}: {a} / {b}" for a in names for b in names if a != b and b.startswith(a)]
    return pairs


def scanning(root: Path) -> list[str]:
    """Places where product code discovers modules instead of listing them."""
    found = []
    for path in modules(root, (*PRODUCT, "benchmarks")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        where = path.relative_to(root)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                if any(n.split(".")[0] == "pkgutil" or n.endswith("entry_points") for n in names):
                    found.append(f"{where}:{node.lineno} imports pkgutil or entry points")
            elif isinstance(node, ast.Attribute) and node.attr in {"iter_modules", "walk_packages", "entry_points"}:
                found.append(f"{where}:{node.lineno} calls {node.attr}")
            elif isinstance(node, ast.Name) and node.id == "__import__":
                found.append(f"{where}:{node.lineno} calls __import__")
            elif isinstance(
                node, ast.For | ast.comprehension | ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp
            ):
                for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
                    if "import_module" in {getattr(call.func, "attr", None), getattr(call.func, "id", None)}:
                        found.append(f"{where}:{call.lineno} imports modules in a loop")
    return sorted(set(found))


# ---- the rules, on the real tree ------------------------------------------------------------------------------


def test_no_module_outside_tests_is_over_400_lines():
    long = {
        str(p.relative_to(REPO)): n
        for p in modules(REPO, (*PRODUCT, "benchmarks"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"split these modules at about {MAX_LINES} lines: {long}"


def test_no_module_name_in_scheduler_is_a_prefix_of_a_sibling():
    assert not prefixed_siblings(REPO)


def test_imports_go_one_way():
    wrong = upward_imports(REPO)
    assert not wrong, "\n".join(wrong)


def test_nothing_is_discovered_by_scanning():
    assert not scanning(REPO)


@pytest.mark.parametrize(
    "init",
    [p for p in modules(REPO, PRODUCT) if p.name == "__init__.py"],
    ids=lambda p: str(p.parent.relative_to(REPO)),
)
def test_every_package_init_has_a_docstring(init):
    assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), f"{init.relative_to(REPO)}: no docstring"


def test_the_checks_see_the_real_imports():
    """The parser finds what the CLI really imports, so an empty list of wrong imports means something."""
    names = set().union(*(imported_names(REPO, p) for p in modules(REPO, ("scheduler",)) if "cli" in p.parts))
    assert any(n.startswith("scheduler.services") for n in names)
    assert any(n.startswith("broadcasts") for n in imported_names(REPO, REPO / "scheduler" / "app.py"))


# ---- the checks themselves, on a small tree that breaks every rule -------------------------------------------


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    for top in (*PRODUCT, "benchmarks"):
        (root / top).mkdir(exist_ok=True)
    return root


def test_the_checks_catch_each_kind_of_wrong_import(tmp_path):
    root = _tree(
        tmp_path,
        {
            "audio/__init__.py": '"""a."""\nfrom broadcasts.models import Outcome\n',
            "broadcasts/store.py": "def f():\n    import scheduler.config\n",
            "scheduler/__init__.py": "",
            "scheduler/config/__init__.py": "from ..services.queue import queue_bulletin\n",
            "scheduler/runner/claims.py": "from scheduler import cli\n",
            "scheduler/cli/__init__.py": "from scheduler.services import queue\nfrom . import log\n",
            "scheduler/services/queue.py": "from scheduler.config import Config\nfrom . import approval\n",
        },
    )
    assert upward_imports(root) == [
        "audio -> broadcasts.models",
        "broadcasts.store -> scheduler.config",
        "scheduler.config -> scheduler.services.queue",
        "scheduler.runner.claims -> scheduler.cli",
    ]
    assert "scheduler.services.approval" in imported_names(root, root / "scheduler/services/queue.py")
    assert "scheduler.cli.log" in imported_names(root, root / "scheduler/cli/__init__.py")


def test_the_checks_catch_prefixed_names_and_scanning(tmp_path):
    root = _tree(
        tmp_path,
        {
            "scheduler/log.py": "",
            "scheduler/logs.py": "",
            "scheduler/report/__init__.py": "",
            "scheduler/reports.py": "import pkgutil\n",
            "scheduler/cli/options.py": "",
            "scheduler/cli/output.py": "",
            "broadcasts/channels/__init__.py": (
                "import importlib\nfrom importlib.metadata import entry_points\n"
                "CLASSES = {n: importlib.import_module(n) for n in ('a', 'b')}\n"
                "def one(name):\n    return importlib.import_module(name)\n"
            ),
        },
    )
    assert prefixed_siblings(root) == ["scheduler: log / logs", "scheduler: report / reports"]
    assert scanning(root) == [
        "broadcasts/channels/__init__.py:2 imports pkgutil or entry points",
        "broadcasts/channels/__init__.py:3 imports modules in a loop",
        "scheduler/reports.py:1 imports pkgutil or entry points",
    ]
