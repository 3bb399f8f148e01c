# ruff: noqa: E501  (data table: one row per line reads best)
"""The simulated category tree and its attribute dimensions (question 5's attribute paths).

Level-1 categories follow TikTok Shop's top-level names; each has level-2 leaves. For each
level-1 category: its share of market GMV, the median price in US dollars, how sales split
between short video, LIVE and product card, the return rate, how much Christmas gifting
lifts it, and how concentrated it is (how strongly a shop's strength multiplies its
products' sales — high values let a few shops dominate). Sources and reasoning are in
docs/simulator.md.
"""

from __future__ import annotations

from dataclasses import dataclass

PRICE_TIERS = ("budget", "mid", "premium")
PRICE_TIER_FACTOR = (0.45, 1.0, 2.6)          # price relative to the category median
PRICE_TIER_DEMAND = (0.5, 0.36, 0.14)         # share of shoppers asking for each tier
BRAND_TYPES = ("brand", "white_label", "reseller")
BRAND_DEMAND = (0.4, 0.45, 0.15)
GENDERS = ("female", "male", "unisex")


@dataclass(frozen=True)
class Category:
    key: str
    name_en: str
    name_zh: str
    share: float                 # share of market GMV
    price_usd: float             # median selling price (US market, USD)
    mix: tuple[float, float, float]   # video, live, card share of GMV (US)
    return_rate: float
    gift: float                  # extra lift in the Christmas run-up (0 = none)
    concentration: float         # exponent on shop strength: 0.3 fragmented … 2.5 a few shops dominate
    spread: float                # sigma of product appeal (lognormal): heavier tail when larger
    scenarios: tuple[tuple[str, float], ...]   # use scenario → demand weight (first = the broad standard)
    genders: tuple[float, float, float]        # demand for female, male, unisex
    leaves: tuple[tuple[str, str], ...]


