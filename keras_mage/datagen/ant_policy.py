"""D4RL's AntMaze collection policy, read without torch and run in numpy.

The policy file is a legacy (protocol 1001) ``torch.save`` pickle. It is read
with a restricted unpickler: only ``collections.OrderedDict`` and torch's two
tensor-rebuild functions are resolved; every other class becomes an inert
stub, globals from modules the file does not use are refused, and nothing in
the file is ever executed.

Example:
    >>> policy = load_ant_policy()                       # doctest: +SKIP
    >>> policy.act(np.zeros((4, 29)), deterministic=True).shape  # doctest: +SKIP
    (4, 8)
"""

import collections
import hashlib
import io
import os
import pickle
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ANT_POLICY_SHA256 = "692d3869a4a213cd1db141fcf147fe2cb0ca1969594bab1cc3f44659789f44aa"
ANT_POLICY_URL = (
    "http://rail.eecs.berkeley.edu/datasets/offline_rl/ant_hierarch_pol.pkl"
)
ANT_POLICY_ENV_VAR = "KERAS_MAGE_ANT_POLICY"
_FILE_NAME = "d4rl_ant_hierarch_pol.pkl"
# Module roots the snapshot pickles classes from; anything else is refused.
_STUBBED_ROOTS = {"collections", "torch", "rlkit", "gym", "numpy", "_codecs", "locomotion"}
_STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}
_LOG_STD_MIN, _LOG_STD_MAX = -20.0, 2.0


def default_ant_policy_path():
    """Where the policy file is looked for when no path is given.

    ``$KERAS_MAGE_ANT_POLICY`` if set, else ``../shared/data/`` next to the
    repository root.

    Example:
        >>> default_ant_policy_path().name
        'd4rl_ant_hierarch_pol.pkl'
    """
    if os.environ.get(ANT_POLICY_ENV_VAR):
        return Path(os.environ[ANT_POLICY_ENV_VAR])
    return Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / _FILE_NAME


def missing_policy_message(path):
    """The error text for a policy file that is not at ``path``."""
    return (
        f"D4RL ant policy file not found at {path}. Download D4RL's public copy "
        f"from {ANT_POLICY_URL} (sha256 {ANT_POLICY_SHA256}), then pass its path "
        f"(--ant-policy PATH, policy_path=PATH) or set ${ANT_POLICY_ENV_VAR}."
    )


class _Stub:
    """Inert stand-in for any pickled class or function: it only stores data."""

    state = None

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs

    def __setstate__(self, state):
        self.state = state

    def __setitem__(self, key, value):
        self.__dict__.setdefault("items", {})[key] = value

    def append(self, value):
        items = self.__dict__.setdefault("items", {})
        items[len(items)] = value

    def extend(self, values):
        for value in values:
            self.append(value)


@dataclass
class _StorageRef:
    key: str
    dtype: type


@dataclass
class _TensorRef:
    storage: _StorageRef
    offset: int
    shape: tuple
    stride: tuple


def _rebuild_tensor_v2(storage, offset, shape, stride, *unused):
    return _TensorRef(storage, offset, tuple(shape), tuple(stride))


def _rebuild_parameter(tensor, *unused):
    return tensor


class _RestrictedUnpickler(pickle.Unpickler):
    _REAL = {
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
        ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    }

    def find_class(self, module, name):
        if (module, name) in self._REAL:
            return self._REAL[(module, name)]
        if module.split(".")[0] not in _STUBBED_ROOTS:
            raise pickle.UnpicklingError(
                f"Refusing global {module}.{name}: the ant policy file never needs "
                "it. The file is not D4RL's ant_hierarch_pol.pkl or was tampered with."
            )
        return type(name, (_Stub,), {"__module__": "stub." + module})

    def persistent_load(self, pid):
        kind, storage_type, key = pid[0], pid[1], pid[2]
        if kind == "module":  # saved module source text: keep only the stub class
            return storage_type
        name = getattr(storage_type, "__name__", "")
        if kind != "storage" or name not in _STORAGE_DTYPES:
            raise pickle.UnpicklingError(f"Unsupported persistent id {pid[:2]!r}")
        return _StorageRef(str(key), _STORAGE_DTYPES[name])


def _restricted_load(stream):
    return _RestrictedUnpickler(stream).load()


