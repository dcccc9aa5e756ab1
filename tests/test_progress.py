import io
import sys

from keras_mage.progress import progress_bar


def test_bar_redraws_rarely_in_a_log_file(monkeypatch):
    log = io.StringIO()  # not a terminal
    monkeypatch.setattr(sys, "stderr", log)
    with progress_bar(total=20_000, desc="collect") as bar:
        for _ in range(20_000):
            bar.update(1)
    redraws = log.getvalue().count("\r")
    assert 1 <= redraws <= 3, redraws
    assert "20000/20000" in log.getvalue()
