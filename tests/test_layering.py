"""The package layering of docs/architecture.md: each package imports only the floors below it."""

import ast
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1] / "keras_mage"

# Bottom to top. A package may import packages on lower floors only (and itself).
FLOORS = (
    ("version", "utils", "progress", "maze_envs", "presets", "distribution", "layers"),
    ("datagen",),
    ("data",),
    ("models",),
    ("baselines", "export", "control"),
    ("runs",),
)
LEVEL = {package: level for level, packages in enumerate(FLOORS) for package in packages}
# The package's entry points: `import keras_mage` and the lazy registration of serialisable classes.
ENTRY_POINTS = {"__init__", "registration"}


def package_of(path):
    parts = path.relative_to(ROOT).parts
    return parts[0][: -len(".py")] if len(parts) == 1 else parts[0]


def imported_packages(path):
    """The keras_mage packages a file imports, at module level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
            if node.module == "keras_mage":
                modules = [f"keras_mage.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(m.split(".")[1] for m in modules if m.startswith("keras_mage.") and m.count(".") >= 1)
    return found


def import_graph():
    graph = {}
    for path in sorted(ROOT.rglob("*.py")):
        package = package_of(path)
        graph.setdefault(package, set()).update(imported_packages(path) - {package})
    return graph


def test_every_package_has_a_floor():
    packages = set(import_graph()) - ENTRY_POINTS
    assert packages <= set(LEVEL), f"add {sorted(packages - set(LEVEL))} to FLOORS"


@pytest.mark.parametrize("package", sorted(set(LEVEL)))
def test_package_imports_only_lower_floors(package):
    upward = sorted(
        target for target in import_graph().get(package, ())
        if target not in ENTRY_POINTS and LEVEL.get(target, len(FLOORS)) >= LEVEL[package]
    )
    assert not upward, f"keras_mage.{package} imports {upward}, which are not on a lower floor"


def test_the_checker_sees_imports_inside_functions(tmp_path):
    source = tmp_path / "module.py"
    source.write_text("def f():\n    from keras_mage.control import MAGEPolicy\n    import keras_mage.export\n")
    assert imported_packages(source) == {"control", "export"}


@pytest.mark.parametrize(
    "statements",
    ["import keras_mage; keras_mage.MAGE", "import keras_mage.models", "import keras_mage.baselines",
     "import keras; import keras_mage; keras_mage.baselines.IQL",
     # Keras looked up before it is imported, as TensorFlow does (`quiet_start`): the baselines still register
     "import keras_mage, importlib.util, sys; importlib.util.find_spec('keras'); import keras; "
     "assert 'keras_mage.baselines' in sys.modules"],
)
def test_every_entry_imports_whichever_comes_first(statements):
    """Keras registration imports models and baselines as Keras loads: no order may meet a half-imported module."""
    result = subprocess.run(
        [sys.executable, "-c", f"{statements}; print(keras_mage.baselines.BehaviorCloning.__name__)"],
        capture_output=True, text=True, timeout=300, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"),
    )
    assert result.returncode == 0 and "BehaviorCloning" in result.stdout, result.stderr[-2000:]
