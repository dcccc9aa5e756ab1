"""One figure from several `recipes/compare.py` output folders, with published figures beside them.

Each FOLDER[:SUFFIX] is a `recipes/compare.py --output-dir`. Its agents join
the figure under their names (`--names bc=GCBC`) followed by SUFFIX, so the
same agents scored two ways (`--trained-in <folder> --waypoints 50`) stand
side by side. Panels are the datasets (`comparison.json`'s keys without
their `keras_mage_<family>_` prefix and `-v0`; `--panels` keeps some);
`--published NAME PANEL=PERCENT ...` adds hatched bars of what others
reported. With several `--score`s, OUTPUT names its file with `{score}`.

Example:

    python studies/plot_comparisons.py docs/images/antmaze_goal_conditioned.png runs/antmaze_gc \
        "runs/antmaze_gc_waypoints: + waypoints" --names mage=MAGE bc=GCBC \
        --published "IQL (CORL)" medium-play=66 large-play=42
"""

import argparse
import json
import os
import re


def panel_name(key):
    """A `comparison.json` dataset key as a panel title: 'keras_mage_antmaze_umaze-v0' -> 'umaze'."""
    return re.sub(r"-v\d+$", "", re.sub(r"^keras_mage_[a-z]+_", "", key))


def merge_comparisons(folders, names=None, panels=None):
    """(per panel {agent label: runs}, agent labels in order) from (folder, suffix) pairs.

    `names`: agent kind -> label (default: the kind); `panels`: the panels
    to keep (default: all). Raises a ValueError naming a folder that holds
    no `comparison.json`.
    """
    from keras_mage.runs.agents import AGENT_KINDS

    names, merged, labels = names or {}, {}, []
    for folder, suffix in folders:
        path = os.path.join(folder, "comparison.json")
        if not os.path.isfile(path):
            raise ValueError(f"{path} not found: pass folders that `recipes/compare.py --output-dir` wrote.")
        with open(path) as file:
            per_maze = json.load(file)["per_maze"]
        for key, result in per_maze.items():
            panel = panel_name(key)
            if panels and panel not in panels:
                continue
            for kind, runs in result.items():
                if kind in AGENT_KINDS:  # not dataset_id, not MAGE minus a peer
                    label = names.get(kind, kind) + suffix
                    merged.setdefault(panel, {})[label] = runs
                    if label not in labels:
                        labels.append(label)
    if not merged:
        raise ValueError(f"no runs to plot in {[folder for folder, _ in folders]} (panels {panels}).")
    return merged, labels


def parse_published(groups):
    """`--published` groups [name, 'panel=percent', ...] as plot_comparison's {panel: {name: (mean, None)}}.

    A ValueError names a pair that is not PANEL=PERCENT.

    Example:

    >>> parse_published([["IQL (CORL)", "medium-play=66", "large-play=42"]])["large-play"]
    {'IQL (CORL)': (42.0, None)}
    """
    published = {}
    for name, *pairs in groups:
        if not pairs:
            raise ValueError(f"--published {name!r} names no PANEL=PERCENT pair, e.g. --published {name!r} umaze=77")
        for pair in pairs:
            panel, separator, value = pair.partition("=")
            try:
                percent = float(value) if separator and panel else None
            except ValueError:
                percent = None
            if percent is None:
                raise ValueError(f"--published {name!r}: {pair!r} is not PANEL=PERCENT (e.g. umaze=77)")
            published.setdefault(panel, {})[name] = (percent, None)
    return published


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", help="the PNG to write ({score} in it: one per --score)")
    parser.add_argument("folders", nargs="+", help="FOLDER or 'FOLDER:SUFFIX' (the suffix follows its agents' names)")
    parser.add_argument("--names", nargs="+", default=[], metavar="KIND=LABEL")
    parser.add_argument("--panels", nargs="+", help="the datasets to show (default: every one)")
    parser.add_argument("--score", nargs="+", default=["success_rate"], choices=["success_rate", "normalized_score"])
    parser.add_argument("--published", nargs="+", action="append", default=[], metavar="NAME PANEL=PERCENT")
    args = parser.parse_args()
    if len(args.score) > 1 and "{score}" not in args.output:
        parser.error("with several --score values the output path must hold {score}")
    from keras_mage.runs.plotting import plot_comparison

    folders = [tuple(folder.split(":", 1)) if ":" in folder else (folder, "") for folder in args.folders]
    if any("=" not in pair for pair in args.names):
        parser.error(f"--names takes KIND=LABEL pairs, got {args.names}")
    names = dict(pair.split("=", 1) for pair in args.names)
    try:
        published = parse_published(args.published) or None
    except ValueError as error:
        parser.error(str(error))
    per_panel, labels = merge_comparisons(folders, names, args.panels)
    for score in args.score:
        path = plot_comparison(per_panel, args.output.format(score=score), agents=tuple(labels), score=score,
                               published=published)
        print(f"Wrote {path}")


if __name__ == "__main__":
    main()
