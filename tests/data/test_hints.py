import pytest

from keras_mage.data.sources.hints import regeneration_hint


@pytest.mark.parametrize(
    "name, command",
    [
        ("D4RL/pointmaze/umaze-v2", "pointmaze --maze umaze"),
        ("D4RL/pointmaze/large-dense-v2", "pointmaze --maze large"),
        ("D4RL/antmaze/umaze-diverse-v1", "antmaze --variant umaze-diverse"),
        ("D4RL/antmaze/medium-play-v1", "antmaze --variant medium-play"),
        ("d4rl_antmaze/large-diverse-v2", "antmaze --variant large-diverse"),
        ("keras_mage/antmaze/umaze-diverse-5k-v0",
         "antmaze --variant umaze-diverse --steps 5000 (saved as keras_mage/antmaze/umaze-diverse-5k-v0)"),
        ("keras_mage/pointmaze/large-v0", "pointmaze --maze large (saved as keras_mage/pointmaze/large-v0)"),
        ("D4RL/door/human-v2", "--help"),
    ],
)
def test_maze_ids_map_to_generator_commands(name, command):
    assert regeneration_hint(name).startswith(f"python -m keras_mage.datagen {command}")
