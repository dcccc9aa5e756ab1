"""Fixtures for the dataset generator tests: a temporary Minari root and the ant policy file."""

from pathlib import Path

import pytest

ANT_POLICY = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "d4rl_ant_hierarch_pol.pkl"


@pytest.fixture
def minari_root(tmp_path, monkeypatch):
    """MINARI_DATASETS_PATH pointing at an empty temporary folder."""
    root = tmp_path / "minari"
    monkeypatch.setenv("MINARI_DATASETS_PATH", str(root))
    return root


@pytest.fixture
def ant_policy_path():
    """D4RL's ant policy file from ../shared/data (skips where it is absent)."""
    if not ANT_POLICY.is_file():
        pytest.skip(f"D4RL ant policy file not found at {ANT_POLICY}")
    return ANT_POLICY
