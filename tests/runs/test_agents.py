"""The peers a run builds: their own settings, checked before any work."""

import pytest

from keras_mage.runs import agents


def test_peer_setting_names_are_the_constructors_own():
    bc, iql, dt = (agents.peer_setting_names(kind) for kind in ("bc", "iql", "dt"))
    assert {"hidden_units", "activation", "learning_rate"} <= set(bc)
    assert {"expectile", "temperature", "hidden_units"} <= set(iql) and "expectile" not in bc
    assert "warmup_steps" in dt and "hidden_units" not in dt  # Decision Transformer ignores the MLP's settings
    assert not set(agents.SET_BY_THE_RUN) & set(bc + iql + dt)


def test_make_baseline_names_an_unknown_setting():
    with pytest.raises(ValueError, match="dt has no setting warmup; its settings: .*warmup_steps"):
        agents.make_baseline("dt", "keras_mage/pointmaze/umaze-v0", batch_size=8, seed=0, warmup=3)
    with pytest.raises(ValueError, match="unknown peer kind 'mlp'"):
        agents.peer_setting_names("mlp")
    model = agents.make_baseline("bc", "keras_mage/ogbench/pointmaze-medium-navigate-v0", batch_size=8, seed=0,
                                 hindsight_goals=(0, 1), hindsight_goal_draw="geometric", hidden_units=(16,))
    assert (model.hidden_units, model.hindsight_goal_draw, model.activation) == ((16,), "geometric", "gelu")
