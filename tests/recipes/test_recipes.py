"""The recipes end to end on tiny settings, and their data resolution."""

import argparse
import json
import os
import pathlib
import re
import runpy
import sys
import zipfile

import numpy as np
import pytest

RECIPES = os.path.join(os.path.dirname(__file__), "..", "..", "recipes")
sys.path.append(RECIPES)  # after site-packages: recipes/ogbench.py must not shadow `ogbench`
import recipe_cli  # noqa: E402


def recipe(name):
    return runpy.run_path(os.path.join(RECIPES, f"{name}.py"), run_name=f"recipe_{name}")


@pytest.fixture
def minari_root(tmp_path, monkeypatch):
    root = tmp_path / "minari"
    monkeypatch.setenv("MINARI_DATASETS_PATH", str(root))
    return root


TINY = ["--preset", "tiny", "--train-steps", "8", "--eval-episodes", "2", "--num-envs", "2",
        "--dataset-steps", "2500", "--ref-episodes", "2", "--max-episode-steps", "30"]


@pytest.mark.slow
def test_pointmaze_recipe_end_to_end(minari_root, tmp_path):
    import keras_mage

    output = tmp_path / "run"
    recipe("pointmaze")["main"](
        TINY + ["--output-dir", str(output), "--seed", "3", "--set", "head_width=16", "--return-update", "fixed",
                "--set", "action_chunk=2", "--replan-every", "2", "--guidance-scale", "1.5",
                "--temporal-ensemble", "off", "--temperature", "0.5"]
    )
    metrics = json.loads((output / "metrics.json").read_text())
    assert metrics["return_update"] == "fixed" and metrics["replan_every"] == 2 and metrics["guidance_scale"] == 1.5
    assert metrics["temporal_ensemble"] is None and metrics["temperature"] == 0.5
    evaluation = json.loads((output / "umaze" / "evaluation.json").read_text())
    assert evaluation["return_update"] == "fixed" and evaluation["replan_every"] == 2
    assert evaluation["guidance_scale"] == 1.5 and evaluation["temporal_ensemble"] is None
    assert evaluation["temperature"] == 0.5
    assert metrics["recipe"] == "pointmaze" and metrics["preset"] == "tiny" and metrics["seed"] == 3
    assert metrics["options"] == {"head_width": 16, "action_chunk": 2}
    assert metrics["dataset_ids"] == {"umaze": "keras_mage/pointmaze/umaze-2500-v0"}
    assert metrics["versions"]["keras"] and metrics["backend"] in ("tensorflow", "jax", "torch")
    umaze = metrics["per_maze"]["umaze"]
    assert 0.0 <= metrics["success_rate"] == umaze["success_rate"] <= 1.0
    assert umaze["normalized_score"] == metrics["normalized_score"] and umaze["episodes"] == 2
    assert umaze["train_steps"] == 8
    assert umaze["mean_episode_length"] == 30 and metrics["max_episode_steps"] == 30
    assert isinstance(umaze["saved_model"]["exported"], bool)
    if umaze["saved_model"]["exported"]:
        assert (output / "umaze" / "saved_model" / "saved_model.pb").is_file()
    for name in ("trajectories.png", "learning_curve.png", "model.keras", "evaluation.json"):
        assert (output / "umaze" / name).is_file()
    agent = keras_mage.MAGE.from_preset(str(output / "umaze" / "agent"))
    assert agent.head_width == 16
    assert agent.data_statistics.dataset_id == "keras_mage/pointmaze/umaze-2500-v0"
    actions = agent.predict_actions(np.zeros((1, agent.state_dim)), np.zeros((1, agent.goal_dim)))
    assert np.all(np.abs(actions) <= 1.0)


