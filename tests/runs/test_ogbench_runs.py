"""OGBench run reports: collected per folder, summarised as a table beside the published agents, plotted together."""

import json

import pytest

from keras_mage.runs import ogbench_runs, plotting

NAME = "pointmaze-large-navigate-v0"


def write_runs(folder, agent, scores, waypoints=None, train_steps=100, first_seed=0):
    for seed, score in enumerate(scores, start=first_seed):
        run = folder / NAME / f"{agent}_seed{seed}"
        run.mkdir(parents=True)
        settings = {"kind": agent, "seed": seed, "train_steps": train_steps, "waypoints": waypoints}
        report = {"settings": settings, "agent": agent, "seed": seed, "success_rate": score, "waypoints": waypoints,
                  "train_seconds": 10.0}
        (run / "report.json").write_text(json.dumps(report))


def test_summary_table_gives_mean_stderr_and_each_seed_beside_the_published(tmp_path):
    write_runs(tmp_path, "mage", [0.4, 0.2, 0.6])
    write_runs(tmp_path, "bc", [1.0, 1.0, 1.0])
    table = ogbench_runs.summary_table(ogbench_runs.collect_reports(str(tmp_path)))
    assert "| MAGE (here) | GCBC (here) | GCBC (published) |" in table
    assert f"| {NAME} | 40 +- 12 (40, 20, 60) | 100 +- 0 (100, 100, 100) | 29 +- 6 | 45 +- 5 |" in table


def test_seeds_of_one_agent_with_other_settings_are_refused(tmp_path):
    write_runs(tmp_path, "mage", [0.4])
    write_runs(tmp_path, "mage", [0.2], train_steps=200, first_seed=1)
    with pytest.raises(ValueError, match="mage_seed1/report.json ran with other settings"):
        ogbench_runs.collect_reports(str(tmp_path))


def test_plot_summary_puts_agents_and_their_waypoint_runs_from_several_folders_side_by_side(tmp_path, monkeypatch):
    write_runs(tmp_path / "trained", "bc", [0.5, 0.7])
    write_runs(tmp_path / "trained", "mage", [0.4, 0.2])
    write_runs(tmp_path / "waypoints", "mage", [1.0, 1.0], waypoints=10.0)
    drawn = {}
    monkeypatch.setattr(plotting, "plot_comparison",
                        lambda per_dataset, path, agents, published: drawn.update(per_dataset=per_dataset,
                                                                                 agents=agents, path=path))
    collected = [ogbench_runs.collect_reports(str(tmp_path / folder)) for folder in ("waypoints", "trained")]
    assert ogbench_runs.plot_summary(collected, tmp_path / "both.png") == tmp_path / "both.png"
    assert drawn["agents"] == ("MAGE", "MAGE + waypoints (10 steps)", "GCBC")
    runs = drawn["per_dataset"]["large-navigate"]
    assert runs["MAGE + waypoints (10 steps)"]["summary"]["success_rate"]["mean"] == 1.0
    assert [report["success_rate"] for report in runs["GCBC"]["per_seed"]] == [0.5, 0.7]
