"""Sales and observations of one block: the truth (units, orders, GMV per product-day and
channel) and what a crawler sees (product, video and LIVE snapshots)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

from shopradar.counters import parse_counter, render_counter
from shopradar.sources.simulate.arrowutil import const, dict_strings, money, timestamps, to_minor
from shopradar.sources.simulate.catalog import CATEGORIES, share
from shopradar.sources.simulate.config import SimConfig
from shopradar.sources.simulate.content import channel_mix, make_lives, make_videos, split_counts
from shopradar.sources.simulate.dynamics import block_dynamics, seed_for
from shopradar.sources.simulate.seasonality import category_lift, daily_level, event_multiplier
from shopradar.sources.simulate.world import MarketWorld

SOURCE = "simulator"
BASKET = 0.12          # extra units per order (binomial): mean units per order 1.12
NOISE_SHAPE = 3.0      # day-to-day demand noise: Gamma(shape, 1/shape) multiplier
_DIURNAL = np.array([0.8, 0.5, 0.35, 0.25, 0.2, 0.25, 0.4, 0.7, 1.0, 1.2, 1.3, 1.4, 1.5, 1.4, 1.3, 1.3, 1.4, 1.5,
                     1.7, 2.0, 2.2, 2.1, 1.7, 1.2])
_DIURNAL_CDF = np.r_[0.0, np.cumsum(_DIURNAL) / _DIURNAL.sum()]
STATUS = ("active", "out_of_stock", "delisted")
CHANNELS = ("video", "live", "card")


def sold_by(hour: np.ndarray) -> np.ndarray:
    """Share of a day's sales made before local ``hour`` (evening-heavy)."""
    return np.interp(hour, np.arange(25), _DIURNAL_CDF)


class CounterCache:
    """Renders each distinct count once and parses each distinct text once (many counts share a text)."""

    def __init__(self, style: str) -> None:
        self.style = style
        self.text: dict[int, str] = {}
        self.bounds: dict[str, tuple[int, int | None]] = {}

    def column(self, counts: np.ndarray) -> tuple[pa.Array, pa.Array, pa.Array]:
        uniq, inv = np.unique(counts, return_inverse=True)
        if len(self.text) > 400_000:  # keep memory bounded on very long runs
            self.text.clear()
            self.bounds.clear()
        texts, lows, highs = [], [], []
        for c in uniq.tolist():
            txt = self.text.get(c)
            if txt is None:
                txt = self.text[c] = render_counter(int(c), self.style)
            bnd = self.bounds.get(txt)
            if bnd is None:
                parsed = parse_counter(txt)
                bnd = self.bounds[txt] = (parsed.lower, parsed.upper)
            texts.append(txt)
            lows.append(bnd[0])
            highs.append(bnd[1])
        idx = pa.array(inv.astype(np.int32))
        return (dict_strings(inv, texts), pa.array(lows, pa.int64()).take(idx),
                pa.array(highs, pa.int64()).take(idx))


@dataclass
class MarketContext:
    world: MarketWorld
    day_ord: np.ndarray          # (D,) days since 1970 of each local date
    offset_s: np.ndarray         # (D,) UTC offset in seconds of each local date
    target_usd: np.ndarray       # (ncat, D) expected GMV per level-1 category, sample-scaled
    denom: np.ndarray            # (ncat, D) sum of demand weights
    event_days: np.ndarray       # (D,) market sales-event days (products may join with a discount)
    outage: np.ndarray           # (D,) crawler down for the whole market
    counters: CounterCache
    ids: list[str] = field(default_factory=list)
    gmv_usd: float = 0.0


def utc_offsets(tz: str, day_ord: np.ndarray) -> np.ndarray:
    zone = ZoneInfo(tz)
    out = np.empty(len(day_ord), dtype=np.int64)
    epoch = datetime(1970, 1, 1)
    for i, d in enumerate(day_ord.tolist()):
        local_noon = (epoch + timedelta(days=d, hours=12)).replace(tzinfo=zone)
        off = local_noon.utcoffset()
        out[i] = int(off.total_seconds()) if off is not None else 0
    return out


