"""A quick reachability probe so that offline downloads fail in seconds, never hang.

Example:

>>> from keras_mage.data.sources.network import reachable
>>> reachable("localhost", 9, timeout=1.0)  # nothing listens on the discard port
False
"""

import socket
import threading


def reachable(host, port=443, timeout=3.0):
    """True when a TCP connection to `host:port` opens within `timeout` seconds.

    Name resolution runs in a daemon thread, as `getaddrinfo` has no timeout.
    """
    result = []

    def connect():
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            result.append(True)
        except OSError:
            pass

    thread = threading.Thread(target=connect, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(result)