CATEGORIES: tuple[Category, ...] = (
    Category("beauty", "Beauty & Personal Care", "美妆个护", 0.20, 14.0, (0.55, 0.15, 0.30), 0.03, 0.5, 1.6, 2.0,
             (("daily", 0.6), ("travel", 0.15), ("sensitive_skin", 0.15), ("professional", 0.1)), (0.8, 0.1, 0.1),
             (("Skincare", "护肤"), ("Makeup", "彩妆"), ("Hair Care & Styling", "美发护发"))),
    Category("womenswear", "Womenswear & Underwear", "女装与女士内衣", 0.13, 22.0, (0.4, 0.35, 0.25), 0.12, 0.3, 0.5, 1.7,
             (("daily", 0.55), ("office", 0.2), ("party", 0.15), ("outdoor", 0.1)), (0.95, 0.0, 0.05),
             (("Dresses", "连衣裙"), ("Tops & Tees", "上衣"), ("Loungewear", "家居服"), ("Lingerie", "内衣"))),
    Category("health", "Health", "保健", 0.10, 25.0, (0.6, 0.1, 0.3), 0.02, 0.2, 2.3, 2.2,
             (("daily", 0.6), ("fitness", 0.2), ("sleep", 0.12), ("senior", 0.08)), (0.45, 0.25, 0.3),
             (("Supplements", "膳食补充剂"), ("Medical Supplies", "医疗用品"))),
    Category("home", "Home Supplies", "居家日用", 0.09, 16.0, (0.5, 0.15, 0.35), 0.05, 0.6, 0.4, 1.7,
             (("daily", 0.55), ("storage", 0.2), ("decor", 0.15), ("festive", 0.1)), (0.3, 0.1, 0.6),
             (("Storage & Organization", "收纳整理"), ("Home Decor", "家居装饰"), ("Cleaning", "清洁用品"))),
    Category("electronics", "Phones & Electronics", "手机与数码", 0.08, 30.0, (0.5, 0.2, 0.3), 0.06, 1.2, 2.0, 2.0,
             (("daily", 0.55), ("gaming", 0.2), ("travel", 0.15), ("office", 0.1)), (0.2, 0.3, 0.5),
             (("Phone Accessories", "手机配件"), ("Audio", "音频设备"), ("Smart Devices", "智能设备"))),
    Category("accessories", "Fashion Accessories", "时尚配饰", 0.06, 12.0, (0.45, 0.3, 0.25), 0.07, 0.9, 0.6, 1.8,
             (("daily", 0.55), ("party", 0.2), ("wedding", 0.1), ("office", 0.15)), (0.75, 0.1, 0.15),
             (("Jewelry", "珠宝首饰"), ("Bags", "包袋"), ("Hair Accessories", "发饰"))),
    Category("food", "Food & Beverages", "食品饮料", 0.06, 12.0, (0.55, 0.15, 0.3), 0.01, 0.5, 1.2, 2.1,
             (("daily", 0.6), ("fitness", 0.2), ("gift", 0.12), ("kids", 0.08)), (0.35, 0.25, 0.4),
             (("Snacks", "零食"), ("Drinks", "饮品"))),
    Category("menswear", "Menswear & Underwear", "男装与男士内衣", 0.05, 24.0, (0.4, 0.3, 0.3), 0.1, 0.4, 0.5, 1.6,
             (("daily", 0.6), ("office", 0.15), ("sport", 0.15), ("outdoor", 0.1)), (0.02, 0.95, 0.03),
             (("Tops", "上衣"), ("Bottoms", "下装"), ("Underwear", "内衣"))),
    Category("sports", "Sports & Outdoor", "运动户外", 0.05, 28.0, (0.5, 0.15, 0.35), 0.06, 0.5, 0.8, 1.8,
             (("daily", 0.5), ("gym", 0.25), ("camping", 0.15), ("cycling", 0.1)), (0.35, 0.35, 0.3),
             (("Fitness Equipment", "健身器材"), ("Outdoor Gear", "户外装备"))),
    Category("toys", "Toys & Hobbies", "玩具与爱好", 0.04, 18.0, (0.55, 0.2, 0.25), 0.04, 2.0, 1.0, 2.0,
             (("daily", 0.5), ("educational", 0.25), ("collectible", 0.15), ("outdoor", 0.1)), (0.3, 0.3, 0.4),
             (("Toys", "玩具"), ("Collectibles", "收藏品"))),
    Category("kitchen", "Kitchenware", "厨房用品", 0.04, 20.0, (0.55, 0.15, 0.3), 0.05, 0.7, 0.7, 1.7,
             (("daily", 0.6), ("baking", 0.2), ("outdoor", 0.1), ("professional", 0.1)), (0.4, 0.1, 0.5),
             (("Cookware", "锅具"), ("Kitchen Tools", "厨房小工具"))),
    Category("pets", "Pet Supplies", "宠物用品", 0.03, 18.0, (0.5, 0.15, 0.35), 0.04, 0.4, 1.4, 1.8,
             (("daily", 0.6), ("grooming", 0.2), ("travel", 0.1), ("training", 0.1)), (0.3, 0.2, 0.5),
             (("Dog Supplies", "狗狗用品"), ("Cat Supplies", "猫咪用品"))),
    Category("baby", "Baby & Maternity", "母婴用品", 0.03, 20.0, (0.45, 0.25, 0.3), 0.05, 0.5, 1.5, 1.7,
             (("daily", 0.6), ("travel", 0.15), ("feeding", 0.15), ("sleep", 0.1)), (0.5, 0.1, 0.4),
             (("Baby Care", "婴儿护理"), ("Maternity", "孕产用品"))),
    Category("automotive", "Automotive & Motorcycle", "汽车与摩托车", 0.02, 22.0, (0.55, 0.1, 0.35), 0.05, 0.5, 0.9, 1.7,
             (("daily", 0.6), ("cleaning", 0.2), ("travel", 0.1), ("professional", 0.1)), (0.15, 0.6, 0.25),
             (("Car Accessories", "汽车配件"), ("Car Care", "汽车护理"))),
)

# GMV shares of the listed categories sum to 0.98; the rest is spread pro rata.
_TOTAL = sum(c.share for c in CATEGORIES)


def l1_id(i: int) -> str:
    return f"sim-c{i + 1:02d}"


def leaf_id(i: int, j: int) -> str:
    return f"sim-c{i + 1:02d}-{j + 1:02d}"


def category_rows() -> dict[str, list]:
    """The whole tree as columns of the ``category`` table (always written in full)."""
    rows: dict[str, list] = {k: [] for k in ("category_id", "parent_id", "level", "name_en", "name_zh")}
    for i, cat in enumerate(CATEGORIES):
        for key, val in (("category_id", l1_id(i)), ("parent_id", None), ("level", 1),
                         ("name_en", cat.name_en), ("name_zh", cat.name_zh)):
            rows[key].append(val)
        for j, (en, zh) in enumerate(cat.leaves):
            for key, val in (("category_id", leaf_id(i, j)), ("parent_id", l1_id(i)), ("level", 2),
                             ("name_en", en), ("name_zh", zh)):
                rows[key].append(val)
    return rows


def share(i: int) -> float:
    return CATEGORIES[i].share / _TOTAL
