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
