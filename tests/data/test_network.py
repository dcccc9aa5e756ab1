import socket

from keras_mage.data.sources.network import reachable


def test_open_and_closed_ports():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        assert reachable("127.0.0.1", server.getsockname()[1], timeout=2.0)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound but not listening: refused
    assert not reachable("127.0.0.1", port, timeout=2.0)


def test_unresolvable_host():
    assert not reachable("host.invalid", 443, timeout=2.0)  # .invalid never resolves (RFC 2606)


def test_minari_download_path_is_installed():
    """`minari download` (Minari's default remote, Hugging Face) needs huggingface_hub: the `minari[hf]` extra."""
    from minari.storage.remotes import DEFAULT_REMOTE, get_hfs

    assert DEFAULT_REMOTE.startswith("hf://")
    assert get_hfs().__name__ == "HuggingFaceStorage"  # imports huggingface_hub; no network
