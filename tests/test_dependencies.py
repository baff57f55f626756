"""The Python dependencies: what the code imports is declared, what is declared is used, every
runtime dependency has an upper bound, and the lock files pin every declared package within its
bounds (`make lock` makes them again; README, "Dependencies")."""

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = [Requirement(line) for line in PROJECT["dependencies"]]
TEST = [Requirement(line) for line in PROJECT["optional-dependencies"]["test"]]

# Declared, used, but never imported by our code: each says how it is used.
NOT_IMPORTED = {
    "django-csp": "named in INSTALLED_APPS and MIDDLEWARE (csp)",
    "django-template-partials": "named in INSTALLED_APPS (template_partials)",
    "drf-spectacular-sidecar": "named in INSTALLED_APPS: serves the API documentation's scripts",
    "whitenoise": "named in MIDDLEWARE and STORAGES",
    "psycopg": "Django's PostgreSQL backend imports it",
    "gunicorn": "the application server (deploy/gunicorn.conf.py, the image's command)",
    "redis": "Django's Redis cache backend imports it when REDIS_URL is set",
}


def pins(lock: str) -> dict[str, str]:
    found = {}
    for line in (ROOT / lock).read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line):
            found[canonicalize_name(match[1])] = match[2]
    return found


def runtime_imports() -> set[str]:
    """Top-level third-party modules imported by the application and its deploy scripts."""
    modules = set()
    files = [*(ROOT / "src" / "approdo").rglob("*.py"), *(ROOT / "deploy").glob("*.py")]
    for path in files:
        if "tests" in path.relative_to(ROOT).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - {"approdo"}


def distributions_of(modules: set[str]) -> set[str]:
    installed = importlib.metadata.packages_distributions()
    # A module no installed package provides stands for itself, and so fails the comparison.
    return {canonicalize_name(d) for module in modules for d in installed.get(module, [module])}


def test_the_application_imports_only_declared_packages():
    declared = {canonicalize_name(requirement.name) for requirement in RUNTIME}
    assert distributions_of(runtime_imports()) - declared == set()


def test_every_declared_package_is_used():
    declared = {canonicalize_name(requirement.name) for requirement in RUNTIME}
    imported = distributions_of(runtime_imports())
    assert declared - imported == set(NOT_IMPORTED)
    assert imported & set(NOT_IMPORTED) == set(), "imported now: drop it from NOT_IMPORTED"


def test_every_runtime_dependency_has_an_upper_bound():
    unbounded = [
        str(requirement)
        for requirement in RUNTIME
        if not any(spec.operator in {"<", "<=", "==", "~="} for spec in requirement.specifier)
    ]
    assert unbounded == []


def test_the_lock_files_pin_every_declared_package_within_its_bounds():
    runtime, test = pins("requirements.lock"), pins("requirements-test.lock")
    for lock, requirements in [(runtime, RUNTIME), (test, RUNTIME + TEST)]:
        for requirement in requirements:
            name = canonicalize_name(requirement.name)
            assert name in lock, f"{name} is not locked: run `make lock`"
            assert requirement.specifier.contains(lock[name], prereleases=True), (
                f"{name}=={lock[name]} is outside {requirement.specifier}: run `make lock`"
            )
    assert {name: test[name] for name in runtime} == runtime, "the test lock moved a runtime pin"
