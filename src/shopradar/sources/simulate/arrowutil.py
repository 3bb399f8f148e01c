"""Small helpers that build Arrow columns fast from numpy (decimals, timestamps, dictionaries)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

SCALE = 10_000  # money is decimal(18,4): minor units of 1/10000


def money(minor: np.ndarray, valid: np.ndarray | None = None, precision: int = 18) -> pa.Array:
    """decimal(precision, 4) from int64 amounts in 1/10000 units (no per-value Python objects)."""
    v = np.ascontiguousarray(minor, dtype=np.int64)
    pair = np.empty((len(v), 2), dtype=np.int64)
    pair[:, 0] = v
    pair[:, 1] = np.where(v < 0, -1, 0)
    arr = pa.Array.from_buffers(pa.decimal128(precision, 4), len(v), [None, pa.py_buffer(pair.tobytes())])
    if valid is not None:
        arr = pc.if_else(pa.array(valid, pa.bool_()), arr, pa.scalar(None, arr.type))
    return arr


def to_minor(amount: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(amount, dtype=np.float64) * SCALE).astype(np.int64)


def timestamps(us: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(us, dtype=np.int64).astype("datetime64[us]"), pa.timestamp("us"))


def dict_strings(indices: np.ndarray, values: Sequence[str | None]) -> pa.Array:
    """A string column given as positions into ``values`` (stored as a dictionary, decoded on cast)."""
    return pa.DictionaryArray.from_arrays(pa.array(np.asarray(indices, dtype=np.int32)), pa.array(list(values),
                                                                                                     pa.string()))


def const(value: str | None, n: int) -> pa.Array:
    return dict_strings(np.zeros(n, dtype=np.int32), [value])