@pytest.mark.slow
def test_compare_bc_end_to_end(minari_root, tmp_path, monkeypatch):
    import keras

    import keras_mage
    from keras_mage.models.checkpoint import EpochCheckpoint
    from keras_mage.runs import training

    output = tmp_path / "compare"
    arguments = TINY + ["--maze", "umaze", "--seeds", "0", "--output-dir", str(output)]
    write_checkpoint = EpochCheckpoint.on_epoch_end

    def cut_off_after_epoch_3(self, epoch, logs=None):
        write_checkpoint(self, epoch, logs)
        if epoch == 2:
            raise KeyboardInterrupt("cut off")

    monkeypatch.setattr(EpochCheckpoint, "on_epoch_end", cut_off_after_epoch_3)
    with pytest.raises(KeyboardInterrupt):
        recipe("compare_bc")["main"](arguments)
    mage_run = output / "umaze" / "mage_seed0"
    state = json.loads((mage_run / "checkpoint" / "epoch-000003" / "state.json").read_text())
    assert state["epochs"] == 3 and len(state["history"]["action_loss"]) == 3
    with pytest.raises(SystemExit, match="run interrupted in training with other settings"):
        recipe("compare_bc")["main"](arguments + ["--train-steps", "9"])
    monkeypatch.setattr(EpochCheckpoint, "on_epoch_end", write_checkpoint)
    recipe("compare_bc")["main"](arguments)  # resumes MAGE from its epoch-3 checkpoint
    resumed = json.loads((mage_run / "report.json").read_text())
    assert resumed["resumed_after_epochs"] == 3 and resumed["train_seconds"] > state["seconds"]
    assert not (mage_run / "checkpoint").exists()
    first = json.loads((output / "comparison.json").read_text())
    assert json.loads((output / "umaze" / "bc_seed0" / "report.json").read_text())["settings"]["kind"] == "bc"

    def no_training(*args, **kwargs):
        raise AssertionError("a finished run was trained again")

    monkeypatch.setattr(training, "train_agent", no_training)
    report = json.loads((mage_run / "report.json").read_text())
    for option in ("guidance_scale", "temporal_ensemble", "temperature"):
        del report["settings"][option]  # as a run made before them
    del report["settings"]["config"]["window_stride"]
    (mage_run / "report.json").write_text(json.dumps(report))
    for option in ("guidance_scale", "temporal_ensemble", "temperature"):
        del first["per_maze"]["umaze"]["mage"]["per_seed"][0]["settings"][option]
    del first["per_maze"]["umaze"]["mage"]["per_seed"][0]["settings"]["config"]["window_stride"]
    recipe("compare_bc")["main"](arguments)  # resumes: both runs are reused
    comparison = json.loads((output / "comparison.json").read_text())
    assert comparison["per_maze"] == first["per_maze"]
    assert pathlib.Path(comparison["plot"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(SystemExit, match="train_steps: 8 there, 9 now"):
        recipe("compare_bc")["main"](arguments + ["--train-steps", "9"])
    with pytest.raises(SystemExit, match=r"Only how it acts differs: `python studies/acting_options.py .*"
                       r"mage_seed0/agent --episodes 2 --max-episode-steps 30 --options .*\"guidance_scale\": 2\.0"):
        recipe("compare_bc")["main"](arguments + ["--guidance-scale", "2"])
    monkeypatch.setitem(keras_mage.PRESETS["tiny"], "codebook_size", 16)  # a preset default changes
    with pytest.raises(SystemExit, match="finished run with other settings \\(config:"):
        recipe("compare_bc")["main"](arguments)
    umaze = comparison["per_maze"]["umaze"]
    for kind in ("mage", "bc"):
        assert umaze[kind]["summary"]["success_rate"]["seeds"] == 1
        assert len(umaze[kind]["per_seed"]) == 1
        assert umaze[kind]["per_seed"][0]["train_steps"] == 8
    assert comparison["return_update"] == "estimated"  # tiny trains a return head
    paired = umaze["mage_minus_bc"]
    difference = umaze["mage"]["per_seed"][0]["success_rate"] - umaze["bc"]["per_seed"][0]["success_rate"]
    assert paired["per_seed"][0]["success_rate"] == pytest.approx(difference)
    assert paired["seeds_ahead"] + paired["seeds_behind"] == (difference != 0)
    agent = keras_mage.MAGE.from_preset(umaze["mage"]["per_seed"][0]["agent_dir"])  # kept for re-evaluation
    assert agent.data_statistics.dataset_id == umaze["dataset_id"]
    baseline = keras.saving.load_model(umaze["bc"]["per_seed"][0]["keras_file"])  # so is the baseline
    assert baseline.data_statistics.dataset_id == umaze["dataset_id"]
    assert baseline.predict_actions(np.zeros((3, agent.state_dim)), np.zeros((3, agent.goal_dim))).shape == (3, 1, 2)


@pytest.mark.slow
def test_compare_trains_only_the_agents_asked_for_with_their_own_budget(minari_root, tmp_path):
    import keras

    output = tmp_path / "compare"
    arguments = TINY + ["--maze", "umaze", "--seeds", "1", "--agents", "bc", "iql", "dt", "--steps", "iql=6",
                        "--batch-size", "iql=16", "--peer-set", "dt.warmup_steps=3", "--output-dir", str(output)]
    recipe("compare")["main"](arguments)
    comparison = json.loads((output / "comparison.json").read_text())
    assert set(comparison["per_maze"]["umaze"]) == {"dataset_id", "bc", "iql", "dt"}  # no MAGE: no differences
    assert comparison["budgets"] == {"bc": {"steps": 8, "batch_size": None}, "iql": {"steps": 6, "batch_size": 16},
                                     "dt": {"steps": 8, "batch_size": None}}
    assert comparison["peer_options"] == {"dt": {"warmup_steps": 3}}  # part of the settings a later call must match
    assert not (output / "umaze" / "mage_seed1").exists()
    iql = json.loads((output / "umaze" / "iql_seed1" / "report.json").read_text())
    assert (iql["train_steps"], iql["settings"]["batch_size"]) == (6, 16) and iql["train_seconds"] > 0
    assert keras.saving.load_model(iql["keras_file"]).__class__.__name__ == "IQL"
    assert comparison["per_maze"]["umaze"]["iql"]["summary"]["train_seconds"]["mean"] == iql["train_seconds"]
    dt = json.loads((output / "umaze" / "dt_seed1" / "report.json").read_text())
    assert dt["return_update"] == "decrement"  # Decision Transformer's own rule
    assert dt["settings"]["peer_options"] == {"warmup_steps": 3} and iql["settings"]["peer_options"] is None
    restored_dt = keras.saving.load_model(dt["keras_file"])
    assert restored_dt.__class__.__name__ == "DecisionTransformer" and restored_dt.warmup_steps == 3
    (output / "comparison.json").unlink()
    recipe("compare")["main"](arguments[:-2] + ["--seeds", "1", "2", "--finished-only", "--output-dir", str(output)])
    summary = json.loads((output / "comparison.json").read_text())["per_maze"]["umaze"]
    assert [report["seed"] for report in summary["iql"]["per_seed"]] == [1]  # seed 2 never ran: left out
    assert not (output / "umaze" / "iql_seed2").exists()
    recipe("compare")["main"](arguments + ["--set", "codebook_size=16", "--finished-only"])  # MAGE's option only
    reused = json.loads((output / "comparison.json").read_text())["per_maze"]["umaze"]
    assert {kind: len(reused[kind]["per_seed"]) for kind in ("bc", "iql", "dt")} == {"bc": 1, "iql": 1, "dt": 1}


@pytest.mark.slow
def test_compare_scores_trained_goal_conditioned_agents_toward_waypoints(minari_root, tmp_path, capsys):
    trained, guided = tmp_path / "trained", tmp_path / "waypoints"
    arguments = TINY + ["--maze", "umaze", "--seeds", "0", "--agents", "mage", "bc", "--set", "hindsight_goals=(0, 1)"]
    recipe("compare")["main"](arguments + ["--output-dir", str(trained)])
    recipe("compare")["main"](arguments + ["--trained-in", str(trained), "--waypoints", "5",
                                           "--output-dir", str(guided)])
    for kind, saved in (("mage", "agent"), ("bc", "model.keras")):
        before = json.loads((trained / "umaze" / f"{kind}_seed0" / "report.json").read_text())
        after = json.loads((guided / "umaze" / f"{kind}_seed0" / "report.json").read_text())
        assert before["waypoints"] is None and after["waypoints"] == after["settings"]["waypoints"] == 5
        assert after["train_seconds"] == before["train_seconds"] and after["final_losses"] == before["final_losses"]
        assert after["saved"] == str(trained / "umaze" / f"{kind}_seed0" / saved)
        assert after["episodes"] == 2 and not (guided / "umaze" / f"{kind}_seed0" / saved).exists()
    with pytest.raises(SystemExit, match=r"acting_options.py .*--waypoints 5 .*this command with `--trained-in "
                       + re.escape(str(trained)) + "` and another `--output-dir`"):  # a finished run, scored otherwise
        recipe("compare")["main"](arguments + ["--waypoints", "5", "--output-dir", str(trained)])
    with pytest.raises(SystemExit, match=r"other settings.*train_steps"):  # trained with 8 steps
        recipe("compare")["main"](arguments + ["--train-steps", "9", "--trained-in", str(trained), "--waypoints", "5",
                                               "--output-dir", str(tmp_path / "other")])
    with pytest.raises(SystemExit):
        recipe("compare")["main"](TINY + ["--maze", "umaze", "--waypoints", "5", "--output-dir", str(guided)])
    assert "--waypoints needs goal-conditioned agents" in capsys.readouterr().err


def test_budgets_per_agent_published_or_given():
    compare = recipe("compare")
    args = argparse.Namespace(agents=["mage", "bc", "iql", "dt"], train_steps=100, steps=[("iql", 7)],
                              batch_size=[("dt", 8)], published_budgets=True)
    assert compare["budgets"](args) == {"mage": (100, None), "bc": (10_000, 100), "iql": (7, 256), "dt": (100_000, 8)}
    args.published_budgets = False
    assert compare["budgets"](args) == {"mage": (100, None), "bc": (100, None), "iql": (7, None), "dt": (100, 8)}
    peer_setting = recipe("recipe_cli")["peer_setting"](("bc", "iql", "dt"))
    assert peer_setting("dt.warmup_steps=300") == ("dt", "warmup_steps", 300)
    for text in ("mage.width=3", "bc.hidden_units", "bc.=3"):
        with pytest.raises(argparse.ArgumentTypeError, match="KIND.NAME=VALUE with KIND one of bc, iql, dt"):
            peer_setting(text)
    with pytest.raises(argparse.ArgumentTypeError, match="bc has no setting hiden_units; its settings: activation, "):
        peer_setting("bc.hiden_units=(8,)")
    assert recipe("recipe_cli")["peer_options"]([("bc", "a", 1), ("dt", "b", 2), ("bc", "c", (3,))]) == {
        "bc": {"a": 1, "c": (3,)}, "dt": {"b": 2}}
    parse = compare["budget_pairs"](("bc", "iql"))
    assert parse("bc=100") == ("bc", 100)
    for text in ("mage=5", "bc=0", "bc=x", "bc"):
        with pytest.raises(argparse.ArgumentTypeError, match="use KIND=N"):
            parse(text)


def test_compare_per_seed_pairs_mage_with_every_peer():
    from keras_mage.runs.comparison import compare_per_seed

    reports = {kind: [{"success_rate": s, "normalized_score": None, "mean_return": 1.0, "train_seconds": t, "seed": k}
                      for k, s in enumerate(values)]
               for kind, values, t in (("mage", (1.0, 0.5), 60.0), ("bc", (0.5, 0.5), 2.0), ("iql", (1.0, 1.0), 30.0))}
    result = compare_per_seed({**reports, "dt": []})
    assert set(result) == {"mage", "bc", "iql", "mage_minus_bc", "mage_minus_iql"}  # no runs, no entry
    assert result["mage_minus_iql"]["summary"]["success_rate"]["mean"] == pytest.approx(-0.25)
    line = recipe("compare")["describe"]("large", result)
    assert "iql 1.000 +- 0.000 (30 s)" in line and "mage - iql per seed -0.250" in line
    assert "mage - bc per seed +0.250" in line
    unfinished = compare_per_seed({**reports, "mage": reports["mage"][1:]})  # seed 0 of MAGE did not finish
    assert unfinished["mage_minus_bc"]["per_seed"] == [{"success_rate": 0.0, "normalized_score": None,
                                                        "mean_return": 0.0}]


def test_compare_summary_is_mean_and_standard_error():
    summarise = recipe("compare_bc")["summarise"]
    reports = [{"success_rate": s, "normalized_score": None, "mean_return": r} for s, r in ((0.2, 1), (0.4, 3))]
    summary = summarise(reports)
    assert summary["success_rate"]["mean"] == pytest.approx(0.3)
    assert summary["success_rate"]["stderr"] == pytest.approx(np.std([0.2, 0.4], ddof=1) / np.sqrt(2))
    assert "normalized_score" not in summary and summary["mean_return"]["mean"] == 2.0
    assert "goal_share" not in summary  # reports from before the goal timing existed
    timed = summarise([{**report, "goal_share": share} for report, share in zip(reports, (0.1, 0.3))])
    assert timed["goal_share"]["mean"] == pytest.approx(0.2) and timed["goal_share"]["seeds"] == 2


def test_compare_pairs_seeds_mage_minus_bc():
    compare = recipe("compare_bc")
    mage = [{"success_rate": s, "normalized_score": 0.5, "mean_return": None} for s in (1.0, 0.9, 0.6)]
    bc = [{"success_rate": s, "normalized_score": 0.25, "mean_return": 3.0} for s in (0.5, 0.9, 0.8)]
    paired = compare["paired_difference"](mage, bc)
    assert [d["success_rate"] for d in paired["per_seed"]] == pytest.approx([0.5, 0.0, -0.2])
    assert paired["summary"]["success_rate"]["mean"] == pytest.approx(0.1)
    assert paired["summary"]["success_rate"]["stderr"] == pytest.approx(np.std([0.5, 0.0, -0.2], ddof=1) / np.sqrt(3))
    assert paired["summary"]["normalized_score"]["mean"] == pytest.approx(0.25)
    assert "mean_return" not in paired["summary"]  # MAGE's returns are missing
    assert (paired["seeds_ahead"], paired["seeds_behind"]) == (1, 1)
    result = {kind: {"summary": compare["summarise"](reports)} for kind, reports in (("mage", mage), ("bc", bc))}
    line = compare["describe"]("medium", {**result, "mage_minus_bc": paired})
    assert line.startswith("medium: success rate mage 0.833 +- ")
    assert "mage - bc per seed +0.100 +- 0.208 (ahead on 1, behind on 1 of 3)" in line
    with pytest.raises(ValueError):
        compare["paired_difference"](mage, bc[:2])  # seeds must pair up


def test_antmaze_names():
    from keras_mage.runs.datasets import antmaze_variant

    assert antmaze_variant("D4RL/antmaze/large-diverse-v1") == "large-diverse"
    assert antmaze_variant("medium-play") == "medium-play"
    assert antmaze_variant("D4RL/pointmaze/umaze-v2") is None


def test_antmaze_without_data_or_policy_says_what_to_do(minari_root, tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_MAGE_ANT_POLICY", str(tmp_path / "missing.pkl"))
    monkeypatch.setenv("HF_ENDPOINT", "https://127.0.0.1:9")  # no download possible
    with pytest.raises(SystemExit) as exit_info:
        recipe("antmaze")["main"](["--dataset", "D4RL/antmaze/umaze-v1", "--output-dir", str(tmp_path)])
    message = str(exit_info.value)
    assert "minari download D4RL/antmaze/umaze-v1" in message
    assert "--ant-policy PATH" in message and "KERAS_MAGE_ANT_POLICY" in message


def test_compare_on_missing_regenerated_antmaze_says_what_to_do(minari_root, tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_MAGE_ANT_POLICY", str(tmp_path / "missing.pkl"))
    with pytest.raises(SystemExit) as exit_info:
        recipe("compare")["main"](["--dataset", "keras_mage/antmaze/medium-play-v0", "--output-dir", str(tmp_path)])
    message = str(exit_info.value)
    assert "No AntMaze data for 'medium-play'" in message and "KERAS_MAGE_ANT_POLICY" in message


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--train-steps", "0"], "--train-steps must be >= 1"),
        (["--set", "head_widht=16"], "Unknown MAGE option(s) ['head_widht']"),
        (["--set", "head_width"], "--set takes OPTION=VALUE"),
        (
            ["--preset", "{tmp_path}/agent", "--set", "head_width=16"],
            "is a saved agent, trained further as it was saved",
        ),
        (["--preset", "{tmp_path}", "--set", "head_width=16"], "{tmp_path} is a directory but not an agent directory: "
                                                              "{tmp_path}/model.keras is missing."),
        (["--preset", "{tmp_path}/nowhere"], "{tmp_path}/nowhere does not exist. Available presets: ['base', 'small', "
                                              "'tiny']"),
        (["--preset", "{tmp_path}/edited"], "{tmp_path}/edited/config.json differs from the configuration inside "
                                             "model.keras, which the weights were trained with and which is "
                                             "authoritative: action_chunk: config.json has 4, model.keras has 1."),
        (["--replan-every", "4"], "add --set action_chunk=4"),
        (["--guidance-scale", "nan"], "--guidance-scale must be a number >= 0, got nan"),
        (["--temperature", "-1"], "argument --temperature: must be a number >= 0, got -1"),
        (["--temperature", "hot"], "argument --temperature: must be a number >= 0, got hot"),
        (["--temporal-ensemble", "-1"], "--temporal-ensemble must be a number >= 0, got -1.0"),
        (["--temporal-ensemble", "sometimes"], "takes a number >= 0 or 'off', got 'sometimes'"),
        (["--preset", "{tmp_path}/agent", "--replan-every", "2"], "pass an agent trained with a larger action_chunk"),
        (["--preset", "{tmp_path}/agent/model.keras", "--replan-every", "2"], "pass an agent trained with a larger"),
    ],
)
def test_pointmaze_rejects_bad_arguments(tmp_path, capsys, arguments, message):
    fake_agent(tmp_path / "agent", {"action_chunk": 1})
    fake_agent(tmp_path / "edited", {"action_chunk": 1}, readable={"action_chunk": 4})
    arguments = [argument.format(tmp_path=tmp_path) for argument in arguments]
    with pytest.raises(SystemExit):
        recipe("pointmaze")["main"](arguments + ["--output-dir", str(tmp_path)])
    assert message.format(tmp_path=tmp_path) in " ".join(capsys.readouterr().err.split())  # argparse wraps lines


def fake_agent(path, config, readable=None):
    """An agent directory whose model.keras holds only a MAGE `config`, its config.json `readable` (default: same)."""
    path.mkdir()
    with zipfile.ZipFile(path / "model.keras", "w") as archive:
        archive.writestr("config.json", json.dumps({"class_name": "MAGE", "config": config}))
    (path / "config.json").write_text(json.dumps(config if readable is None else readable))


@pytest.mark.parametrize(
    "option, message",
    [
        ("batch_size=abc", "--set batch_size=abc: MAGE option batch_size takes an integer, got 'abc' (str); the "
                           "default is 256."),
        ("gumbel_hard=false", "--set gumbel_hard=false: MAGE option gumbel_hard takes True or False, got 'false'"),
        ("learning_rate=fast", "--set learning_rate=fast: MAGE option learning_rate takes a number, got 'fast'"),
        ("scale_schedule=(1, 2.5)", "MAGE option scale_schedule takes a sequence of integers, got (1, 2.5)"),
        ("batch_sise=32", "--set batch_sise=32: Unknown MAGE option(s) ['batch_sise']. Known options: ["),
    ],
)
def test_set_flag_with_wrong_type_fails_at_parse(capsys, option, message):
    parser = recipe_cli.add_common_arguments(recipe_cli.new_parser("test"), preset="tiny", train_steps=1,
                                             eval_episodes=1, dataset_steps=1)
    with pytest.raises(SystemExit):
        recipe_cli.parse_arguments(parser, ["--set", option])
    assert message in " ".join(capsys.readouterr().err.split())


def test_recipe_preset_options_apply_under_set_and_never_to_a_saved_agent(tmp_path, capsys):
    parser = recipe_cli.add_common_arguments(recipe_cli.new_parser("test"), preset="tiny", train_steps=1,
                                             eval_episodes=1, dataset_steps=1, preset_options={"batch_size": 128})
    assert recipe_cli.parse_arguments(parser, []).options == {"batch_size": 128}
    assert recipe_cli.parse_arguments(parser, ["--set", "batch_size=32", "--set", "head_width=16"]).options == {
        "batch_size": 32, "head_width": 16}
    fake_agent(tmp_path / "agent", {"action_chunk": 1})
    assert recipe_cli.parse_arguments(parser, ["--preset", str(tmp_path / "agent")]).options == {}
    with pytest.raises(SystemExit):
        parser.parse_args(["--help"])
    assert "this recipe sets batch_size=128 for a named preset" in " ".join(capsys.readouterr().out.split())


def test_set_options_parse_literals_and_strings():
    parsed = recipe_cli.parse_options(["gumbel_hard=True", "head_width=128", "head_activation=gelu", "scale_schedule=(1, 2)"])
    assert parsed == {"gumbel_hard": True, "head_width": 128, "head_activation": "gelu", "scale_schedule": (1, 2)}


@pytest.mark.parametrize(
    "arguments, acted",
    [
        (["--preset", "base"], 0.0),  # chunks of 4, a plan every step: the plans overlap
        (["--preset", "base", "--temporal-ensemble", "0.5"], 0.5),
        (["--preset", "base", "--temporal-ensemble", "off"], None),
        (["--preset", "base", "--replan-every", "4"], None),  # one plan per step: nothing to average
        (["--preset", "tiny"], None),  # one action per plan
    ],
)
def test_temporal_ensemble_is_recorded_as_acting_applies_it(arguments, acted):
    parser = recipe_cli.add_common_arguments(recipe_cli.new_parser("test"), preset="tiny", train_steps=1,
                                             eval_episodes=1, dataset_steps=1)
    assert recipe_cli.parse_arguments(parser, arguments).acting.temporal_ensemble == acted


@pytest.mark.parametrize("name", ["pointmaze", "antmaze", "compare", "compare_bc"])
def test_help_states_each_default_once(name, capsys):
    with pytest.raises(SystemExit) as exit_info:
        recipe(name)["main"](["--help"])
    assert exit_info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    assert f"where models, metrics and plots go (default: outputs/{name})" in text
    assert "(default: the env's; scores then not comparable)" in text
    max_episode_steps = text.split("--max-episode-steps")[-1].split("--devices")[0]  # its help, not the usage line
    assert max_episode_steps.startswith(" MAX_EPISODE_STEPS shorter evaluation time limit")
    assert "(default: None)" not in max_episode_steps


@pytest.mark.slow
def test_ogbench_end_to_end(tmp_path, monkeypatch, capsys):
    import keras

    import keras_mage
    from keras_mage.datagen.ogbench_pointmaze import generate_ogbench_pointmaze
    from keras_mage.runs import training

    monkeypatch.setenv("KERAS_MAGE_OGBENCH_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OGBENCH_DATASET_DIR", str(tmp_path / "nowhere"))
    name = "pointmaze-medium-stitch-v0"
    generate_ogbench_pointmaze(name, seed=0, episodes=4, max_episode_steps=30, progress=False)
    output = tmp_path / "out"
    arguments = ["--dataset", name, "--train-steps", "6", "--eval-episodes", "1", "--num-envs", "1",
                 "--max-episode-steps", "10", "--output-dir", str(output), "--set", "tokenizer_warmup_steps=3"]
    recipe("ogbench")["main"]([*arguments, "--agents", "bc", "--seeds", "0", "1", "--batch-size", "8"])
    reports = recipe("ogbench")["main"](arguments)  # MAGE, seed 0; the summary covers every run in the folder
    run = output / name / "mage_seed0"
    report = json.loads((run / "report.json").read_text())
    assert report["dataset_id"] == f"keras_mage/ogbench/{name}" and sorted(report["tasks"]) == ["1", "2", "3", "4", "5"]
    assert [r["seed"] for r in reports[name]["bc"]] == [0, 1] and reports[name]["mage"] == [report]
    assert 0.0 <= report["success_rate"] <= 1.0
    assert (run / "tasks.png").exists() and (output / "ogbench.png").exists()
    summary = (output / "summary.md").read_text()
    assert "| MAGE (here) | GCBC (here) | GCBC (published) |" in summary
    assert re.search(r"\| \d+ \+- \d+ \(\d+, \d+\) \| 23 \+- 18 \|", summary)  # GCBC: mean, s.e., each seed
    agent = keras_mage.MAGE.from_preset(str(run / "agent"))
    assert tuple(agent.hindsight_goals) == (0, 1) and agent.goal_dim == 2 and agent.state_dim == 2
    assert agent.return_expectile == 0.95 and report["options"]["return_expectile"] == 0.95  # the recipe's options
    assert agent.hindsight_goal_draw == "geometric"
    gcbc = keras.saving.load_model(output / name / "bc_seed1" / "model.keras")
    assert gcbc.hindsight_goals == (0, 1) and gcbc.goal_dim == 2 and gcbc.hidden_units == (512, 512, 512)
    assert gcbc.hindsight_goal_draw == "geometric"
    small = tmp_path / "small_gcbc"  # GCBC with another network, labelled with it
    recipe("ogbench")["main"]([*arguments, "--agents", "bc", "--batch-size", "8", "--output-dir", str(small),
                               "--peer-set", "bc.hidden_units=(16,)", "--peer-set", "bc.activation=relu"])
    assert keras.saving.load_model(small / name / "bc_seed0" / "model.keras").hidden_units == (16,)
    assert "| GCBC (hidden_units=[16], activation=relu) (here) |" in (small / "summary.md").read_text()
    with pytest.raises(SystemExit, match="other settings \\(peer_options"):
        recipe("ogbench")["main"]([*arguments, "--agents", "bc", "--batch-size", "8", "--output-dir", str(small)])
    (run / "tasks.png").unlink()
    assert report["temperature"] == 0.0
    del report["settings"]["temperature"]  # as a run made before it
    (run / "report.json").write_text(json.dumps(report))
    assert recipe("ogbench")["main"](arguments)[name]["mage"] == [report]  # finished runs are reused
    assert not (run / "tasks.png").exists()
    with pytest.raises(SystemExit, match="other settings"):
        recipe("ogbench")["main"]([*arguments[:-1], "tokenizer_warmup_steps=2"])
    def no_training(*args, **kwargs):
        raise AssertionError("an agent was trained again")

    guided = tmp_path / "waypoints"  # the GCBC trained above acting toward the data's waypoints, labelled as such
    monkeypatch.setattr(training, "train_agent", no_training)
    recipe("ogbench")["main"]([*arguments, "--agents", "bc", "--batch-size", "8", "--waypoints", "10",
                               "--output-dir", str(guided), "--trained-in", str(output)])
    trained = json.loads((output / name / "bc_seed0" / "report.json").read_text())
    with_waypoints = json.loads((guided / name / "bc_seed0" / "report.json").read_text())
    assert with_waypoints["waypoints"] == 10 and with_waypoints["train_seconds"] == trained["train_seconds"]
    assert with_waypoints["saved"] == str(output / name / "bc_seed0" / "model.keras")
    with pytest.raises(SystemExit, match="run trained with other settings \\(train_steps: 6 there, 7 now"):
        recipe("ogbench")["main"]([*arguments, "--agents", "bc", "--batch-size", "8", "--train-steps", "7",
                                   "--output-dir", str(tmp_path / "other"), "--trained-in", str(output)])
    with pytest.raises(SystemExit, match="bc_seed5 holds no finished run"):
        recipe("ogbench")["main"]([*arguments, "--agents", "bc", "--batch-size", "8", "--seeds", "5",
                                   "--output-dir", str(tmp_path / "other"), "--trained-in", str(output)])
    assert "| GCBC + waypoints (10 steps) (here) |" in (guided / "summary.md").read_text()
    sampled = tmp_path / "sampled"  # the MAGE trained above, its plans sampled at temperature 1; GCBC acts as before
    recipe("ogbench")["main"]([*arguments, "--temperature", "1", "--output-dir", str(sampled), "--agents", "mage", "bc",
                               "--batch-size", "8", "--trained-in", str(output)])
    assert json.loads((sampled / name / "mage_seed0" / "report.json").read_text())["temperature"] == 1.0
    assert json.loads((sampled / name / "bc_seed0" / "report.json").read_text())["temperature"] is None
    assert "| MAGE (plans at temperature 1) (here) | GCBC (here) |" in (sampled / "summary.md").read_text()
    with pytest.raises(SystemExit, match=r"Only how it acts differs: .*--options '\{\"temperature\": 2\.0\}'"):
        recipe("ogbench")["main"]([*arguments, "--temperature", "2", "--output-dir", str(sampled)])
    with pytest.raises(SystemExit, match=r"Only how it acts differs: `python studies/acting_options.py .*"
                       r"bc_seed0/model.keras --episodes 1 --max-episode-steps 10 --waypoints 5`"):
        recipe("ogbench")["main"]([*arguments, "--agents", "bc", "--batch-size", "8", "--waypoints", "5",
                                   "--output-dir", str(guided)])
    with pytest.raises(SystemExit):
        recipe("ogbench")["main"]([*arguments, "--waypoints", "-1"])
    assert "--waypoints must be > 0 steps" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="download_datasets"):  # OGBench's own files are not here
        recipe("ogbench")["main"](["--dataset", name, "--data", "ogbench", "--output-dir", str(output)])