def read_legacy_torch_file(data):
    """Parse a legacy ``torch.save`` byte string into (object tree, storages).

    Example:
        >>> obj, storages = read_legacy_torch_file(path.read_bytes())  # doctest: +SKIP
    """
    stream = io.BytesIO(data)
    for _ in range(3):  # magic number, protocol version, system info
        _restricted_load(stream)
    tree = _restricted_load(stream)
    keys = _restricted_load(stream)
    refs = {}
    _collect_storage_refs(tree, refs, set())
    storages = {}
    for key in keys:
        (count,) = struct.unpack("<q", stream.read(8))
        dtype = np.dtype(refs[key].dtype if key in refs else np.float32)
        raw = stream.read(count * dtype.itemsize)
        storages[key] = np.frombuffer(raw, dtype=dtype.newbyteorder("<")).copy()
    return tree, storages


def _collect_storage_refs(node, refs, seen):
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, _TensorRef):
        refs[node.storage.key] = node.storage
    elif isinstance(node, dict):
        for value in node.values():
            _collect_storage_refs(value, refs, seen)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _collect_storage_refs(value, refs, seen)
    elif isinstance(node, _Stub):
        _collect_storage_refs(vars(node), refs, seen)


def _tensor(ref, storages):
    flat = storages[ref.storage.key]
    itemsize = flat.dtype.itemsize
    view = np.lib.stride_tricks.as_strided(
        flat[ref.offset :], ref.shape, [s * itemsize for s in ref.stride]
    )
    return np.array(view, dtype=np.float32)


def _linear(module, storages):
    params = module.state["_parameters"]
    return _tensor(params["weight"], storages), _tensor(params["bias"], storages)


class AntPolicy:
    """D4RL's tanh-Gaussian SAC ant policy (29 inputs, 8 outputs) in numpy.

    Inputs are ``qpos[2:15]``, ``qvel[0:14]`` and a length-10 direction to the
    waypoint; outputs lie in [-1, 1]. Works on one input or a batch.

    Example:
        >>> policy = load_ant_policy()                       # doctest: +SKIP
        >>> a = policy.act(x, rng=np.random.default_rng(0))   # doctest: +SKIP
    """

    def __init__(self, layers):
        self.layers = layers

    def _mean_log_std(self, x):
        h = np.asarray(x, dtype=np.float32)
        for name in ("fc0", "fc1"):
            weight, bias = self.layers[name]
            h = np.maximum(h @ weight.T + bias, 0.0)
        mean = h @ self.layers["last_fc"][0].T + self.layers["last_fc"][1]
        log_std = h @ self.layers["last_fc_log_std"][0].T + self.layers["last_fc_log_std"][1]
        return mean, np.clip(log_std, _LOG_STD_MIN, _LOG_STD_MAX)

    def act(self, x, deterministic=False, rng=None):
        """``tanh(mean)`` if deterministic, else ``tanh(mean + std * eps)``."""
        mean, log_std = self._mean_log_std(x)
        if deterministic:
            return np.tanh(mean)
        rng = np.random.default_rng() if rng is None else rng
        return np.tanh(mean + np.exp(log_std) * rng.standard_normal(mean.shape))


def load_ant_policy(path=None):
    """Load and verify D4RL's ``ant_hierarch_pol.pkl`` as an :class:`AntPolicy`.

    Example:
        >>> policy = load_ant_policy("../shared/data/d4rl_ant_hierarch_pol.pkl")  # doctest: +SKIP
        >>> policy.layers["fc0"][0].shape                                          # doctest: +SKIP
        (256, 29)
    """
    path = Path(path) if path is not None else default_ant_policy_path()
    if not path.is_file():
        raise FileNotFoundError(missing_policy_message(path))
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != ANT_POLICY_SHA256:
        raise ValueError(
            f"{path} has sha256 {digest}, expected {ANT_POLICY_SHA256}: it is not "
            f"D4RL's ant policy. Download it again from {ANT_POLICY_URL}."
        )
    tree, storages = read_legacy_torch_file(data)
    modules = tree["exploration/policy"].state["_modules"]
    names = ("fc0", "fc1", "last_fc", "last_fc_log_std")
    return AntPolicy({name: _linear(modules[name], storages) for name in names})
