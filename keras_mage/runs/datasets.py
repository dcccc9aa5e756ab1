"""Find a maze dataset on this machine, or regenerate it: the data a run trains on.

Example:

>>> dataset_id = pointmaze_dataset("medium", steps=200_000)  # doctest: +SKIP
'keras_mage/pointmaze/medium-200k-v0'
>>> antmaze_dataset("D4RL/antmaze/umaze-v1", steps=1_000_000, ant_policy="d4rl_ant_hierarch_pol.pkl")  # doctest: +SKIP
'keras_mage/antmaze/umaze-v0'
>>> dataset_by_id("keras_mage/antmaze/medium-play-v0")  # regenerated here if missing  # doctest: +SKIP
'keras_mage/antmaze/medium-play-v0'
"""

import os
import re

from keras_mage.datagen import catalogue


class DataUnavailableError(RuntimeError):
    """No local data for a dataset, no way to download it and nothing to regenerate it from; says what to do."""


def local_dataset_exists(dataset_id):
    import minari

    return dataset_id in minari.list_local_datasets()


def pointmaze_dataset(maze, steps, ref_episodes=100):
    """The local PointMaze dataset of `steps` steps (Minari's seed 123), generated if missing."""
    dataset_id = catalogue.dataset_id("pointmaze", maze, steps)
    if not local_dataset_exists(dataset_id):
        from keras_mage.datagen import generate_pointmaze

        print(f"Generating {dataset_id} ({steps} steps) ...", flush=True)
        generate_pointmaze(maze, steps=steps, seed=123, dataset_id=dataset_id, ref_episodes=ref_episodes)
    return dataset_id


# The ids keras_mage's generators write (`catalogue.dataset_id`): kind, maze or variant, and the size if not 1M.
_REGENERATED_ID = re.compile(r"keras_mage/(pointmaze|antmaze)/([a-z]+(?:-[a-z]+)?)(?:-(\d+)([km]))?-v0")


def dataset_by_id(dataset_id, ant_policy=None, ref_episodes=100):
    """`dataset_id`, ready to train on: an id keras_mage's generators write is regenerated here when missing.

    `keras_mage/pointmaze/<maze>[-<size>]-v0` and
    `keras_mage/antmaze/<variant>[-<size>]-v0` (size as in "200k"; none for
    1M steps) are made with the recipes' seed, as `pointmaze_dataset` and
    `antmaze_dataset` make them; any other id is returned as it is (Minari
    or a file opens it when training starts). Raises `DataUnavailableError`
    where AntMaze data is missing and the ant policy file is not found.

    Example:

    >>> dataset_by_id("D4RL/pointmaze/umaze-v2")
    'D4RL/pointmaze/umaze-v2'
    """
    match = _REGENERATED_ID.fullmatch(dataset_id)
    if match is None or local_dataset_exists(dataset_id):
        return dataset_id
    kind, name, count, unit = match.groups()
    steps = catalogue.FULL_DATASET_STEPS if count is None else int(count) * {"k": 1000, "m": 1_000_000}[unit]
    if catalogue.dataset_id(kind, name, steps) != dataset_id:  # e.g. "1000k": not a name the generators write
        return dataset_id
    if kind == "pointmaze" and name in catalogue.POINTMAZE_MAZES:
        return pointmaze_dataset(name, steps, ref_episodes)
    if kind == "antmaze" and name in catalogue.ANTMAZE_VARIANTS:
        return antmaze_dataset(name, steps, ant_policy, ref_episodes)
    return dataset_id


def antmaze_variant(dataset):
    """The AntMaze variant a variant name or `D4RL/antmaze/<variant>-vN` id names, else None.

    Example:

    >>> antmaze_variant("D4RL/antmaze/large-diverse-v1"), antmaze_variant("D4RL/pointmaze/umaze-v2")
    ('large-diverse', None)
    """
    if dataset in catalogue.ANTMAZE_VARIANTS:
        return dataset
    match = re.fullmatch(r"D4RL/antmaze/([a-z-]+)-v\d+", dataset)
    return match.group(1) if match and match.group(1) in catalogue.ANTMAZE_VARIANTS else None


def ant_policy_path(path=None):
    """The ant policy file: `path`, $KERAS_MAGE_ANT_POLICY, or datagen's default place; None if absent."""
    from keras_mage.datagen.ant_policy import default_ant_policy_path

    candidate = path or default_ant_policy_path()
    return os.fspath(candidate) if os.path.isfile(candidate) else None


def antmaze_dataset(dataset, steps, ant_policy=None, ref_episodes=100, workers=1):
    """A local dataset id for `dataset` (a Minari id or an AntMaze variant): Minari's if it can be had, else regenerated.

    Raises `DataUnavailableError`, with the ways to get the data, when
    neither works.
    """
    variant = antmaze_variant(dataset)
    unavailable = f"{dataset!r} names a variant, not a Minari id"
    if dataset not in catalogue.ANTMAZE_VARIANTS:
        from keras_mage.data.sources.minari_source import open_minari

        try:
            open_minari(dataset)
            return dataset
        except (ConnectionError, ValueError) as error:
            unavailable = str(error)
        if variant is None:
            raise DataUnavailableError(
                f"{unavailable}\nAntMaze variants that can be regenerated: {', '.join(catalogue.ANTMAZE_VARIANTS)}."
            )
    regenerated = catalogue.dataset_id("antmaze", variant, steps)
    if local_dataset_exists(regenerated):
        return regenerated
    policy = ant_policy_path(ant_policy)
    if policy is None:
        raise DataUnavailableError(_how_to_get_data(dataset, variant, unavailable))
    from keras_mage.datagen import generate_antmaze

    print(f"Regenerating {regenerated} ({steps} steps) with {policy} ...", flush=True)
    return generate_antmaze(
        variant, policy_path=policy, steps=steps, seed=123, dataset_id=regenerated,
        ref_episodes=ref_episodes, workers=workers,
    )


def _how_to_get_data(dataset, variant, reason):
    from keras_mage.datagen.ant_policy import ANT_POLICY_SHA256, ANT_POLICY_URL

    return (
        f"No AntMaze data for {dataset!r}: {reason}\n"
        "Do one of:\n"
        f"  1. on a machine with network: `minari download D4RL/antmaze/{variant}-v1`, copy the folder here "
        "and set MINARI_DATASETS_PATH to its root; then pass --dataset D4RL/antmaze/"
        f"{variant}-v1;\n"
        f"  2. regenerate it: download D4RL's ant policy {ANT_POLICY_URL} (sha256 {ANT_POLICY_SHA256}) and run "
        f"`python recipes/antmaze.py --dataset {variant} --ant-policy PATH` (or set KERAS_MAGE_ANT_POLICY=PATH)."
    )
