"""Landed margin per unit: price − sourcing − platform fees − affiliate commission − fulfillment − ads.

Inputs come from ``data/fees.yaml`` (one fee schedule per market, every figure with its source and
date or marked as an assumption), overridable for one run. All money is :class:`~decimal.Decimal` in
the market's currency.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa

from shopradar.errors import ConfigError, UsageError
from shopradar.i18n import t
from shopradar.insights.datafiles import load_yaml, to_decimal, to_rate

FEES_FILE = "fees.yaml"
FULFILLMENT: tuple[str, ...] = ("local_warehouse", "cross_border_direct")
#: keys accepted by ``overrides`` / ``--set``
OVERRIDE_KEYS: tuple[str, ...] = ("sourcing_cost", "sourcing_share", "platform_fee_rate", "affiliate_rate",
                                  "affiliate_sales_share", "fulfillment_fee", "ad_share")
_CENT = Decimal("0.0001")


@dataclass(frozen=True)
class Fee:
    """One figure of a fee schedule, with where it comes from."""

    name: str
    rate: float | None = None
    per_unit: Decimal | None = None
    cap_per_unit: Decimal | None = None
    source: str = ""
    date: str = ""
    assumption: bool = False

    @property
    def provenance(self) -> str:
        if self.assumption:
            label = t("insights.margin.assumption")
            return self.source if self.source.lower().startswith(("assumption", label)) else f"{label}: {self.source}"
        return f"{self.source} ({self.date})" if self.date else self.source


@dataclass(frozen=True)
class FeeSchedule:
    market: str
    currency: str
    platform_fees: tuple[Fee, ...]
    affiliate: Fee
    fulfillment: dict[str, Fee]
    sourcing_share: Fee
    ad_share: Fee
    affiliate_sales_share: Fee


@dataclass
class MarginResult:
    """Landed margin of one unit sold at ``price``."""

    market: str
    currency: str
    price: Decimal
    fulfillment: str
    lines: pa.Table           # component, amount, share_of_price, source
    cost: Decimal             # everything but the price
    margin: Decimal           # price − cost
    margin_rate: float        # margin ÷ price

    def to_table(self) -> pa.Table:
        return self.lines

    def summary(self, lang: str | None = None) -> str:
        return t("insights.margin.summary", lang=lang, market=self.market, price=f"{self.price:,.2f}",
                 currency=self.currency, margin=f"{self.margin:,.2f}", rate=f"{self.margin_rate:.1%}",
                 fulfillment=t(f"insights.margin.fulfillment.{self.fulfillment}", lang=lang))


def _fee(name: str, item: Any, where: str, *, kind: str) -> Fee:
    """Validate one fee entry: a rate or a per_unit amount, a source, and a date or ``assumption: true``."""
    if not isinstance(item, dict):
        raise ConfigError("insights.margin.bad_fee", name=name, path=where, field=kind)
    if not str(item.get("source", "")).strip():
        raise ConfigError("insights.margin.fee_no_source", name=name, path=where)
    assumption = bool(item.get("assumption", False))
    date = item.get("date")
    if not assumption and not date:
        raise ConfigError("insights.margin.fee_no_date", name=name, path=where)
    if isinstance(date, (dt.date, dt.datetime)):
        date = date.isoformat()
    rate = per_unit = cap = None
    if kind == "rate":
        if "rate" not in item and "value" not in item:
            raise ConfigError("insights.margin.bad_fee", name=name, path=where, field="rate")
        rate = to_rate(item.get("rate", item.get("value")), what=name, where=where)
    else:
        if "per_unit" not in item:
            raise ConfigError("insights.margin.bad_fee", name=name, path=where, field="per_unit")
        per_unit = to_decimal(item["per_unit"], what=name, where=where)
        if per_unit < 0:
            raise ConfigError("insights.rate_out_of_range", what=name, where=where, value=str(per_unit), upper="∞")
    if item.get("cap_per_unit") is not None:
        cap = to_decimal(item["cap_per_unit"], what=f"{name}.cap_per_unit", where=where)
    return Fee(name, rate, per_unit, cap, str(item["source"]).strip(), str(date or ""), assumption)


def load_fees(market: str, path: str | Path | None = None) -> FeeSchedule:
    """The fee schedule of ``market`` from ``path`` (default: the shipped ``data/fees.yaml``)."""
    data, where = load_yaml(path, FEES_FILE)
    markets = data.get("markets") or {}
    code = (market or "").strip().upper()
    if code not in markets:
        raise ConfigError("insights.margin.no_market", market=code or "–", path=where,
                          known=", ".join(sorted(markets)) or "–")
    entry = markets[code]
    defaults = data.get("defaults") or {}
    if not isinstance(entry, dict) or not entry.get("currency"):
        raise ConfigError("insights.margin.bad_fee", name=f"markets.{code}", path=where, field="currency")

    def pick(key: str) -> Fee:
        item = entry.get(key, defaults.get(key))
        if item is None:
            raise ConfigError("insights.margin.bad_fee", name=f"markets.{code}.{key}", path=where, field="value")
        return _fee(f"{code}.{key}", item, where, kind="rate")

    fees = entry.get("platform_fees") or {}
    if not isinstance(fees, dict):
        raise ConfigError("insights.margin.bad_fee", name=f"markets.{code}.platform_fees", path=where, field="rate")
    platform = tuple(_fee(str(k), v, where, kind="rate") for k, v in fees.items())
    fulfil_raw = entry.get("fulfillment") or {}
    fulfillment = {str(k): _fee(f"{code}.fulfillment.{k}", v, where, kind="per_unit") for k, v in fulfil_raw.items()}
    return FeeSchedule(code, str(entry["currency"]).upper(), platform, pick("affiliate_commission"),
                       fulfillment, pick("sourcing_share"), pick("ad_share"), pick("affiliate_sales_share"))


def parse_overrides(pairs: list[str] | None) -> dict[str, str]:
    """``["ad_share=0.1", "affiliate_rate=12%"]`` → a dict; unknown keys are a one-line error."""
    out: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError("insights.margin.bad_set", pair=pair)
        out[key.strip()] = value.strip()
    return out


def landed_margin(price: Decimal | float | str, market: str, *, sourcing_cost: Decimal | float | str | None = None,
                  fulfillment: str = "local_warehouse", overrides: dict[str, Any] | None = None,
                  fees: str | Path | FeeSchedule | None = None) -> MarginResult:
    """Landed margin of one unit sold at ``price`` (market currency) in ``market``.

    ``sourcing_cost`` is per unit in the market's currency (default: ``sourcing_share`` × price).
    ``fulfillment`` is ``local_warehouse`` (e.g. Fulfilled by TikTok) or ``cross_border_direct``.
    ``overrides`` replaces figures for this run; keys: :data:`OVERRIDE_KEYS`.
    """
    price_d = to_decimal(price, what="price", where="--price")
    if price_d <= 0:
        raise UsageError("insights.margin.bad_price", price=str(price))
    if fulfillment not in FULFILLMENT:
        raise UsageError("insights.margin.bad_fulfillment", value=fulfillment, known=", ".join(FULFILLMENT))
    schedule = fees if isinstance(fees, FeeSchedule) else load_fees(market, fees)
    over = dict(overrides or {})
    unknown = sorted(set(over) - set(OVERRIDE_KEYS))
    if unknown:
        raise ConfigError("insights.margin.unknown_override", keys=", ".join(unknown), known=", ".join(OVERRIDE_KEYS))
    by_flag = t("insights.margin.source_override")

    def rate_of(key: str, fee: Fee) -> tuple[Decimal, str]:
        if key in over:
            return Decimal(str(to_rate(over[key], what=key, where="--set"))), by_flag
        return Decimal(str(fee.rate)), fee.provenance

    rows: list[dict[str, Any]] = [{"component": "price", "amount": price_d, "source": ""}]
    # sourcing
    if sourcing_cost is not None and "sourcing_cost" in over:
        raise UsageError("insights.margin.two_costs")
    cost_in = sourcing_cost if sourcing_cost is not None else over.get("sourcing_cost")
    if cost_in is not None:
        cost = to_decimal(cost_in, what="sourcing_cost", where="--cost")
        if cost < 0:
            raise UsageError("insights.margin.negative", what="--cost")
        rows.append({"component": "sourcing", "amount": -cost, "source": by_flag})
    else:
        share, src = rate_of("sourcing_share", schedule.sourcing_share)
        rows.append({"component": "sourcing", "amount": -(price_d * share), "source": src})
    # platform fees
    if "platform_fee_rate" in over:
        r, src = rate_of("platform_fee_rate", schedule.platform_fees[0] if schedule.platform_fees else Fee("x", 0.0))
        rows.append({"component": "platform_fee", "amount": -(price_d * r), "source": src})
    else:
        for fee in schedule.platform_fees:
            amount = price_d * Decimal(str(fee.rate))
            if fee.cap_per_unit is not None:
                amount = min(amount, fee.cap_per_unit)
            rows.append({"component": f"platform_fee:{fee.name}", "amount": -amount, "source": fee.provenance})
    # affiliate commission on the share of units sold through affiliates
    a_rate, a_src = rate_of("affiliate_rate", schedule.affiliate)
    a_share, s_src = rate_of("affiliate_sales_share", schedule.affiliate_sales_share)
    rows.append({"component": "affiliate_commission", "amount": -(price_d * a_rate * a_share),
                 "source": f"{a_rate:.1%} × {a_share:.0%}: {a_src}; {s_src}"})
    # fulfillment
    if "fulfillment_fee" in over:
        f_amount = to_decimal(over["fulfillment_fee"], what="fulfillment_fee", where="--set")
        if f_amount < 0:
            raise UsageError("insights.margin.negative", what="fulfillment_fee")
        f_src = by_flag
    else:
        fee = schedule.fulfillment.get(fulfillment)
        if fee is None or fee.per_unit is None:
            raise ConfigError("insights.margin.no_fulfillment", market=schedule.market, mode=fulfillment)
        f_amount, f_src = fee.per_unit, fee.provenance
    rows.append({"component": f"fulfillment:{fulfillment}", "amount": -f_amount, "source": f_src})
    # ads
    ad, ad_src = rate_of("ad_share", schedule.ad_share)
    rows.append({"component": "ads", "amount": -(price_d * ad), "source": ad_src})

    for row in rows:
        row["amount"] = row["amount"].quantize(_CENT, ROUND_HALF_UP)
    cost_total = -sum((r["amount"] for r in rows[1:]), Decimal(0))
    margin = price_d - cost_total
    rows.append({"component": "margin", "amount": margin.quantize(_CENT, ROUND_HALF_UP), "source": ""})
    for row in rows:
        row["share_of_price"] = float(row["amount"] / price_d)
        row["currency"] = schedule.currency
    table = pa.Table.from_pylist(rows, schema=pa.schema([
        ("component", pa.string()), ("amount", pa.decimal128(18, 4)), ("source", pa.string()),
        ("share_of_price", pa.float64()), ("currency", pa.string())]))
    table = table.select(["component", "amount", "currency", "share_of_price", "source"])
    return MarginResult(schedule.market, schedule.currency, price_d, fulfillment, table, cost_total, margin,
                        float(margin / price_d))


def niche_price(wh: Any, market: str, category: str | None, *, days: int = 90, source: str = "estimate") -> Decimal:
    """Median selling price (local currency) of the products of ``category`` sold in the last ``days`` days."""
    from shopradar.errors import DataError
    from shopradar.insights.common import category_subtree, resolve_window, sales_table

    market = (market or "").strip().upper()
    cats, _ = category_subtree(wh, category)
    sales = sales_table(wh, source)
    start, end = resolve_window(sales, market, None, None, days)
    window = sales.filter((sales.market == market) & (sales.date >= start) & (sales.date <= end))
    per = window.group_by("product_id").aggregate(units=window.units.sum(), gmv=window.gmv_local.sum())
    per = per.filter(per.units > 0)
    prod = wh.table("product")
    if cats is not None:
        prod = prod.filter(prod.category_id.isin(cats))
    per = per.semi_join(prod, "product_id")
    med = (per.gmv / per.units).median().execute()
    if med is None or med != med:
        raise DataError("insights.niche.no_data", market=market, category=category or "*", start=str(start),
                        end=str(end))
    return Decimal(str(med)).quantize(Decimal("0.01"), ROUND_HALF_UP)
