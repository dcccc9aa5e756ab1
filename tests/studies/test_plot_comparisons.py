"""studies/plot_comparisons.py: several compare.py folders as one figure, published bars beside them."""

import json
import os
import runpy
import subprocess
import sys

import pytest

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "studies", "plot_comparisons.py")
STUDY = runpy.run_path(SCRIPT)


def write_comparison(folder, per_maze):
    os.makedirs(folder)
    with open(os.path.join(folder, "comparison.json"), "w") as file:
        json.dump({"per_maze": per_maze}, file)


def runs(*successes):
    reports = [{"seed": seed, "success_rate": value} for seed, value in enumerate(successes)]
    mean = sum(successes) / len(successes)
    return {"summary": {"success_rate": {"mean": mean, "stderr": 0.0}}, "per_seed": reports}


@pytest.fixture
def folders(tmp_path):
    trained, waypoints = str(tmp_path / "gc"), str(tmp_path / "gc_waypoints")
    write_comparison(trained, {
        "keras_mage_antmaze_medium-play-v0": {"dataset_id": "x", "mage": runs(0.0, 0.1), "bc": runs(0.0, 0.0),
                                              "mage_minus_bc": {**runs(0.0, 0.1), "seeds_ahead": 1}},
        "keras_mage_antmaze_large-play-v0": {"mage": runs(0.0, 0.0)},
    })
    write_comparison(waypoints, {"keras_mage_antmaze_medium-play-v0": {"mage": runs(0.2, 0.3)}})
    return trained, waypoints


def test_panel_names_drop_the_family_prefix_and_version():
    assert STUDY["panel_name"]("keras_mage_antmaze_umaze-diverse-v0") == "umaze-diverse"
    assert STUDY["panel_name"]("keras_mage_ogbench_pointmaze-giant-stitch-v0") == "pointmaze-giant-stitch"
    assert STUDY["panel_name"]("large") == "large"


def test_merge_labels_agents_with_names_and_suffixes_and_keeps_chosen_panels(folders):
    trained, waypoints = folders
    merged, labels = STUDY["merge_comparisons"]([(trained, ""), (waypoints, " + waypoints")], {"bc": "GCBC"})
    assert labels == ["mage", "GCBC", "mage + waypoints"]
    assert sorted(merged) == ["large-play", "medium-play"]
    assert list(merged["medium-play"]) == ["mage", "GCBC", "mage + waypoints"]  # no dataset_id, no mage_minus_bc
    assert merged["medium-play"]["mage + waypoints"]["per_seed"][1]["success_rate"] == 0.3
    merged, _ = STUDY["merge_comparisons"]([(trained, "")], panels=["large-play"])
    assert list(merged) == ["large-play"]
    with pytest.raises(ValueError, match="comparison.json not found"):
        STUDY["merge_comparisons"]([(os.path.dirname(trained), "")])
    with pytest.raises(ValueError, match="no runs to plot"):
        STUDY["merge_comparisons"]([(trained, "")], panels=["giant"])


def test_published_groups_become_percent_bars_per_panel():
    published = STUDY["parse_published"]([["IQL (CORL)", "medium-play=66", "large-play=42"], ["QRL", "large-play=86"]])
    assert published == {"medium-play": {"IQL (CORL)": (66.0, None)},
                         "large-play": {"IQL (CORL)": (42.0, None), "QRL": (86.0, None)}}


@pytest.mark.parametrize("group, problem", [
    (["QRL", "86"], "'86' is not PANEL=PERCENT"),
    (["QRL", "large-play=high"], "'large-play=high' is not PANEL=PERCENT"),
    (["QRL", "=86"], "'=86' is not PANEL=PERCENT"),
    (["QRL"], "names no PANEL=PERCENT pair"),
])
def test_a_malformed_published_group_is_named(group, problem):
    with pytest.raises(ValueError, match=problem):
        STUDY["parse_published"]([group])


def test_the_command_writes_the_figure(folders, tmp_path):
    trained, waypoints = folders
    output = tmp_path / "figure.png"
    result = subprocess.run([sys.executable, SCRIPT, str(output), trained, f"{waypoints}: + waypoints",
                             "--names", "bc=GCBC", "--published", "IQL (CORL)", "medium-play=66"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert output.stat().st_size > 1000 and "Wrote" in result.stdout
    result = subprocess.run([sys.executable, SCRIPT, str(output), trained, "--score", "success_rate",
                             "normalized_score"], capture_output=True, text=True, timeout=300)
    assert result.returncode != 0 and "{score}" in result.stderr
    result = subprocess.run([sys.executable, SCRIPT, str(output), trained, "--published", "QRL", "86"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and "'86' is not PANEL=PERCENT" in result.stderr and "Traceback" not in result.stderr
