"""Market headroom by the analog method of the seed article (``shopradar size``).

The method: in a mature reference market, content-commerce GMV ÷ shelf-commerce GMV gives a ratio
(China 2024: Douyin ≈ RMB 3.5T ÷ Taobao+Tmall ≈ RMB 8T ≈ 43 %). Applied to a target market's
shelf-commerce GMV (Amazon US 2024 ≈ US$490B) it gives the content-commerce GMV that market could
carry (≈ US$210B); divided by the current content-commerce GMV (TikTok Shop US 2024 ≈ US$9B) it gives
the headroom multiple (≈ 23×). Inputs come from ``data/reference_figures.yaml`` (each with its source
and year), from flags, or — for the current GMV — from the warehouse's own estimates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa

from shopradar.errors import ConfigError, DataError, UsageError
from shopradar.i18n import t
from shopradar.insights.datafiles import load_yaml, to_decimal, to_rate

FIGURES_FILE = "reference_figures.yaml"
SENSITIVITY_STEPS: tuple[float, ...] = (-0.2, -0.1, 0.1, 0.2)
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Figure:
    """One public figure: a GMV with its currency, year and source."""

    key: str
    value: Decimal
    currency: str
    year: int | None
    market: str
    kind: str
    source: str
    note: str = ""


@dataclass(frozen=True)
class CurrentGmv:
    """Current content-commerce GMV of a market, and where it came from."""

    value: Decimal
    currency: str
    basis: str          # figures | flag | warehouse
    source: str
    days: int = 0       # days of estimates behind a warehouse figure
    annualized: bool = False


@dataclass
class SizeResult:
    """Headroom of one market. ``summary()`` is the one-line answer; the tables hold the detail."""

    market: str
    reference: str
    currency: str
    ratio: float                    # content ÷ shelf used (stated or computed)
    ratio_computed: float           # from the reference figures
    ratio_basis: str                # stated | computed | flag
    shelf_gmv: Decimal
    potential_gmv: Decimal
    current: CurrentGmv
    headroom_multiple: float        # potential ÷ current
    headroom_gmv: Decimal           # potential − current
    inputs: pa.Table                # every figure used, with source and year
    scenarios: pa.Table             # low / base / high
    sensitivity: pa.Table           # one input at a time, ±10 / ±20 %
    notes: list[str] = field(default_factory=list)

    def summary(self, lang: str | None = None) -> str:
        return t("insights.size.summary", lang=lang, market=self.market, reference=self.reference,
                 ratio=f"{self.ratio:.0%}", shelf=_money(self.shelf_gmv, self.currency),
                 potential=_money(self.potential_gmv, self.currency),
                 current=_money(self.current.value, self.currency),
                 multiple=f"{self.headroom_multiple:.1f}")

    def to_table(self) -> pa.Table:
        """The scenarios table (what ``--format csv`` writes)."""
        return self.scenarios


def _money(value: Decimal | float, currency: str) -> str:
    """Compact money for a sentence: US$210.7B, CNY 3.5T."""
    v = float(value)
    for div, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(v) >= div:
            text = f"{v / div:,.1f}{suffix}"
            break
    else:
        text = f"{v:,.0f}"
    return ("US$" if currency == "USD" else f"{currency} ") + text


def load_figures(path: str | Path | None = None) -> dict[str, Any]:
    """The reference-figures file as validated Python objects (see ``data/reference_figures.yaml``)."""
    data, where = load_yaml(path, FIGURES_FILE)
    raw_figs = data.get("figures") or {}
    if not isinstance(raw_figs, dict):
        raise ConfigError("insights.size.bad_section", section="figures", path=where)
    figures: dict[str, Figure] = {}
    for key, item in raw_figs.items():
        if not isinstance(item, dict):
            raise ConfigError("insights.size.bad_figure", name=key, path=where, field="value")
        for req in ("value", "currency", "kind", "source"):
            if item.get(req) in (None, ""):
                raise ConfigError("insights.size.bad_figure", name=key, path=where, field=req)
        value = to_decimal(item["value"], what=f"figures.{key}.value", where=where)
        if value <= 0:
            raise ConfigError("insights.size.not_positive", what=f"figures.{key}.value", path=where)
        kind = str(item["kind"])
        if kind not in ("content", "shelf"):
            raise ConfigError("insights.size.bad_figure", name=key, path=where, field="kind")
        year = item.get("year")
        figures[str(key)] = Figure(str(key), value, str(item["currency"]).upper(),
                                   int(year) if year is not None else None, str(item.get("market", "")),
                                   kind, str(item["source"]), str(item.get("note", "")))

    def ref(section: str, code: str, role: str, entry: dict[str, Any]) -> Figure | None:
        key = entry.get(role)
        if key is None:
            return None
        if key not in figures:
            raise ConfigError("insights.size.unknown_figure", name=key, section=f"{section}.{code}.{role}",
                              path=where)
        return figures[key]

    references: dict[str, dict[str, Any]] = {}
    for code, entry in (data.get("references") or {}).items():
        if not isinstance(entry, dict):
            raise ConfigError("insights.size.bad_section", section=f"references.{code}", path=where)
        content, shelf = ref("references", code, "content", entry), ref("references", code, "shelf", entry)
        if content is None or shelf is None:
            raise ConfigError("insights.size.bad_section", section=f"references.{code}", path=where)
        stated = entry.get("stated_ratio")
        references[str(code).upper()] = {
            "content": content, "shelf": shelf,
            "stated_ratio": None if stated is None else to_rate(stated, what=f"references.{code}.stated_ratio",
                                                                where=where, upper=10.0),
            "stated_source": str(entry.get("stated_source", "")),
        }
    markets: dict[str, dict[str, Figure | None]] = {}
    for code, entry in (data.get("markets") or {}).items():
        if not isinstance(entry, dict):
            raise ConfigError("insights.size.bad_section", section=f"markets.{code}", path=where)
        markets[str(code).upper()] = {"shelf": ref("markets", code, "shelf", entry),
                                      "content": ref("markets", code, "content", entry)}
    scenarios: dict[str, dict[str, Any]] = {}
    for name, entry in (data.get("scenarios") or {"base": {"factor": 1.0}}).items():
        if not isinstance(entry, dict) or "factor" not in entry:
            raise ConfigError("insights.size.bad_section", section=f"scenarios.{name}", path=where)
        factor = to_rate(entry["factor"], what=f"scenarios.{name}.factor", where=where, upper=100.0)
        scenarios[str(name)] = {"factor": factor, "reason_en": str(entry.get("reason_en", "")),
                                "reason_zh": str(entry.get("reason_zh", entry.get("reason_en", "")))}
    return {"figures": figures, "references": references, "markets": markets, "scenarios": scenarios,
            "path": where}


def current_gmv_from_warehouse(wh: Any, market: str, *, end: dt.date | None = None) -> CurrentGmv:
    """Annual content-commerce GMV of ``market`` in US dollars from the warehouse's own estimates.

    Sums ``product_daily_sales.gmv_usd`` over the 365 days up to ``end`` (default: the last estimated
    day). With fewer days of data the sum is annualized (× 365 / days) and marked so.
    """
    est = wh.table("product_daily_sales")
    mine = est.filter(est.market == market)
    last = mine.date.max().execute()
    if last is None:
        raise DataError("insights.size.no_estimates", market=market)
    end = end or last
    start = end - dt.timedelta(days=364)
    window = mine.filter((mine.date >= start) & (mine.date <= end))
    agg = window.aggregate(gmv=window.gmv_usd.sum(), first=window.date.min(), last=window.date.max()).execute()
    gmv, first, last_day = agg["gmv"].iloc[0], agg["first"].iloc[0], agg["last"].iloc[0]
    if gmv is None or first is None or gmv != gmv:
        raise DataError("insights.size.no_estimates", market=market)
    first_d = first.date() if hasattr(first, "date") else first
    last_d = last_day.date() if hasattr(last_day, "date") else last_day
    days = (last_d - first_d).days + 1
    value = Decimal(str(gmv))
    annualized = days < 365
    if annualized:
        value = value * Decimal(365) / Decimal(days)
    return CurrentGmv(value.quantize(_CENT), "USD", "warehouse",
                      t("insights.size.source_warehouse", first=str(first_d), last=str(last_d), days=days),
                      days=days, annualized=annualized)


def size(market: str, reference: str = "CN", *, current_gmv: Decimal | float | str | None = None,
         shelf_gmv: Decimal | float | str | None = None, ratio: float | str | None = None,
         figures: str | Path | None = None, computed_ratio: bool = False, wh: Any = None,
         currency: str | None = None) -> SizeResult:
    """Headroom of ``market`` by the analog of ``reference`` (default China: Douyin ÷ Taobao+Tmall).

    ``shelf_gmv`` / ``current_gmv`` / ``ratio`` override the figures file; ``wh`` takes the current GMV
    from the warehouse's estimates (US dollars) instead. ``computed_ratio`` uses content ÷ shelf of the
    reference figures rather than the ratio the source states. Raises a one-line error when the market
    or reference has no figures and no override supplies them.
    """
    market = (market or "").strip().upper()
    reference = (reference or "").strip().upper()
    if not market:
        raise UsageError("insights.size.no_market")
    data = load_figures(figures)
    where = data["path"]
    refs, markets = data["references"], data["markets"]
    notes: list[str] = []
    inputs: list[dict[str, Any]] = []

    # -- the reference ratio --------------------------------------------------------------
    if reference not in refs and ratio is None:
        raise ConfigError("insights.size.no_reference", reference=reference, path=where,
                          known=", ".join(sorted(refs)) or "–")
    ratio_computed = float("nan")
    if reference in refs:
        ref = refs[reference]
        c_fig, s_fig = ref["content"], ref["shelf"]
        if c_fig.currency != s_fig.currency:
            raise ConfigError("insights.size.currency_mismatch", a=c_fig.key, a_cur=c_fig.currency,
                              b=s_fig.key, b_cur=s_fig.currency)
        ratio_computed = float(c_fig.value / s_fig.value)
        for role, fig in (("reference_content", c_fig), ("reference_shelf", s_fig)):
            inputs.append(_input_row(role, fig))
    if ratio is not None:
        used_ratio = to_rate(ratio, what="--ratio", where="command line", upper=10.0)
        if used_ratio <= 0:
            raise UsageError("insights.size.ratio_zero")
        basis = "flag"
    elif not computed_ratio and refs[reference]["stated_ratio"] is not None:
        used_ratio = refs[reference]["stated_ratio"]
        basis = "stated"
        notes.append(t("insights.size.note_stated", ratio=f"{used_ratio:.0%}", computed=f"{ratio_computed:.2%}"))
    else:
        used_ratio = ratio_computed
        basis = "computed"
    inputs.append({"input": "ratio", "value": Decimal(str(round(used_ratio, 6))), "currency": "",
                   "year": None, "source": _ratio_source(basis, reference, refs), "note": ""})

    # -- the target market's shelf GMV ----------------------------------------------------
    entry = markets.get(market, {"shelf": None, "content": None})
    shelf_fig = entry["shelf"]
    if shelf_gmv is not None:
        shelf = to_decimal(shelf_gmv, what="--shelf-gmv", where="command line")
        cur = (currency or (shelf_fig.currency if shelf_fig else "USD")).upper()
        inputs.append({"input": "target_shelf", "value": shelf, "currency": cur, "year": None,
                       "source": t("insights.size.source_flag"), "note": ""})
    elif shelf_fig is not None:
        shelf, cur = shelf_fig.value, shelf_fig.currency
        inputs.append(_input_row("target_shelf", shelf_fig))
        if shelf_fig.note:
            notes.append(f"{shelf_fig.key}: {shelf_fig.note}")
    else:
        raise ConfigError("insights.size.no_market_figures", market=market, path=where,
                          known=", ".join(sorted(markets)) or "–")
    if shelf <= 0:
        raise UsageError("insights.size.not_positive_flag", what="--shelf-gmv")

    # -- the current content-commerce GMV -------------------------------------------------
    if current_gmv is not None and wh is not None:
        raise UsageError("insights.size.two_currents")
    if current_gmv is not None:
        value = to_decimal(current_gmv, what="--current-gmv", where="command line")
        if value <= 0:
            raise UsageError("insights.size.not_positive_flag", what="--current-gmv")
        current = CurrentGmv(value, cur, "flag", t("insights.size.source_flag"))
    elif wh is not None:
        current = current_gmv_from_warehouse(wh, market)
        if current.annualized:
            notes.append(t("insights.size.note_annualized", days=current.days))
    elif entry["content"] is not None:
        fig = entry["content"]
        current = CurrentGmv(fig.value, fig.currency, "figures", fig.source)
    else:
        raise ConfigError("insights.size.no_current", market=market, path=where)
    if current.currency != cur:
        raise ConfigError("insights.size.currency_mismatch", a="target_shelf", a_cur=cur,
                          b="current", b_cur=current.currency)
    inputs.append({"input": "target_current", "value": current.value, "currency": current.currency,
                   "year": entry["content"].year if current.basis == "figures" and entry["content"] else None,
                   "source": current.source, "note": ""})

    potential = (shelf * Decimal(str(used_ratio))).quantize(_CENT, ROUND_HALF_UP)
    multiple = float(potential / current.value)
    scen_rows = []
    for name, sc in data["scenarios"].items():
        r = used_ratio * sc["factor"]
        pot = (shelf * Decimal(str(r))).quantize(_CENT, ROUND_HALF_UP)
        scen_rows.append({"scenario": name, "factor": sc["factor"], "ratio": r, "potential_gmv": pot,
                          "current_gmv": current.value, "headroom_multiple": float(pot / current.value),
                          "headroom_gmv": pot - current.value, "currency": cur,
                          "reason_en": sc["reason_en"], "reason_zh": sc["reason_zh"]})
    return SizeResult(
        market=market, reference=reference, currency=cur, ratio=used_ratio, ratio_computed=ratio_computed,
        ratio_basis=basis, shelf_gmv=shelf, potential_gmv=potential, current=current,
        headroom_multiple=multiple, headroom_gmv=potential - current.value,
        inputs=pa.Table.from_pylist(inputs, schema=_INPUT_SCHEMA),
        scenarios=pa.Table.from_pylist(scen_rows, schema=_SCENARIO_SCHEMA),
        sensitivity=_sensitivity(used_ratio, shelf, current.value, cur), notes=notes)


def _ratio_source(basis: str, reference: str, refs: dict[str, dict[str, Any]]) -> str:
    if basis == "flag":
        return t("insights.size.source_flag")
    if basis == "stated":
        return refs[reference]["stated_source"]
    ref = refs[reference]
    return f"{ref['content'].key} ÷ {ref['shelf'].key}"


def _input_row(role: str, fig: Figure) -> dict[str, Any]:
    return {"input": role, "value": fig.value, "currency": fig.currency, "year": fig.year,
            "source": fig.source, "note": fig.note}


def _sensitivity(ratio: float, shelf: Decimal, current: Decimal, currency: str) -> pa.Table:
    """Change one input at a time by ±10 % and ±20 %; what happens to the potential and the multiple."""
    rows = []
    for name in ("ratio", "target_shelf", "target_current"):
        for step in SENSITIVITY_STEPS:
            f = Decimal(str(1 + step))
            r = Decimal(str(ratio)) * (f if name == "ratio" else 1)
            s = shelf * (f if name == "target_shelf" else 1)
            c = current * (f if name == "target_current" else 1)
            pot = (s * r).quantize(_CENT, ROUND_HALF_UP)
            rows.append({"input": name, "change": step, "potential_gmv": pot, "headroom_multiple": float(pot / c),
                         "currency": currency})
    return pa.Table.from_pylist(rows, schema=_SENS_SCHEMA)


_MONEY = pa.decimal128(24, 2)
_INPUT_SCHEMA = pa.schema([("input", pa.string()), ("value", pa.decimal128(28, 6)), ("currency", pa.string()),
                           ("year", pa.int32()), ("source", pa.string()), ("note", pa.string())])
_SCENARIO_SCHEMA = pa.schema([("scenario", pa.string()), ("factor", pa.float64()), ("ratio", pa.float64()),
                              ("potential_gmv", _MONEY), ("current_gmv", _MONEY),
                              ("headroom_multiple", pa.float64()), ("headroom_gmv", _MONEY),
                              ("currency", pa.string()), ("reason_en", pa.string()), ("reason_zh", pa.string())])
_SENS_SCHEMA = pa.schema([("input", pa.string()), ("change", pa.float64()), ("potential_gmv", _MONEY),
                          ("headroom_multiple", pa.float64()), ("currency", pa.string())])
