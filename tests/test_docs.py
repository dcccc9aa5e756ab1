"""The user documentation: commands name scripts that exist, no machine's own paths, results kept short."""

import glob
import os
import re

import pytest

ROOT = os.path.join(os.path.dirname(__file__), "..")
PAGES = sorted(glob.glob(os.path.join(ROOT, "docs", "*.md"))) + [os.path.join(ROOT, "README.md")]
# A script of this repository as a command names it: not part of a longer path (tests/recipes/..., data_gen_scripts/).
SCRIPT = re.compile(r"(?<![\w/-])((?:recipes|studies|benchmarks|scripts)/[\w/.-]+\.(?:py|sh))")
MACHINE_PATH = re.compile(r"(?<![\w.~])/(?:tmp|work|root|home)/")


def read(page):
    with open(page, encoding="utf-8") as file:
        return file.read()


@pytest.mark.parametrize("page", PAGES, ids=os.path.basename)
def test_every_script_a_page_names_exists(page):
    missing = sorted({path for path in SCRIPT.findall(read(page)) if not os.path.exists(os.path.join(ROOT, path))})
    assert not missing, f"{os.path.basename(page)} names scripts that do not exist: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=os.path.basename)
def test_no_page_holds_an_absolute_or_temporary_path(page):
    found = [line for line in read(page).splitlines() if MACHINE_PATH.search(line)]
    assert not found, f"{os.path.basename(page)}: {found[:3]}"


def test_the_results_page_stays_a_five_minute_read():
    assert len(read(os.path.join(ROOT, "docs", "results.md")).splitlines()) < 300


def test_the_patterns_catch_what_they_are_for():
    assert SCRIPT.findall("run `python studies/missing.py` and recipes/ogbench.py") == [
        "studies/missing.py", "recipes/ogbench.py"]
    others = "OGBench's data_gen_scripts/generate_locomaze.py, tests/recipes/test_recipes.py, minari-scripts/a/b.py"
    assert SCRIPT.findall(others) == []
    assert MACHINE_PATH.search("--output-dir /tmp/run") and MACHINE_PATH.search("(/work/exp/og)")
    assert not MACHINE_PATH.search("~/.keras_mage/ogbench and runs/ogbench_geometric")
