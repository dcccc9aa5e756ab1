"""Write a real local Minari dataset, atomically, with reference scores.

Episodes are written into a hidden staging folder under the Minari root,
`.keras_mage_staging-<host>-<pid>-<hex>`, and renamed into place only when
complete, so an interrupted run never leaves a half-written dataset behind; a
staging folder left by a killed run (its process gone) is removed by the next
generation's `check_new_dataset_id`. Reference scores follow Minari's procedure:
``ref_min`` = random policy, ``ref_max`` = the expert controller, averaged over
``ref_episodes`` episodes of the evaluation env.

Example:
    >>> write_minari_dataset("keras_mage/pointmaze/umaze-v0", episodes,
    ...                      env_spec, eval_env_spec, expert, ref_episodes=2,
    ...                      algorithm_name="BFS+PD", description="...")  # doctest: +SKIP
"""

import itertools
import pathlib
import shutil

import minari
from minari.dataset.minari_dataset import parse_dataset_id
from minari.dataset.minari_storage import MinariStorage
from minari.namespace import create_namespace, list_local_namespaces
from minari.storage.datasets_root_dir import get_dataset_path
from minari.utils import RandomPolicy, get_average_reference_score

from keras_mage import maze_envs
from keras_mage.datagen.catalogue import check_count, check_minari_id
from keras_mage.utils import files

AUTHOR = "keras_mage (regenerated data)"
AUTHOR_EMAIL = "https://github.com/keras-team/keras_mage"
CODE_PERMALINK = "https://github.com/keras-team/keras_mage/tree/main/keras_mage/datagen"
_WRITE_CHUNK = 500
_STAGING_PREFIX = ".keras_mage_staging-"


def reference_scores(eval_env_spec, expert_policy, episodes):
    """(ref_min, ref_max): mean returns of a random policy and of the expert.

    Example:
        >>> reference_scores(spec, controller, episodes=2)  # doctest: +SKIP
        (0.0, 151.5)
    """
    env = maze_envs.make(eval_env_spec)
    ref_min = get_average_reference_score(env, RandomPolicy(env), episodes)
    env.close()
    env = maze_envs.make(eval_env_spec)
    ref_max = get_average_reference_score(env, expert_policy, episodes)
    env.close()
    return ref_min, ref_max


def check_new_dataset_id(dataset_id):
    """Raise unless ``dataset_id`` is well formed and not taken; return its future path.

    Also removes the staging folders of dead runs (`remove_stale_staging`).

    Example:
        >>> check_new_dataset_id("keras_mage/pointmaze/umaze-v0")  # doctest: +SKIP
        PosixPath('/root/.minari/datasets/keras_mage/pointmaze/umaze-v0')
    """
    check_minari_id(dataset_id)
    remove_stale_staging()
    final_path = get_dataset_path(dataset_id)
    if final_path.exists():
        raise FileExistsError(
            f"Dataset {dataset_id} already exists at {final_path}. Delete it with "
            f"minari.delete_dataset({dataset_id!r}) or pick another dataset_id."
        )
    return final_path


def remove_stale_staging():
    """Remove the staging folders that generations on this host left when killed (their process is gone); return them.

    Example:
        >>> remove_stale_staging()  # doctest: +SKIP
        [PosixPath('/root/.minari/datasets/.keras_mage_staging-host-4242-0f3e...')]
    """
    root = get_dataset_path()
    return [pathlib.Path(path) for path in files.remove_stale_staging(root, _STAGING_PREFIX)]


def write_minari_dataset(dataset_id, episodes, env_spec, eval_env_spec, expert_policy,
                         *, algorithm_name, description, ref_episodes=100,
                         observation_space=None, action_space=None):
    """Write ``episodes`` (EpisodeBuffers) as Minari dataset ``dataset_id``.

    ``expert_policy(obs) -> action`` runs on ``eval_env_spec`` for ``ref_max``.
    Returns the loaded ``MinariDataset``.
    """
    check_count("ref_episodes", ref_episodes)
    final_path = check_new_dataset_id(dataset_id)
    staging = get_dataset_path(files.staging_name(_STAGING_PREFIX))
    try:
        if observation_space is None or action_space is None:
            probe = maze_envs.make(env_spec)
            observation_space, action_space = probe.observation_space, probe.action_space
            probe.close()
        staging.mkdir(parents=True)
        storage = MinariStorage.new(staging / "data", observation_space=observation_space,
                                    action_space=action_space, env_spec=env_spec)
        episodes = iter(episodes)
        while chunk := list(itertools.islice(episodes, _WRITE_CHUNK)):
            storage.update_episodes(chunk)
        if storage.total_episodes == 0:
            raise ValueError(f"No episodes to write for {dataset_id}: the generator recorded no steps.")
        ref_min, ref_max = reference_scores(eval_env_spec, expert_policy, ref_episodes)
        storage.update_metadata({
            "dataset_id": dataset_id,
            "algorithm_name": algorithm_name,
            "author": {AUTHOR},
            "author_email": {AUTHOR_EMAIL},
            "code_permalink": CODE_PERMALINK,
            "description": description,
            "minari_version": minari.__version__,
            "eval_env_spec": eval_env_spec.to_json(),
            "ref_min_score": ref_min,
            "ref_max_score": ref_max,
            "num_episodes_average_score": ref_episodes,
            "requirements": ["gymnasium-robotics>=1.4", "mujoco>=3.1"],
        })
        namespace = parse_dataset_id(dataset_id)[0]
        if namespace is not None and namespace not in list_local_namespaces():
            create_namespace(namespace, description="Datasets regenerated by keras_mage.")
        final_path.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(final_path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return minari.load_dataset(dataset_id)
