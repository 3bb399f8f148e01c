"""Weights of the opportunity score: shipped defaults (``data/weights.yaml``) or a user's file / mapping."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from shopradar.errors import ConfigError
from shopradar.insights.datafiles import load_yaml, to_decimal

WEIGHTS_FILE = "weights.yaml"
#: every component of the score, in display order; ``compliance`` is a penalty
COMPONENTS: tuple[str, ...] = ("demand", "growth", "supply_tightness", "concentration", "entrant_success",
                               "content_fit", "price_gap", "season", "compliance")


def default_weights() -> dict[str, float]:
    return load_weights(None)


def load_weights(source: str | Path | Mapping[str, Any] | None) -> dict[str, float]:
    """Weights from a YAML file (``weights:`` mapping, or a bare mapping), a dict, or the defaults.

    Keys a user leaves out keep their default. Unknown keys, negative or non-numeric weights, or all
    weights zero are a one-line :class:`ConfigError`.
    """
    if source is None or isinstance(source, (str, Path)):
        data, where = load_yaml(source, WEIGHTS_FILE)
        raw = data.get("weights", data)
        if not isinstance(raw, Mapping):
            raise ConfigError("insights.weights.not_mapping", path=where)
    else:
        raw, where = source, "weights"
    base: dict[str, float] = {}
    if source is not None:
        base = default_weights()
    unknown = sorted(str(k) for k in raw if k not in COMPONENTS)
    if unknown:
        raise ConfigError("insights.weights.unknown", keys=", ".join(unknown), path=where,
                          known=", ".join(COMPONENTS))
    for key, value in raw.items():
        w = float(to_decimal(value, what=f"weight '{key}'", where=where))
        if w < 0:
            raise ConfigError("insights.weights.negative", key_name=key, value=value, path=where)
        base[str(key)] = w
    missing = [c for c in COMPONENTS if c not in base]
    if missing:
        raise ConfigError("insights.weights.missing", keys=", ".join(missing), path=where)
    if not any(base[c] > 0 for c in COMPONENTS if c != "compliance"):
        raise ConfigError("insights.weights.all_zero", path=where)
    return {c: base[c] for c in COMPONENTS}
