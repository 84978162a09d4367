"""The map in docs/architecture.md, held to the code: every import of every module is read and
checked against the rules of its part. A rule broken here is a design decision undone."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "survey"

# The domain: plain Python over the database, shared by both applications and the command line.
DOMAIN = ("survey.core", "survey.campaigns", "survey.results", "survey.quality", "survey.training",
          "survey.reports", "survey.followup", "survey.mail", "survey.staff", "survey.operations")
# Pure modules: rules and figures on values, with neither the database nor the web.
PURE = ("survey.results.scoring", "survey.quality.psychometrics", "survey.campaigns.tokens",
        "survey.campaigns.drafts", "survey.campaigns.eligibility", "survey.campaigns.categories",
        "survey.campaigns.guidance",
        "survey.followup.workdays",
        "survey.core.instruments", "survey.core.messages", "survey.core.collation", "survey.reports.insights",
        "survey.reports.radar")
WEB_LIBRARIES = ("flask", "flask_wtf", "flask_limiter", "wtforms")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, *, top_level_only: bool = False) -> set[str]:
    """Every module a file imports, at the top or inside a function, relative imports resolved;
    ``from package import name`` counts as both the package and ``package.name``."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in (tree.body if top_level_only else ast.walk(tree)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def _modules() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py")) if "migrations" not in p.parts}


MODULES = _modules()
# What loading a package runs: its top-level imports (a factory's imports run only when it is called).
ON_LOAD = {_module_name(p): _imports(p, top_level_only=True) for p in sorted(PACKAGE.rglob("__init__.py"))
           if "migrations" not in p.parts}


def _within(module: str, prefixes) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _existing(imported: set[str]) -> set[str]:
    """Of the names a module imports, those that are our modules (not functions or classes)."""
    return {i for i in imported if i in MODULES}


def _reachable(start: str) -> set[str]:
    """Every module of ours that importing ``start`` and calling what it has can load, following
    imports transitively; the packages around a module are loaded too, with their top-level imports."""
    seen, todo = set(), [start]
    while todo:
        module = todo.pop()
        if module in seen or module not in MODULES:
            continue
        seen.add(module)
        todo.extend(_existing(MODULES[module]))
        for parent in (".".join(module.split(".")[:i]) for i in range(1, module.count(".") + 1)):
            todo.extend(_existing(ON_LOAD.get(parent, set())))
    return seen


def _violations(modules, forbidden) -> list[str]:
    return [f"{m} imports {i}" for m in modules for i in sorted(MODULES[m]) if _within(i, forbidden)]


def test_the_map_knows_every_module():
    """Every module belongs to one part of the map; a new top-level package needs a place in it first."""
    parts = DOMAIN + ("survey.web.common", "survey.web.public", "survey.web.staff", "survey.cli")
    loose = [m for m in MODULES if not _within(m, parts) and m not in ("survey", "survey.web", "survey.wsgi")]
    assert loose == []


def test_the_public_application_never_reaches_staff_code():
    reached = _reachable("survey.web.public")
    staff = [m for m in reached if _within(m, ("survey.web.staff", "survey.staff", "survey.cli"))]
    assert staff == [], f"the public application loads {staff}"
    assert not any(_within(i, ("flask_wtf", "wtforms")) for m in reached for i in MODULES[m])


def test_the_shared_web_layer_belongs_to_neither_application():
    common = [m for m in MODULES if _within(m, ("survey.web.common",))]
    assert _violations(common, ("survey.web.public", "survey.web.staff", "survey.staff", "survey.cli")) == []


def test_the_staff_application_does_not_borrow_from_the_public_one():
    staff = [m for m in MODULES if _within(m, ("survey.web.staff",))]
    assert _violations(staff, ("survey.web.public", "survey.cli")) == []


def test_domain_code_knows_nothing_of_flask_the_web_or_the_command_line():
    domain = [m for m in MODULES if _within(m, DOMAIN)]
    assert _violations(domain, WEB_LIBRARIES + ("survey.web", "survey.cli", "werkzeug.serving")) == []


def test_pure_modules_import_neither_the_database_nor_the_web():
    for module in PURE:
        assert module in MODULES, f"{module} is named in the map but does not exist"
    assert _violations(PURE, ("sqlalchemy", "flask_babel", "survey.core.models", "survey.core.database")
                       + WEB_LIBRARIES + ("survey.web", "survey.cli")) == []


def test_the_core_imports_no_feature():
    core = [m for m in MODULES if _within(m, ("survey.core",))]
    features = tuple(p for p in DOMAIN if p != "survey.core")
    assert _violations(core, features + ("survey.web", "survey.cli")) == []


def test_no_module_grows_past_about_four_hundred_lines():
    long = {m: n for m in MODULES
            if (n := len((PACKAGE.parent / (m.replace(".", "/") + ".py")).read_text().splitlines()
                         if (PACKAGE.parent / (m.replace(".", "/") + ".py")).exists() else [])) > 420}
    assert long == {}


def test_no_two_classes_share_a_name():
    """One name, one thing: a reader who meets ``Column`` or ``Response`` knows which it is."""
    owners: dict[str, list[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                owners.setdefault(node.name, []).append(_module_name(path))
    assert {name: where for name, where in owners.items() if len(where) > 1} == {}


@pytest.mark.parametrize("broken", ["from survey.web.staff import auth", "from survey.web.staff.hr import ActionForm",
                                    "import survey.staff.accounts"])
def test_the_check_would_catch_a_staff_import_in_the_public_application(broken, tmp_path, monkeypatch):
    """The rule above is not vacuous: one staff import added to a public module is found."""
    spoiled = dict(MODULES)
    spoiled["survey.web.public.respond"] = MODULES["survey.web.public.respond"] | _imports_of(broken)
    monkeypatch.setattr(__import__(__name__), "MODULES", spoiled)
    with pytest.raises(AssertionError):
        test_the_public_application_never_reaches_staff_code()


def _imports_of(line: str) -> set[str]:
    tree = ast.parse(line)
    node = tree.body[0]
    if isinstance(node, ast.Import):
        return {a.name for a in node.names}
    return {node.module} | {f"{node.module}.{a.name}" for a in node.names}
