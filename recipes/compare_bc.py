"""MAGE against behaviour cloning: `compare.py --agents mage bc`, writing to outputs/compare_bc by default.

Kept so the commands in docs/results.md run as written; new comparisons use
`recipes/compare.py`, which also trains IQL and gives each agent its own budget.

Example:

    python recipes/compare_bc.py --maze medium large --seeds 0 1 2 --train-steps 3000
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))  # last on the path: recipes/ogbench.py must not shadow `ogbench`
sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != HERE] + [HERE]
import compare  # noqa: E402

summarise, paired_difference, describe = compare.summarise, compare.paired_difference, compare.describe


def main(argv=None):
    return compare.main(argv, recipe="compare_bc", default_agents=("mage", "bc"), output_dir="outputs/compare_bc")


if __name__ == "__main__":
    main()
