"""What `evaluate` runs in: an env factory plus the dataset's reference scores.

`resolve_environment` accepts a Minari dataset id (local), a `MinariDataset`,
a `keras_mage.data.EpisodeDataset`, or a zero-argument env factory, and
returns an `EvaluationTarget` (the dataset's EVALUATION env, as Minari's
`recover_environment(eval_env=True)` builds it).

Example:

>>> target = resolve_environment("keras_mage/pointmaze/umaze-v0")  # doctest: +SKIP
>>> env = target.make_env()  # doctest: +SKIP
>>> target.ref_min_score, target.ref_max_score  # doctest: +SKIP
(0.0, 151.5)
"""

import dataclasses
from collections.abc import Callable


@dataclasses.dataclass
class EvaluationTarget:
    """An env factory (`make_env(**kwargs)`), the dataset id and reference returns."""

    make_env: Callable
    dataset_id: str | None = None
    ref_min_score: float | None = None
    ref_max_score: float | None = None


def resolve_environment(env, ref_scores=None):
    """An `EvaluationTarget` for `env`; `ref_scores=(min, max)` overrides stored ones."""
    target = _target(env)
    if ref_scores is not None:
        target.ref_min_score, target.ref_max_score = (float(value) for value in ref_scores)
    return target


def _target(env):
    import minari

    from keras_mage.data import EpisodeDataset

    if isinstance(env, str):
        return _minari_target(_load_local_minari(env))
    if isinstance(env, minari.MinariDataset):
        return _minari_target(env)
    if isinstance(env, EpisodeDataset):
        return EvaluationTarget(
            lambda **kwargs: env.make_env(eval_env=True, **kwargs),
            env.dataset_id,
            env.ref_min_score,
            env.ref_max_score,
        )
    if callable(env):
        return EvaluationTarget(env)
    raise TypeError(
        f"Cannot evaluate in a {type(env).__name__}: pass a Minari dataset id, a MinariDataset, "
        "a keras_mage.data.EpisodeDataset or a zero-argument env factory (e.g. lambda: gymnasium.make(...))."
    )


def _load_local_minari(dataset_id):
    import minari

    if dataset_id not in minari.list_local_datasets():
        raise ValueError(
            f"Minari dataset {dataset_id!r} is not on this machine (MINARI_DATASETS_PATH or ~/.minari). "
            f"Download it with `minari download {dataset_id}` or regenerate it with "
            "`python -m keras_mage.datagen --help`; or pass an env factory."
        )
    return minari.load_dataset(dataset_id)


def _minari_target(dataset):
    metadata = dataset.storage.metadata
    return EvaluationTarget(
        lambda **kwargs: dataset.recover_environment(eval_env=True, **kwargs),
        dataset.spec.dataset_id if hasattr(dataset, "spec") else metadata.get("dataset_id"),
        metadata.get("ref_min_score"),
        metadata.get("ref_max_score"),
    )
