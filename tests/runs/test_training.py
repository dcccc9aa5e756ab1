"""A tiny MAGE trained briefly on regenerated PointMaze data, evaluated in the maze."""

import json

import numpy as np
import pytest

from keras_mage.runs import training


@pytest.mark.slow
def test_tiny_model_trains_and_is_evaluated(pointmaze_dataset, tmp_path):
    model, history = training.train_agent("mage", pointmaze_dataset, preset="tiny", train_steps=12, seed=0, epochs=3)
    assert len(history.history["loss"]) == 3 and history.history["train_steps"] == 12
    record = training.training_record(history, tmp_path)
    report = training.evaluate_and_save(model, record, pointmaze_dataset, tmp_path, episodes=3, seed=1,
                                        num_envs=2, save=False, max_episode_steps=40)
    written = json.loads((tmp_path / "evaluation.json").read_text())
    for results in (report, written):
        assert results["dataset_id"] == pointmaze_dataset and results["episodes"] == 3
        assert 0.0 <= results["success_rate"] <= 1.0
        assert results["ref_min_score"] < results["ref_max_score"]
        expected = (results["mean_return"] - results["ref_min_score"]) / (
            results["ref_max_score"] - results["ref_min_score"])
        assert results["normalized_score"] == pytest.approx(expected)
        assert results["mean_episode_length"] == 40  # the shortened time limit (continuing task)
        assert results["max_episode_steps"] == 40
    assert written["per_episode"]["seed"] == [1, 2, 3]
    assert all(0 <= r <= 40 for r in written["per_episode"]["return"])
    assert report["final_losses"]["loss"] == pytest.approx(history.history["loss"][-1])
    for name in ("trajectories.png", "learning_curve.png"):
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"


@pytest.mark.slow
def test_a_saved_agent_is_trained_further(pointmaze_dataset, tmp_path):
    model, _ = training.train_agent("mage", pointmaze_dataset, preset="tiny", train_steps=4, seed=0, epochs=1)
    agent = model.save_to_preset(tmp_path / "agent")
    with pytest.raises(ValueError, match="saved agent.*--set head_width, --mixed-precision"):
        training.train_agent(
            "mage", pointmaze_dataset, preset=agent, options={"head_width": 64}, dtype="mixed_bfloat16"
        )
    further, history = training.train_agent("mage", pointmaze_dataset, preset=agent, train_steps=4, seed=1, epochs=1)
    assert history.history["train_steps"] == 4
    assert further.data_statistics == model.data_statistics  # normalises as before
    changed = [not np.array_equal(a, b) for a, b in zip(model.get_weights(), further.get_weights())]
    assert len(changed) == len(model.get_weights()) and any(changed)


@pytest.mark.slow
def test_behavior_cloning_trains_with_the_same_budget(pointmaze_dataset, monkeypatch):
    import keras_mage

    def no_mage(*args, **kwargs):
        raise AssertionError("a peer's run built a MAGE model")

    monkeypatch.setattr(keras_mage.MAGE, "from_preset", no_mage)  # the preset gives the batch size, nothing more
    model, history = training.train_agent("bc", pointmaze_dataset, preset="tiny", train_steps=10, seed=0, epochs=2)
    assert model.batch_size == 32  # the tiny preset's batch size
    assert history.history["train_steps"] == 10 and len(history.history["loss"]) == 2
    state = np.zeros((1, model.state_dim), "float32")
    goal = np.zeros((1, model.goal_dim), "float32")
    assert model.predict_actions(state, goal).shape == (1, 1, 2)


def test_export_status_is_reported_not_assumed(monkeypatch):
    import keras_mage.export

    def broken(model, path):
        raise RuntimeError("no exporter here")

    monkeypatch.setattr(keras_mage.export, "export_saved_model", broken)
    status = training.export_saved_model_if_available(object(), "/nowhere")
    assert status == {"exported": False, "reason": "RuntimeError: no exporter here"}