def to_utc_us(ctx: MarketContext, day: np.ndarray, hour: np.ndarray) -> np.ndarray:
    """Local (day offset, hour) → naive UTC microseconds since 1970."""
    secs = ctx.day_ord[day] * 86400 + np.round(hour * 3600).astype(np.int64) - ctx.offset_s[day]
    return secs * 1_000_000


def market_context(cfg: SimConfig, world: MarketWorld, progress=None) -> MarketContext:
    m = world.market
    D = cfg.days
    dates = np.datetime64(cfg.start, "D") + np.arange(D)
    day_ord = dates.astype(np.int64)
    sample = cfg.products / m.full_products
    level = daily_level(m, dates)
    target = np.stack([level * share(c) * category_lift(CATEGORIES[c], m, dates) * sample
                       for c in range(cfg.categories)])
    mult = event_multiplier(m, dates)
    event_days = mult >= 1.8
    outage = np.random.default_rng(np.random.SeedSequence(cfg.seed, spawn_key=(world.index, 3))).random(D) \
        < cfg.outage_rate
    ctx = MarketContext(world=world, day_ord=day_ord, offset_s=utc_offsets(m.time_zone, day_ord),
                        target_usd=target, denom=np.zeros((cfg.categories, D)), event_days=event_days,
                        outage=outage, counters=CounterCache(m.counter_style))
    for i, blk in enumerate(world.blocks):
        st = block_dynamics(cfg, world, blk, event_days)
        l1 = world.l1[st.a:st.b]
        for c in np.unique(l1):
            ctx.denom[c] += st.weight[l1 == c].sum(axis=0)
        if progress:
            progress("simulate.step.demand", i + 1, len(world.blocks))
    return ctx


def simulate_block(cfg: SimConfig, ctx: MarketContext, block: tuple[int, int, int], run_id: str,
                   ) -> dict[str, pa.Table]:
    world = ctx.world
    m = world.market
    bno, a, b = block
    n, D = b - a, cfg.days
    st = block_dynamics(cfg, world, block, ctx.event_days)
    rng = seed_for(cfg, world, 2, bno)
    l1 = world.l1[a:b]

    # -- expected demand and draws --------------------------------------------------------
    denom = ctx.denom[l1]
    share_ = np.divide(st.weight, denom, out=np.zeros_like(st.weight), where=denom > 0)
    exp_units = ctx.target_usd[l1] * share_ / (st.price * m.usd_per_unit)
    exp_orders = exp_units / (1 + BASKET) / (1 - cfg.cancel_rate)
    gross = rng.poisson(exp_orders * rng.gamma(NOISE_SHAPE, 1 / NOISE_SHAPE, (n, D)))
    orders = gross - rng.binomial(gross, cfg.cancel_rate)

    # -- content: videos and LIVE sessions decide the channel split ---------------------
    mix = channel_mix(world, a, b)
    vids = make_videos(cfg, world, st, rng, mix)
    lives = make_lives(cfg, world, st, rng)
    V = np.bincount(vids.product[vids.x_video] * D + vids.x_day, weights=vids.x_weight, minlength=n * D).reshape(n, D)
    pos = V > 0
    root = np.sqrt(V)  # concave: one viral video lifts the video share, it does not take it all
    vref = np.divide(root.sum(1), pos.sum(1), out=np.ones(n), where=pos.sum(1) > 0)
    act_v = root / vref[:, None]
    live_n = np.bincount(lives.p_product * D + lives.day[lives.p_session], minlength=n * D).reshape(n, D)
    live_days = (live_n > 0).sum(1)
    active_days = st.avail.sum(1)
    live_boost = np.minimum(np.divide(active_days, live_days, out=np.ones(n), where=live_days > 0), 20.0)
    video_days = pos.sum(1)
    video_boost = np.minimum(np.divide(active_days, video_days, out=np.ones(n), where=video_days > 0), 6.0)
    # average shares follow the category mix; a channel's share is concentrated on the days it is active
    p_v = _calibrated_share(np.minimum(mix[:, 0] * video_boost, 0.85), act_v, pos)
    p_l = _calibrated_share(np.minimum(mix[:, 1] / np.maximum(1 - mix[:, 0], 0.05) * live_boost, 0.85),
                            live_n.astype(np.float64), live_n > 0)
    o_v = rng.binomial(orders, p_v)
    o_l = rng.binomial(orders - o_v, p_l)
    o_c = orders - o_v - o_l
    ch_orders = (o_v, o_l, o_c)
    ch_units = tuple(o + rng.binomial(o, BASKET) for o in ch_orders)
    ret_rate = np.array([CATEGORIES[c].return_rate for c in range(len(CATEGORIES))])[l1][:, None]
    if cfg.returns:
        ch_ret = tuple(rng.binomial(u, ret_rate) for u in ch_units)
    else:
        ch_ret = tuple(np.zeros_like(u) for u in ch_units)
    units = ch_units[0] + ch_units[1] + ch_units[2]
    returned = ch_ret[0] + ch_ret[1] + ch_ret[2]

    # split channel units over the videos and sessions that sold them
    vx_units = split_counts(rng, ch_units[0].ravel(), vids.product[vids.x_video] * D + vids.x_day, vids.x_weight)
    lp_day = lives.day[lives.p_session]
    lp_units = split_counts(rng, ch_units[1].ravel(), lives.p_product * D + lp_day,
                            lives.viewers[lives.p_session].astype(np.float64))

    price_minor = to_minor(st.price)
    list_minor = to_minor(st.list_price)
    pid = np.array(ctx.ids[a:b], dtype=object)
    ctx.gmv_usd += float((units * st.price).sum() * m.usd_per_unit)

    out: dict[str, pa.Table] = {}
    out["truth_daily_sales"] = _truth(ctx, world, vids, lives, vx_units, lp_units, ch_units, ch_orders, ch_ret,
                                      price_minor, pid, n, D)
    out["product_snapshot"] = _product_snapshots(cfg, ctx, st, rng, units, returned, exp_units, price_minor,
                                                 list_minor, pid, run_id)
    out.update(_video_tables(cfg, ctx, vids, vx_units, rng, a, bno, run_id))
    out.update(_live_tables(cfg, ctx, lives, lp_units, rng, a, bno, run_id))
    return out


