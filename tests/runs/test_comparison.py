"""Run settings that decide whether a finished run is reused."""

import json

import pytest

from keras_mage.control.acting_options import ActingOptions
from keras_mage.runs import comparison


def settings_for(kind, options, batch_size=None, preset="tiny"):
    acting = ActingOptions(replan_every=1).for_model(return_head=False, action_chunk=1)
    return comparison.run_settings(
        kind, "keras_mage/pointmaze/umaze-3k-v0", 0, preset=preset, train_steps=10, options=options,
        mixed_precision=False, eval_episodes=2, max_episode_steps=None, acting=acting, batch_size=batch_size,
    )


def test_a_peers_settings_keep_only_what_it_takes_of_mages():
    plain = settings_for("bc", {})
    assert (plain["preset"], plain["options"], plain["batch_size"]) == (None, {}, 32)  # tiny's batch, resolved
    assert settings_for("bc", {"codebook_size": 16, "action_chunk": 4}) == plain  # MAGE's own options: no matter
    assert settings_for("bc", {"batch_size": 64})["batch_size"] == 64  # the batch a peer falls back to
    assert settings_for("bc", {}, batch_size=100, preset="base")["batch_size"] == 100
    assert settings_for("bc", {"hindsight_goals": (0, 1)})["options"] == {"hindsight_goals": [0, 1]}
    uniform = settings_for("bc", {"hindsight_goals": (0, 1), "hindsight_goal_draw": "uniform"})
    geometric = settings_for("bc", {"hindsight_goals": (0, 1), "hindsight_goal_draw": "geometric"})
    assert uniform["options"] == {"hindsight_goals": [0, 1]}  # the default draw, as runs stored before kept it
    assert geometric["options"] == {"hindsight_goals": [0, 1], "hindsight_goal_draw": "geometric"}
    mage = settings_for("mage", {"codebook_size": 16})
    assert (mage["preset"], mage["options"], mage["config"]["codebook_size"]) == ("tiny", {"codebook_size": 16}, 16)


def test_a_peers_run_stored_with_mages_settings_is_still_reused(tmp_path):
    stored = {**settings_for("iql", {}), "preset": "tiny", "options": {"codebook_size": 16}, "batch_size": None,
              "mixed_precision": False}  # as runs recorded them before
    (tmp_path / "report.json").write_text(json.dumps({"success_rate": 0.5, "settings": stored}))
    assert comparison.finished_report(str(tmp_path), settings_for("iql", {}))["success_rate"] == 0.5
    with pytest.raises(SystemExit, match="batch_size: 32 there, 64 now"):
        comparison.finished_report(str(tmp_path), settings_for("iql", {}, batch_size=64))


def test_a_comparison_keeps_the_datasets_an_earlier_call_compared_with_the_same_settings(tmp_path):
    path = tmp_path / "comparison.json"
    assert comparison.earlier_datasets(str(path), {"seeds": [0]}) == {}  # no file yet
    settings = {"seeds": [0, 1], "options": {"hindsight_goals": (0, 1)}, "budgets": {"bc": {"steps": 10}}}
    path.write_text(json.dumps({**settings, "per_maze": {"medium": {"mage": 1}}, "plot": "comparison.png"}))
    assert comparison.earlier_datasets(str(path), settings) == {"medium": {"mage": 1}}  # tuples stored as lists
    assert comparison.earlier_datasets(str(path), {**settings, "seeds": [0, 1, 2]}) == {}  # other settings
    path.write_text('{"seeds": [0, 1], "per_')  # cut off mid-write by another program
    assert comparison.earlier_datasets(str(path), settings) == {}
