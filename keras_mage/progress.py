"""Progress bars that stay readable in log files.

Example:

>>> from keras_mage.progress import progress_bar
>>> with progress_bar(total=3, desc="rollouts", unit="episode", disable=True) as bar:
...     print(bar.total)
3
"""

import sys


def progress_bar(total, desc, unit="it", disable=False):
    """A tqdm bar; redrawn at most every 30 s when stderr is not a terminal (CI logs, `nohup`)."""
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit=unit, disable=disable, mininterval=0.1 if sys.stderr.isatty() else 30.0)