def _calibrated_share(target: np.ndarray, act: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Daily shares ``min(0.9, c × act)`` with ``c`` per row set so the mean over ``on`` days is ``target``."""
    c = target.copy()
    days = np.maximum(on.sum(1), 1)
    for _ in range(6):
        mean = np.clip(c[:, None] * act, 0.0, 0.9).sum(1) / days
        c = c * np.divide(target, mean, out=np.ones_like(c), where=mean > 0)
    return np.where(on, np.clip(c[:, None] * act, 0.0, 0.9), 0.0)


def _best(group: np.ndarray, units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each group with units > 0: the group key and the row selling most."""
    keep = np.nonzero(units > 0)[0]
    if len(keep) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = keep[np.lexsort((-units[keep], group[keep]))]
    g = group[order]
    first = np.r_[True, g[1:] != g[:-1]]
    return g[first], order[first]


def _truth(ctx, world, vids, lives, vx_units, lp_units, ch_units, ch_orders, ch_ret, price_minor, pid, n, D):
    m = world.market
    vkey, vrow = _best(vids.product[vids.x_video] * D + vids.x_day, vx_units)
    v_creator = np.full(n * D, -1)
    v_creator[vkey] = vids.creator[vids.x_video[vrow]]
    lkey, lrow = _best(lives.p_product * D + lives.day[lives.p_session], lp_units)
    l_creator = np.full(n * D, -1)
    l_creator[lkey] = lives.creator[lives.p_session[lrow]]
    parts = []
    creator_ids = world_creator_ids(ctx)
    for ci, ch in enumerate(CHANNELS):
        u = ch_units[ci]
        rows, days = np.nonzero(u > 0)
        if len(rows) == 0:
            continue
        flat = rows * D + days
        cr = (v_creator, l_creator, None)[ci]
        if cr is None:
            creator = pa.nulls(len(rows), pa.string())
        else:
            c = cr[flat]
            creator = pa.array([creator_ids[x] if x >= 0 else None for x in c.tolist()], pa.string())
        parts.append(pa.table({
            "product_id": pa.array(pid[rows], pa.string()),
            "market": const(m.code, len(rows)),
            "date": pa.array((ctx.day_ord[days]).astype("datetime64[D]"), pa.date32()),
            "channel": const(ch, len(rows)),
            "units": pa.array(u[rows, days], pa.int64()),
            "orders": pa.array(ch_orders[ci][rows, days], pa.int64()),
            "gmv_local": money(u[rows, days] * price_minor[rows, days]),
            "returned_units": pa.array(ch_ret[ci][rows, days], pa.int64()),
            "creator_id": creator,
        }))
    if not parts:
        return None
    return pa.concat_tables([p.cast(parts[0].schema) for p in parts])


def world_creator_ids(ctx: MarketContext) -> list[str]:
    w = ctx.world
    cached = getattr(ctx, "_creator_ids", None)
    if cached is None:
        cached = [f"sim-{w.market.code}-cr{i:07d}" for i in range(len(w.followers))]
        ctx._creator_ids = cached  # type: ignore[attr-defined]
    return cached


def _product_snapshots(cfg, ctx, st, rng, units, returned, exp_units, price_minor, list_minor, pid, run_id):
    world = ctx.world
    a, b = st.a, st.b
    n, D = b - a, cfg.days
    t = np.arange(D)[None, :]
    exit_ = world.exit[a:b, None]
    sched = ((t - world.phase[a:b, None]) % cfg.crawl_every == 0) & (t >= world.discover[a:b, None])
    sched &= t < exit_ + 3 * cfg.crawl_every
    sched &= ~ctx.outage[None, :]
    sched &= rng.random((n, D)) >= cfg.miss_rate
    # the counter: cumulative since the last relisting, net of returns processed lag days after the sale
    seg = np.cumsum(st.reset, axis=1)
    lag = cfg.return_lag_days
    R = np.zeros_like(returned)
    if lag < D:
        same = seg[:, :-lag] == seg[:, lag:]
        R[:, lag:] = np.where(same, returned[:, :-lag], 0)
    cumU = np.cumsum(units, axis=1)
    cumR = np.cumsum(R, axis=1)
    s0 = np.maximum.accumulate(np.where(st.reset, t, -1), axis=1)
    rows_all = np.arange(n)[:, None]
    baseU = np.where(s0 > 0, cumU[rows_all, np.maximum(s0 - 1, 0)], 0)
    baseR = np.where(s0 > 0, cumR[rows_all, np.maximum(s0 - 1, 0)], 0)
    first_days = exp_units[:, : min(D, 30)]
    daily = np.divide(first_days.sum(1), np.maximum((first_days > 0).sum(1), 1))
    c0 = rng.poisson(daily * world.prehistory[a:b])
    start = np.where(seg == 0, c0[:, None], 0) + (cumU - units - baseU) - (cumR - baseR)

    r, d = np.nonzero(sched)
    k = len(r)
    hour = np.clip(world.slot[a + r] + rng.normal(0.0, cfg.jitter_hours, k) if cfg.jitter_hours > 0
                   else world.slot[a + r], 0.25, 23.75)
    frac = sold_by(hour)
    u_now = units[r, d]
    partial = rng.binomial(u_now, frac)
    counter = start[r, d] + partial
    lifetime = c0[r] + cumU[r, d] - u_now + partial
    reviews = np.floor(lifetime * world.review_rate[a + r]).astype(np.int64)
    rating = np.round(world.rating[a + r] + rng.normal(0.0, 0.03, k), 1)
    status = np.where((d >= world.exit[a + r]) | st.gap[r, d], 2, np.where(st.stock_out[r, d], 1, 0))
    text, low, high = ctx.counters.column(counter)
    disc = st.disc[r, d] > 0
    return pa.table({
        "product_id": pa.array(pid[r], pa.string()),
        "market": const(world.market.code, k),
        "observed_at": timestamps(to_utc_us(ctx, d, hour)),
        "price": money(price_minor[r, d]),
        "list_price": money(list_minor[r, d], valid=disc),
        "currency": const(world.market.currency, k),
        "sold_text": text, "sold_lower": low, "sold_upper": high,
        "rating": pa.array(np.clip(rating, 1.0, 5.0), pa.float64(), mask=reviews == 0),
        "review_count": pa.array(reviews, pa.int64()),
        "status": dict_strings(status, STATUS),
        "source": const(SOURCE, k),
        "run_id": const(run_id, k),
    })


def _video_tables(cfg, ctx, vids, vx_units, rng, a, bno, run_id):
    world = ctx.world
    m = world.market
    D = cfg.days
    nv = len(vids.post)
    if nv == 0:
        return {}
    vid_ids = [f"sim-{m.code}-v{bno:05d}{j:06d}" for j in range(nv)]
    creator_ids = world_creator_ids(ctx)
    video = pa.table({
        "video_id": pa.array(vid_ids, pa.string()),
        "market": const(m.code, nv),
        "creator_id": pa.array([creator_ids[c] for c in vids.creator.tolist()], pa.string()),
        "product_id": pa.array(np.array(ctx.ids, dtype=object)[a + vids.product], pa.string()),
        "shop_id": pa.array([f"sim-{m.code}-s{s:06d}" for s in world.shop[a + vids.product].tolist()], pa.string()),
        "posted_at": timestamps(to_utc_us(ctx, vids.post, vids.hour)),
        "is_affiliate": pa.array(vids.affiliate, pa.bool_()),
        "source": const(SOURCE, nv), "run_id": const(run_id, nv),
    })
    # observations: every day from posting to the day after its last selling day (inside the period)
    sell_days = np.minimum(vids.life, D - vids.post)
    n_obs = np.minimum(vids.life, D - 1 - vids.post) + 1
    ov = np.repeat(np.arange(nv), n_obs)
    ostart = np.cumsum(n_obs) - n_obs
    j = np.arange(len(ov)) - np.repeat(ostart, n_obs)
    xstart = np.cumsum(sell_days) - sell_days
    cum = np.cumsum(vx_units)
    cum_before_video = np.where(xstart > 0, cum[np.maximum(xstart - 1, 0)], 0)
    selling = j < sell_days[ov]
    xi = np.where(selling, xstart[ov] + j, 0)
    u_today = np.where(selling, vx_units[xi], 0)
    before = np.where(selling, (cum[xi] - vx_units[xi]) - cum_before_video[ov],
                      cum[xstart[ov] + sell_days[ov] - 1] - cum_before_video[ov])
    day = vids.post[ov] + j
    last = j == n_obs[ov] - 1
    keep = last | (rng.random(len(ov)) >= cfg.miss_rate)
    keep &= last | ~ctx.outage[day]
    hour = np.clip(world.slot[a + vids.product[ov]] + rng.normal(0.0, max(cfg.jitter_hours, 1e-9), len(ov)),
                   0.25, 23.75)
    hour = np.where(j == 0, np.maximum(hour, vids.hour[ov] + 0.1), hour).clip(0.25, 23.9)
    f_post = sold_by(vids.hour[ov])
    frac = np.where(j == 0, (sold_by(hour) - f_post) / np.maximum(1 - f_post, 1e-9), sold_by(hour)).clip(0, 1)
    counter = before + rng.binomial(u_today, frac)
    age = j + np.where(j == 0, (hour - vids.hour[ov]) / 24.0, hour / 24.0)
    views = (vids.views[ov] * (1 - np.exp(-np.maximum(age, 0) / vids.tau[ov]))).astype(np.int64)
    likes = (views * vids.like_rate[ov]).astype(np.int64)
    sel = np.nonzero(keep)[0]
    text, low, high = ctx.counters.column(counter[sel])
    k = len(sel)
    snap = pa.table({
        "video_id": dict_strings(ov[sel], vid_ids),
        "observed_at": timestamps(to_utc_us(ctx, day[sel], hour[sel])),
        "views": pa.array(views[sel], pa.int64()),
        "likes": pa.array(likes[sel], pa.int64()),
        "sold_text": text, "sold_lower": low, "sold_upper": high,
        "source": const(SOURCE, k), "run_id": const(run_id, k),
    })
    return {"video": video, "video_snapshot": snap}


def _live_tables(cfg, ctx, lives, lp_units, rng, a, bno, run_id):
    world = ctx.world
    m = world.market
    used = np.unique(lives.p_session)
    if len(used) == 0:
        return {}
    ns = len(lives.day)
    live_ids = [f"sim-{m.code}-l{bno:05d}{j:06d}" for j in range(ns)]
    creator_ids = world_creator_ids(ctx)
    start_us = to_utc_us(ctx, lives.day, lives.start_h)
    end_us = start_us + np.round(lives.hours * 3600e6).astype(np.int64)
    live = pa.table({
        "live_id": pa.array([live_ids[s] for s in used.tolist()], pa.string()),
        "market": const(m.code, len(used)),
        "creator_id": pa.array([creator_ids[c] for c in lives.creator[used].tolist()], pa.string()),
        "shop_id": pa.array([f"sim-{m.code}-s{s:06d}" for s in lives.shop[used].tolist()], pa.string()),
        "started_at": timestamps(start_us[used]),
        "ended_at": timestamps(end_us[used]),
        "is_affiliate": pa.array(lives.affiliate[used], pa.bool_()),
        "source": const(SOURCE, len(used)), "run_id": const(run_id, len(used)),
    })
    # observations of each (session, product): every few minutes, and always at the end
    step_h = cfg.live_snapshot_minutes / 60.0
    ps = lives.p_session
    dur = lives.hours[ps]
    first = rng.uniform(0.05, 1.0, len(ps)) * np.minimum(step_h, dur)
    n_mid = np.floor((dur - first) / step_h).astype(np.int64) + 1
    n_mid = np.where(first < dur, n_mid, 0)
    n_obs = n_mid + 1
    pair = np.repeat(np.arange(len(ps)), n_obs)
    ostart = np.cumsum(n_obs) - n_obs
    j = np.arange(len(pair)) - np.repeat(ostart, n_obs)
    last = j == n_obs[pair] - 1
    at = np.where(last, dur[pair], first[pair] + j * step_h)
    at = np.minimum(at, dur[pair])
    f = at / dur[pair]
    # cumulative sold by each observation: sequential binomial draws, monotone, ending at the total
    counter = np.zeros(len(pair), dtype=np.int64)
    sold = np.zeros(len(ps), dtype=np.int64)
    fprev = np.zeros(len(ps))
    for k in range(int(n_obs.max())):
        rows = np.nonzero(j == k)[0]
        p_ = pair[rows]
        rem = lp_units[p_] - sold[p_]
        prob = np.clip((f[rows] - fprev[p_]) / np.maximum(1 - fprev[p_], 1e-12), 0.0, 1.0)
        draw = rng.binomial(rem, prob)
        sold[p_] += draw
        fprev[p_] = f[rows]
        counter[rows] = sold[p_]
    keep = last | (rng.random(len(pair)) >= cfg.miss_rate)
    sel = np.nonzero(keep)[0]
    k = len(sel)
    viewers = (lives.viewers[ps[pair[sel]]] * (0.3 + 0.7 * np.sin(np.pi * (0.1 + 0.8 * f[sel])))
               * rng.lognormal(0.0, 0.1, k)).astype(np.int64)
    text, low, high = ctx.counters.column(counter[sel])
    obs_us = start_us[ps[pair[sel]]] + np.round(at[sel] * 3600e6).astype(np.int64)
    snap = pa.table({
        "live_id": dict_strings(ps[pair[sel]], live_ids),
        "product_id": pa.array(np.array(ctx.ids, dtype=object)[a + lives.p_product[pair[sel]]], pa.string()),
        "observed_at": timestamps(obs_us),
        "viewers": pa.array(viewers, pa.int64()),
        "sold_text": text, "sold_lower": low, "sold_upper": high,
        "source": const(SOURCE, k), "run_id": const(run_id, k),
    })
    return {"live": live, "live_snapshot": snap}
