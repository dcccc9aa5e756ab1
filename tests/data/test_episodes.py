import numpy as np
import pytest

from keras_mage.data import Episode, EpisodeDataset


def fields(steps=3, **changes):
    values = {
        "observations": np.zeros((steps + 1, 2)),
        "goals": None,
        "actions": np.zeros((steps, 1)),
        "rewards": np.zeros(steps),
        "terminations": np.zeros(steps),
        "truncations": np.zeros(steps),
        "id": 7,
    }
    values.update(changes)
    return values


def test_episode_converts_types():
    episode = Episode(**fields(rewards=[1, 2, 3], terminations=[0, 0, 1]))
    assert episode.observations.dtype == np.float32 and episode.rewards.dtype == np.float32
    assert episode.terminations.dtype == bool and episode.terminations.tolist() == [False, False, True]
    assert (len(episode), episode.state_dim, episode.goal_dim, episode.action_dim) == (3, 2, None, 1)


def test_one_dimensional_actions_become_columns():
    assert Episode(**fields(actions=np.zeros(3))).actions.shape == (3, 1)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"observations": np.zeros((3, 2))}, "observations"),
        ({"rewards": np.zeros(4)}, "rewards"),
        ({"truncations": np.zeros(2)}, "truncations"),
        ({"goals": np.zeros((3, 2))}, "goals"),
    ],
)
def test_mismatched_lengths_name_episode_and_field(change, field):
    with pytest.raises(ValueError, match=rf"episode 7: `{field}` has .* T\+1 observations"):
        Episode(**fields(**change))


@pytest.mark.parametrize("field", ["observations", "actions", "rewards"])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_values_name_episode_field_and_fix(field, bad):
    values = fields()
    values[field] = np.array(values[field], np.float32)
    values[field].flat[1] = bad
    with pytest.raises(ValueError, match=rf"episode 7: `{field}` holds NaN or inf .* repair or drop"):
        Episode(**values)


def test_bad_infos_are_reported():
    with pytest.raises(ValueError, match=r"infos\['success'\]"):
        Episode(**fields(), infos={"success": np.zeros(7)})
    with pytest.raises(ValueError, match="NaN"):
        Episode(**fields(), infos={"qpos": np.array([0.0, np.nan, 0.0])})


def test_empty_episode_is_rejected():
    with pytest.raises(ValueError, match="no steps"):
        Episode(**fields(steps=0))


def test_dataset_properties_and_action_bounds(episodes):
    assert len(episodes) == 2 and episodes.total_steps == 8
    assert (episodes.state_dim, episodes.goal_dim, episodes.action_dim) == (3, 2, 2)
    assert episodes.action_low.tolist() == [1.0, 1.0] and episodes.action_high.tolist() == [5.0, 5.0]
    assert "toy" in repr(episodes)
    bounded = EpisodeDataset(list(episodes), action_low=[-1, -1], action_high=[1, 1])
    assert bounded.action_high.dtype == np.float32 and bounded.action_high.tolist() == [1.0, 1.0]


def test_empty_dataset_is_a_clear_error():
    with pytest.raises(ValueError, match="has no episodes"):
        EpisodeDataset([], dataset_id="nothing")


def test_inconsistent_sizes_are_rejected(make_episode):
    with pytest.raises(ValueError, match="episode 1: state_dim is 4 but the first episode's is 3"):
        EpisodeDataset([make_episode(2), make_episode(2, state_dim=4, index=1)])
    with pytest.raises(TypeError, match="not an Episode"):
        EpisodeDataset([make_episode(2), {"observations": 1}])


def test_make_env_without_environment_says_how(make_episode):
    with pytest.raises(ValueError, match="records no environment; pass `env_spec=`"):
        EpisodeDataset([make_episode(2)], dataset_id="toy").make_env()


def test_make_env_prefers_the_eval_spec(make_episode):
    dataset = EpisodeDataset([make_episode(2)], env_spec="CartPole-v1", eval_env_spec="MountainCar-v0")
    assert dataset.make_env().spec.id == "MountainCar-v0"
    assert dataset.make_env(eval_env=False).spec.id == "CartPole-v1"
