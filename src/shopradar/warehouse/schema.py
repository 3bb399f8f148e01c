"""The data model: every warehouse table, column by column.

This module is the single source of truth for the tables. ``docs/data-model.md`` and
``docs/data-model.zh-CN.md`` are generated from it (``python -m shopradar.warehouse.docs``)
and a test fails when they drift. Conventions:

* money is ``decimal(18,4)`` in the row's own currency (``currency`` column), never float;
* ``*_at`` columns are UTC timestamps (naive ``timestamp`` holding UTC);
* ``date`` columns are market-local calendar dates (the market's time zone);
* estimated unit counts are ``float64`` (an estimate spread over days is fractional);
* keys are documented but not enforced by the engine: ingest de-duplicates on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis

SCHEMA_VERSION = 1

MONEY = "decimal(18,4)"
FX = "decimal(24,12)"


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    en: str
    zh: str
    unit: str = ""
    key: bool = False
    nullable: bool = True


@dataclass(frozen=True)
class Table:
    name: str
    stage: str
    en: str
    zh: str
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.key)

    def ibis_schema(self) -> ibis.Schema:
        return ibis.schema({c.name: c.dtype for c in self.columns})

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def C(name: str, dtype: str, en: str, zh: str, unit: str = "", key: bool = False) -> Column:
    return Column(name=name, dtype=dtype, en=en, zh=zh, unit=unit, key=key)


def _sold(prefix: str = "sold") -> tuple[Column, ...]:
    return (
        C(f"{prefix}_text", "string", "the counter exactly as shown, e.g. '1.2K sold'", "页面显示的原始计数,如“1.2K sold”"),
        C(f"{prefix}_lower", "int64", "lowest cumulative count the shown text allows", "显示文本所允许的最小累计数", "units"),
        C(f"{prefix}_upper", "int64", "highest cumulative count the shown text allows; null = open ('10K+')",
          "显示文本所允许的最大累计数;为空表示无上限(如“10K+”)", "units"),
    )


_LINEAGE = (
    C("source", "string", "where the row came from: simulator, file path, API", "数据来源:模拟器、文件路径或 API"),
    C("run_id", "string", "the ingest_run that wrote the row", "写入此行的 ingest_run"),
)

# Estimated figures with their bounds, shared by the estimate and the cube tables.
_ESTIMATED = (
    C("units", "float64", "estimated units (point estimate)", "估算件数(点估计)", "units"),
    C("units_lower", "float64", "lower bound of units", "件数下界", "units"),
    C("units_upper", "float64", "upper bound of units", "件数上界", "units"),
    C("gmv_local", MONEY, "estimated GMV (point estimate)", "估算 GMV(点估计)", "currency"),
    C("gmv_lower", MONEY, "lower bound of GMV", "GMV 下界", "currency"),
    C("gmv_upper", MONEY, "upper bound of GMV", "GMV 上界", "currency"),
    C("gmv_usd", MONEY, "estimated GMV in US dollars at each day's rate", "按每日汇率折算的估算美元 GMV", "USD"),
    C("gmv_usd_lower", MONEY, "lower bound in US dollars", "美元 GMV 下界", "USD"),
    C("gmv_usd_upper", MONEY, "upper bound in US dollars", "美元 GMV 上界", "USD"),
    C("units_video", "float64", "units attributed to short video", "归因短视频的件数", "units"),
    C("units_live", "float64", "units attributed to LIVE", "归因直播的件数", "units"),
    C("units_card", "float64", "units attributed to product card, shop tab, search", "归因商品卡/店铺/搜索的件数", "units"),
)

TABLES: tuple[Table, ...] = (
    Table("schema_version", "warehouse", "Schema versions applied to this file, newest last.",
          "此数据库文件已应用的结构版本,最新在后。", (
              C("version", "int32", "schema version number", "结构版本号", key=True),
              C("applied_at", "timestamp", "when the migration ran (UTC)", "迁移执行时间(UTC)"),
          )),
    Table("market", "reference", "Markets (countries or regions where a TikTok Shop operates).",
          "市场(开通 TikTok Shop 的国家或地区)。", (
              C("code", "string", "ISO country code, e.g. US, GB, ID", "ISO 国家代码,如 US、GB、ID", key=True),
              C("name_en", "string", "English name", "英文名"),
              C("name_zh", "string", "Chinese name", "中文名"),
              C("currency", "string", "ISO 4217 currency of prices", "价格的 ISO 4217 币种"),
              C("time_zone", "string", "IANA time zone that defines the market's dates", "定义市场日期的 IANA 时区"),
              C("region", "string", "region group: NA, EU, SEA, LATAM, APAC", "区域:NA、EU、SEA、LATAM、APAC"),
          )),
    Table("category", "reference", "Category tree (TikTok Shop ids where known).",
          "类目树(已知时使用 TikTok Shop 类目 ID)。", (
              C("category_id", "string", "category id", "类目 ID", key=True),
              C("parent_id", "string", "parent category id; null at level 1", "父类目 ID;一级类目为空"),
              C("level", "int8", "depth: 1 = top level", "层级:1 为一级类目"),
              C("name_en", "string", "English name", "英文名"),
              C("name_zh", "string", "Chinese name", "中文名"),
              C("source", "string", "where the row came from", "数据来源"),
          )),
    Table("shop", "sources", "Shops seen in a market.", "市场中出现的店铺。", (
        C("shop_id", "string", "shop id", "店铺 ID", key=True),
        C("market", "string", "market code", "市场代码"),
        C("name", "string", "shop name as shown (untrusted text)", "店铺显示名称(不可信文本)"),
        C("seller_type", "string", "local or cross_border", "本土(local)或跨境(cross_border)"),
        C("fulfillment", "string", "seller, platform (FBT) or cross_border_direct", "自发货(seller)、平台仓(platform)或跨境直邮(cross_border_direct)"),
        C("brand_type", "string", "brand, white_label or reseller", "品牌(brand)、白牌(white_label)或分销(reseller)"),
        C("is_own", "boolean", "true for the seller's own shop (Partner API, Seller Center)", "是否为卖家自己的店铺"),
        C("first_seen", "date", "first market-local date the shop was observed", "首次观察到该店铺的本地日期"),
        *_LINEAGE,
    )),
    Table("product", "sources", "Products (listings) seen in a market.", "市场中出现的商品(listing)。", (
        C("product_id", "string", "product id", "商品 ID", key=True),
        C("market", "string", "market code", "市场代码"),
        C("shop_id", "string", "shop id", "店铺 ID"),
        C("category_id", "string", "leaf category id", "叶子类目 ID"),
        C("title", "string", "title as shown (untrusted text)", "显示标题(不可信文本)"),
        C("brand", "string", "brand name, if any", "品牌名(如有)"),
        C("price_tier", "string", "budget, mid or premium within its category", "类目内价格档:budget、mid、premium"),
        C("attributes", "string", "JSON object of attribute → value (use scenario, gender, …)", "属性 JSON(使用场景、性别等)"),
        C("launch_date", "date", "market-local listing date, if known", "上架本地日期(如已知)"),
        C("currency", "string", "ISO currency of its prices", "价格币种"),
        *_LINEAGE,
    )),
    Table("product_snapshot", "sources", "One observation of a product page (a crawl or an export row).",
          "商品页面的一次观察(一次抓取或一行导出)。", (
              C("product_id", "string", "product id", "商品 ID", key=True),
              C("market", "string", "market code", "市场代码"),
              C("observed_at", "timestamp", "when the page was seen (UTC)", "观察时间(UTC)", key=True),
              C("price", MONEY, "price shown to buyers", "买家看到的价格", "currency"),
              C("list_price", MONEY, "price before promotion, if shown", "促销前价格(如显示)", "currency"),
              C("currency", "string", "ISO currency of price", "价格币种"),
              *_sold(),
              C("rating", "float64", "average rating 0–5", "平均评分 0–5", "stars"),
              C("review_count", "int64", "number of reviews", "评价数"),
              C("status", "string", "active, out_of_stock or delisted", "状态:active、out_of_stock、delisted"),
              C("source", "string", "where the row came from", "数据来源", key=True),
              C("run_id", "string", "the ingest_run that wrote the row", "写入此行的 ingest_run"),
          )),
    Table("creator", "sources", "Creators (affiliates and shops' own accounts).", "达人(联盟达人和店铺自播账号)。", (
        C("creator_id", "string", "creator id", "达人 ID", key=True),
        C("market", "string", "market code", "市场代码"),
        C("handle", "string", "handle as shown (untrusted text)", "账号名(不可信文本)"),
        C("followers", "int64", "followers when last seen", "最近粉丝数"),
        C("creator_type", "string", "affiliate or shop_account", "联盟达人(affiliate)或店铺账号(shop_account)"),
        C("shop_id", "string", "the shop, for a shop's own account", "店铺自有账号所属店铺"),
        *_LINEAGE,
    )),
    Table("video", "sources", "Short videos that link a product.", "挂车短视频。", (
        C("video_id", "string", "video id", "视频 ID", key=True),
        C("market", "string", "market code", "市场代码"),
        C("creator_id", "string", "creator id", "达人 ID"),
        C("product_id", "string", "linked product id", "挂车商品 ID"),
        C("shop_id", "string", "shop of the product", "商品所属店铺"),
        C("posted_at", "timestamp", "when posted (UTC)", "发布时间(UTC)"),
        C("is_affiliate", "boolean", "true if posted by an affiliate creator", "是否为联盟达人发布"),
        *_LINEAGE,
    )),
    Table("video_snapshot", "sources", "One observation of a video's counters.", "视频计数的一次观察。", (
        C("video_id", "string", "video id", "视频 ID", key=True),
        C("observed_at", "timestamp", "when seen (UTC)", "观察时间(UTC)", key=True),
        C("views", "int64", "views", "播放量"),
        C("likes", "int64", "likes", "点赞数"),
        *_sold(),
        C("source", "string", "where the row came from", "数据来源", key=True),
        C("run_id", "string", "the ingest_run that wrote the row", "写入此行的 ingest_run"),
    )),
    Table("live", "sources", "LIVE sessions.", "直播场次。", (
        C("live_id", "string", "LIVE session id", "直播场次 ID", key=True),
        C("market", "string", "market code", "市场代码"),
        C("creator_id", "string", "host creator id", "主播达人 ID"),
        C("shop_id", "string", "shop selling in the session", "带货店铺"),
        C("started_at", "timestamp", "start (UTC)", "开始时间(UTC)"),
        C("ended_at", "timestamp", "end (UTC)", "结束时间(UTC)"),
        C("is_affiliate", "boolean", "true if hosted by an affiliate creator", "是否为联盟达人直播"),
        *_LINEAGE,
    )),
    Table("live_snapshot", "sources", "One observation of a product's counter inside a LIVE session.",
          "直播间内某商品计数的一次观察。", (
              C("live_id", "string", "LIVE session id", "直播场次 ID", key=True),
              C("product_id", "string", "product id", "商品 ID", key=True),
              C("observed_at", "timestamp", "when seen (UTC)", "观察时间(UTC)", key=True),
              C("viewers", "int64", "concurrent viewers", "在线人数"),
              *_sold(),
              C("source", "string", "where the row came from", "数据来源", key=True),
              C("run_id", "string", "the ingest_run that wrote the row", "写入此行的 ingest_run"),
          )),
    Table("order_line", "sources", "Order lines of the seller's own shop (Seller Center, Partner API).",
          "卖家自有店铺的订单行(Seller Center 导出、Partner API)。", (
              C("order_id", "string", "order id", "订单 ID", key=True),
              C("line_id", "string", "line (SKU) id within the order", "订单内行(SKU)ID", key=True),
              C("shop_id", "string", "shop id", "店铺 ID"),
              C("market", "string", "market code", "市场代码"),
              C("product_id", "string", "product id", "商品 ID"),
              C("sku_id", "string", "SKU id", "SKU ID"),
              C("seller_sku", "string", "seller's SKU code", "卖家 SKU 编码"),
              C("product_name", "string", "product name on the order (untrusted text)", "订单上的商品名(不可信文本)"),
              C("created_at", "timestamp", "order created (UTC)", "下单时间(UTC)"),
              C("paid_at", "timestamp", "order paid (UTC)", "付款时间(UTC)"),
              C("order_date", "date", "market-local date of created_at", "下单的本地日期"),
              C("status", "string", "order status as given by the source", "来源给出的订单状态"),
              C("quantity", "int64", "units", "件数", "units"),
              C("unit_price", MONEY, "unit price before discounts", "折扣前单价", "currency"),
              C("platform_discount", MONEY, "discount paid by the platform", "平台补贴", "currency"),
              C("seller_discount", MONEY, "discount paid by the seller", "卖家折扣", "currency"),
              C("subtotal", MONEY, "line amount after discounts (GMV)", "折扣后金额(GMV)", "currency"),
              C("shipping_fee", MONEY, "shipping fee charged to the buyer", "买家运费", "currency"),
              C("refund_amount", MONEY, "amount refunded", "退款金额", "currency"),
              C("currency", "string", "ISO currency", "币种"),
              C("channel", "string", "video, live, card or unknown", "渠道:video、live、card 或 unknown"),
              C("creator_id", "string", "affiliate creator credited, if any", "带货达人(如有)"),
              C("cancel_reason", "string", "cancellation or return type, if any", "取消或退货类型(如有)"),
              C("updated_at", "timestamp", "last update at the source (UTC), for incremental sync", "来源的最后更新时间(UTC),用于增量同步"),
              *_LINEAGE,
          )),
    # -- own shop through the TikTok Shop Partner API (issue #9): written by `shopradar sync tiktok` --
    Table("own_shop_daily", "sources", "Own shop: daily shop performance from the Partner API analytics.",
          "自有店铺:来自 Partner API 数据分析接口的每日店铺表现。", (
              C("shop_id", "string", "own shop id", "自有店铺 ID", key=True),
              C("date", "date", "market-local date (the shop's time zone)", "本地日期(店铺时区)", key=True),
              C("market", "string", "market code", "市场代码"),
              C("currency", "string", "ISO currency of the money columns", "金额列的币种"),
              C("gmv", MONEY, "GMV (attributed; includes later returns)", "GMV(归因口径,含之后的退货)", "currency"),
              C("orders", "int64", "orders", "订单数"),
              C("items_sold", "int64", "units sold", "售出件数", "units"),
              C("customers", "int64", "buyers", "买家数"),
              C("avg_order_value", MONEY, "average order value", "客单价", "currency"),
              C("refunds", MONEY, "refunded amount", "退款金额", "currency"),
              C("live_gmv", MONEY, "GMV from LIVE", "直播 GMV", "currency"),
              C("video_gmv", MONEY, "GMV from short video", "短视频 GMV", "currency"),
              C("product_card_gmv", MONEY, "GMV from product card, shop tab and search", "商品卡/店铺/搜索 GMV", "currency"),
              C("page_views", "int64", "product page views", "商品页浏览量"),
              C("visitors", "int64", "unique visitors", "访客数"),
              C("synced_at", "timestamp", "when fetched (UTC)", "拉取时间(UTC)"),
              *_LINEAGE,
          )),
    Table("own_product_daily", "sources", "Own shop: daily performance per product from the Partner API analytics.",
          "自有店铺:来自 Partner API 数据分析接口的每日商品表现。", (
              C("shop_id", "string", "own shop id", "自有店铺 ID"),
              C("product_id", "string", "product id", "商品 ID", key=True),
              C("date", "date", "market-local date", "本地日期", key=True),
              C("market", "string", "market code", "市场代码"),
              C("currency", "string", "ISO currency of the money columns", "金额列的币种"),
              C("gmv", MONEY, "GMV", "GMV", "currency"),
              C("orders", "int64", "orders", "订单数"),
              C("items_sold", "int64", "units sold", "售出件数", "units"),
              C("impressions", "int64", "product impressions", "商品曝光", ""),
              C("clicks", "int64", "product clicks", "商品点击", ""),
              C("live_gmv", MONEY, "GMV from LIVE (own and affiliate accounts)", "直播 GMV(自播与达人)", "currency"),
              C("video_gmv", MONEY, "GMV from short video (own and affiliate accounts)", "短视频 GMV(自有与达人)", "currency"),
              C("affiliate_gmv", MONEY, "GMV from affiliate creators' videos and LIVEs", "达人视频与直播 GMV", "currency"),
              C("synced_at", "timestamp", "when fetched (UTC)", "拉取时间(UTC)"),
              *_LINEAGE,
          )),
    Table("own_video", "sources", "Own shop: daily performance per short video (Partner API analytics).",
          "自有店铺:每条短视频的每日表现(Partner API 数据分析)。", (
              C("shop_id", "string", "own shop id", "自有店铺 ID"),
              C("video_id", "string", "video id", "视频 ID", key=True),
              C("date", "date", "market-local date of the figures", "指标的本地日期", key=True),
              C("market", "string", "market code", "市场代码"),
              C("title", "string", "video caption (untrusted text)", "视频标题(不可信文本)"),
              C("username", "string", "account that posted it", "发布账号"),
              C("posted_at", "timestamp", "when posted (UTC)", "发布时间(UTC)"),
              C("duration_s", "int64", "length in seconds", "时长(秒)", "s"),
              C("views", "int64", "views", "播放量"),
              C("likes", "int64", "likes", "点赞数"),
              C("comments", "int64", "comments", "评论数"),
              C("shares", "int64", "shares", "分享数"),
              C("currency", "string", "ISO currency of gmv", "gmv 币种"),
              C("gmv", MONEY, "GMV attributed to the video", "视频归因 GMV", "currency"),
              C("items_sold", "int64", "units sold", "售出件数", "units"),
              C("sku_orders", "int64", "SKU orders", "SKU 订单数"),
              C("impressions", "int64", "product impressions from the video", "视频带来的商品曝光"),
              C("clicks", "int64", "product clicks from the video", "视频带来的商品点击"),
              C("product_ids", "string", "linked product ids, comma-separated", "挂车商品 ID(逗号分隔)"),
              C("synced_at", "timestamp", "when fetched (UTC)", "拉取时间(UTC)"),
              *_LINEAGE,
          )),
    Table("own_live", "sources", "Own shop: LIVE sessions selling its products (Partner API analytics).",
          "自有店铺:带货其商品的直播场次(Partner API 数据分析)。", (
              C("shop_id", "string", "own shop id", "自有店铺 ID"),
              C("live_id", "string", "LIVE session id", "直播场次 ID", key=True),
              C("date", "date", "market-local date the session started", "直播开始的本地日期"),
              C("market", "string", "market code", "市场代码"),
              C("title", "string", "session title (untrusted text)", "直播标题(不可信文本)"),
              C("username", "string", "host account", "主播账号"),
              C("started_at", "timestamp", "start (UTC)", "开始时间(UTC)"),
              C("ended_at", "timestamp", "end (UTC)", "结束时间(UTC)"),
              C("currency", "string", "ISO currency of gmv", "gmv 币种"),
              C("gmv", MONEY, "GMV of the session", "场次 GMV", "currency"),
              C("items_sold", "int64", "units sold", "售出件数", "units"),
              C("sku_orders", "int64", "SKU orders", "SKU 订单数"),
              C("customers", "int64", "buyers", "买家数"),
              C("views", "int64", "views", "观看次数"),
              C("viewers", "int64", "unique viewers", "观看人数"),
              C("likes", "int64", "likes", "点赞数"),
              C("comments", "int64", "comments", "评论数"),
              C("shares", "int64", "shares", "分享数"),
              C("synced_at", "timestamp", "when fetched (UTC)", "拉取时间(UTC)"),
              *_LINEAGE,
          )),
    Table("finance_statement", "sources", "Own shop: settlement statements (Partner API finance).",
          "自有店铺:结算账单(Partner API 财务)。", (
              C("statement_id", "string", "statement id", "账单 ID", key=True),
              C("shop_id", "string", "own shop id", "自有店铺 ID"),
              C("market", "string", "market code", "市场代码"),
              C("statement_at", "timestamp", "statement time (UTC)", "账单时间(UTC)"),
              C("statement_date", "date", "market-local date of the statement", "账单本地日期"),
              C("currency", "string", "ISO currency", "币种"),
              C("settlement_amount", MONEY, "amount settled to the seller", "结算给卖家的金额", "currency"),
              C("revenue_amount", MONEY, "revenue", "收入", "currency"),
              C("fee_amount", MONEY, "fees (negative = charged)", "费用(负数为扣除)", "currency"),
              C("adjustment_amount", MONEY, "adjustments", "调整", "currency"),
              C("shipping_cost_amount", MONEY, "shipping costs", "运费成本", "currency"),
              C("net_sales_amount", MONEY, "net sales", "净销售额", "currency"),
              C("payment_status", "string", "PAID, FAILED or PROCESSING", "付款状态:PAID、FAILED、PROCESSING"),
              C("payment_id", "string", "payment id", "付款 ID"),
              C("paid_at", "timestamp", "payment time (UTC)", "付款时间(UTC)"),
              C("synced_at", "timestamp", "when fetched (UTC)", "拉取时间(UTC)"),
              *_LINEAGE,
          )),
    Table("finance_transaction", "sources", "Own shop: the transactions of each statement (orders, fees, adjustments).",
          "自有店铺:每张账单的交易明细(订单、费用、调整)。", (
              C("transaction_id", "string", "transaction id", "交易 ID", key=True),
              C("statement_id", "string", "statement id", "账单 ID", key=True),
              C("shop_id", "string", "own shop id", "自有店铺 ID"),
              C("type", "string", "ORDER, ADJUSTMENT … as given by the API", "API 给出的类型:ORDER、ADJUSTMENT 等"),
              C("order_id", "string", "order id, for order transactions", "订单 ID(订单类交易)"),
              C("order_created_at", "timestamp", "order created (UTC)", "下单时间(UTC)"),
              C("currency", "string", "ISO currency", "币种"),
              C("settlement_amount", MONEY, "amount settled", "结算金额", "currency"),
              C("revenue_amount", MONEY, "revenue", "收入", "currency"),
              C("shipping_cost_amount", MONEY, "shipping cost", "运费成本", "currency"),
              C("fee_tax_amount", MONEY, "fees and taxes", "费用与税", "currency"),
              C("adjustment_amount", MONEY, "adjustments", "调整", "currency"),
              C("reserve_amount", MONEY, "amount held in reserve", "预留金额", "currency"),
              C("platform_commission", MONEY, "platform commission", "平台佣金", "currency"),
              C("referral_fee", MONEY, "referral fee", "推荐费", "currency"),
              C("transaction_fee", MONEY, "payment transaction fee", "支付手续费", "currency"),
              C("affiliate_commission", MONEY, "affiliate creators' commission", "达人佣金", "currency"),
              C("breakdown", "string", "every breakdown the API gave, as JSON", "API 给出的全部明细(JSON)"),
              C("synced_at", "timestamp", "when fetched (UTC)", "拉取时间(UTC)"),
              *_LINEAGE,
          )),
    Table("sync_state", "sources", "Progress of incremental API syncs, so a killed sync resumes without gaps or duplicates.",
          "API 增量同步的进度,使中断的同步可无遗漏、无重复地继续。", (
              C("source", "string", "API, e.g. tiktok_api", "API,如 tiktok_api", key=True),
              C("shop_id", "string", "shop id", "店铺 ID", key=True),
              C("resource", "string", "orders, products, finance or analytics", "资源:orders、products、finance、analytics", key=True),
              C("synced_until", "timestamp", "everything updated before this (UTC) is in the warehouse", "此时间(UTC)之前更新的数据均已入库"),
              C("window_start", "timestamp", "start of the window in progress (UTC)", "进行中窗口的开始(UTC)"),
              C("window_end", "timestamp", "end of the window in progress (UTC)", "进行中窗口的结束(UTC)"),
              C("page_token", "string", "next page of the window in progress", "进行中窗口的下一页标记"),
              C("last_date", "date", "analytics: last market-local date fully fetched", "数据分析:已完整拉取的最后本地日期"),
              C("updated_at", "timestamp", "when this row was written (UTC)", "本行写入时间(UTC)"),
              C("run_id", "string", "the sync run that wrote the row", "写入本行的同步运行"),
          )),
    Table("fx_rate", "reference", "Exchange rates to US dollars.", "兑美元汇率。", (
        C("date", "date", "date the rate applies to", "汇率适用日期", key=True),
        C("currency", "string", "ISO currency", "币种", key=True),
        C("usd_per_unit", FX, "US dollars per one unit of currency", "每 1 单位该币种折合美元", "USD"),
        C("source", "string", "where the rate came from", "汇率来源"),
    )),
    Table("truth_daily_sales", "sources", "Simulator only: the true daily sales per product and channel.",
          "仅模拟器:每个商品每个渠道的真实日销量。", (
              C("product_id", "string", "product id", "商品 ID", key=True),
              C("market", "string", "market code", "市场代码"),
              C("date", "date", "market-local date", "本地日期", key=True),
              C("channel", "string", "video, live or card", "渠道:video、live、card", key=True),
              C("units", "int64", "units sold (net of same-day cancellations)", "售出件数(扣除当日取消)", "units"),
              C("orders", "int64", "orders", "订单数"),
              C("gmv_local", MONEY, "units × price paid", "件数 × 成交价", "currency"),
              C("returned_units", "int64", "units returned later (counter decreases)", "之后退货的件数(计数下降)", "units"),
              C("creator_id", "string", "creator of the best-selling video/LIVE that day (null for card)", "当日带货最多的视频或直播的达人(商品卡为空)"),
          )),
    Table("product_daily_sales", "estimate", "Estimated daily sales per product, with bounds.",
          "按商品按日的销量估算,含上下界。", (
              C("product_id", "string", "product id", "商品 ID", key=True),
              C("market", "string", "market code", "市场代码"),
              C("date", "date", "market-local date", "本地日期", key=True),
              C("currency", "string", "ISO currency of gmv_local", "gmv_local 的币种"),
              *_ESTIMATED,
              C("channel_basis", "string", "observed (video/LIVE counters) or category_mix", "渠道拆分依据:observed 或 category_mix"),
              C("method", "string", "estimation method", "估算方法"),
              C("flags", "string", "comma-separated quality flags", "逗号分隔的质量标记"),
              C("run_id", "string", "the run that wrote the row", "写入此行的运行"),
          )),
    Table("snapshot_issue", "estimate", "Snapshot rows that estimation refused to use or used with care, and why.",
          "估算拒用或慎用的快照行及原因。", (
              C("product_id", "string", "product id", "商品 ID"),
              C("observed_at", "timestamp", "the snapshot's time (UTC)", "快照时间(UTC)"),
              C("source", "string", "the snapshot's source", "快照来源"),
              C("flag", "string", "negative_counter, unparseable_counter, future_timestamp, zero_price, absurd_price, "
                "crawl_error, reset …", "标记:负计数、无法解析、未来时间、零价格、异常价格、抓取错误、重置等"),
              C("detail", "string", "what was seen", "所见内容"),
              C("run_id", "string", "the estimate run", "估算运行 ID"),
          )),
    Table("estimate_state", "estimate", "What the last estimate run saw per product (fingerprints), so a rerun recomputes only products whose inputs changed.",
          "上次估算时每个商品输入的指纹;重跑时只重算输入有变化的商品。", (
              C("product_id", "string", "product id; '' = the reference data (markets, exchange rates)", "商品 ID;空字符串表示参考数据(市场、汇率)", key=True),
              C("fingerprint", "int64", "checksum of the product's snapshot rows and product row", "该商品快照行与商品行的校验和"),
              C("snapshots", "int64", "snapshot rows seen", "看到的快照行数"),
              C("run_id", "string", "the estimate run", "估算运行 ID"),
          )),
    # -- cube (market cube, issue #5): derived from product_daily_sales; rebuilt by build_cube/refresh_cube --
    Table("cube_product_period", "cube", "Cube: sales per product per week or month (sums of product_daily_sales).",
          "立方体:按商品按周或按月的销量(product_daily_sales 的汇总)。", (
              C("market", "string", "market code", "市场代码", key=True),
              C("period", "string", "week (ISO, Monday start) or month", "周期:week(ISO 周,周一开始)或 month", key=True),
              C("period_start", "date", "first market-local date of the period", "周期第一天(本地日期)", key=True),
              C("product_id", "string", "product id", "商品 ID", key=True),
              C("shop_id", "string", "shop id (from product)", "店铺 ID(来自 product)"),
              C("category_id", "string", "leaf category id (from product); unknown ids kept as they are", "叶子类目 ID(来自 product);未知 ID 原样保留"),
              C("currency", "string", "ISO currency of gmv_local", "gmv_local 的币种"),
              *_ESTIMATED,
              C("days_active", "int32", "days with estimated units > 0", "估算件数大于 0 的天数", "days"),
              C("first_sale", "date", "first date in the period with units > 0", "周期内首个件数大于 0 的日期"),
          )),
    Table("cube_category_period", "cube", "Cube: figures per market × category (every level) × day, week or month.",
          "立方体:按市场 × 类目(各层级)× 日/周/月的指标。", (
              C("market", "string", "market code", "市场代码", key=True),
              C("period", "string", "day, week or month", "周期:day、week 或 month", key=True),
              C("period_start", "date", "first market-local date of the period", "周期第一天(本地日期)", key=True),
              C("category_id", "string", "category id (any level)", "类目 ID(任意层级)", key=True),
              C("level", "int8", "category level: 1 = top", "类目层级:1 为一级", ""),
              C("currency", "string", "ISO currency of gmv_local", "gmv_local 的币种"),
              *_ESTIMATED,
              C("products", "int64", "active products (units > 0)", "动销商品数(件数 > 0)"),
              C("shops", "int64", "active shops (week and month only)", "动销店铺数(仅周、月)"),
              C("new_products", "int64", "products whose first sale falls in the period (week and month; null in the market's first period)",
                "首次售出落在本周期的商品数(仅周、月;市场首个周期为空)"),
              C("new_products_gmv", MONEY, "GMV of those new products", "新商品的 GMV", "currency"),
              C("new_products_survived", "int64", "new products still selling 3 months later (null until measurable)",
                "3 个月后仍在销售的新商品数(可测前为空)"),
              C("cr5_shops", "float64", "share of GMV of the 5 largest shops", "前 5 大店铺的 GMV 份额", "share"),
              C("cr10_shops", "float64", "share of GMV of the 10 largest shops", "前 10 大店铺的 GMV 份额", "share"),
              C("hhi_shops", "float64", "Herfindahl–Hirschman index over shops, 0–10,000", "店铺赫芬达尔指数(0–10000)"),
              C("gini_shops", "float64", "Gini coefficient of GMV over active shops", "动销店铺 GMV 基尼系数"),
              C("cr5_products", "float64", "share of GMV of the 5 largest products", "前 5 大商品的 GMV 份额", "share"),
              C("cr10_products", "float64", "share of GMV of the 10 largest products", "前 10 大商品的 GMV 份额", "share"),
              C("hhi_products", "float64", "Herfindahl–Hirschman index over products, 0–10,000", "商品赫芬达尔指数(0–10000)"),
              C("gini_products", "float64", "Gini coefficient of GMV over active products", "动销商品 GMV 基尼系数"),
          )),
    Table("cube_top", "cube", "Cube: the 100 best-selling products and shops per market × category (every level) × week or month, by GMV.",
          "立方体:按市场 × 类目(各层级)× 周/月,GMV 排名前 100 的商品和店铺。", (
              C("market", "string", "market code", "市场代码", key=True),
              C("period", "string", "week or month", "周期:week 或 month", key=True),
              C("period_start", "date", "first market-local date of the period", "周期第一天(本地日期)", key=True),
              C("category_id", "string", "category id (any level)", "类目 ID(任意层级)", key=True),
              C("entity", "string", "product or shop", "对象:product 或 shop", key=True),
              C("rank", "int32", "1 = highest GMV in the category and period (ties: smaller id first)", "1 为该类目该周期 GMV 最高(并列时 ID 小者在前)", key=True),
              C("entity_id", "string", "product id or shop id", "商品 ID 或店铺 ID"),
              C("gmv_local", MONEY, "estimated GMV in the category and period", "该类目该周期的估算 GMV", "currency"),
          )),
    Table("cube_product_recent", "cube", "Cube: each product's units in the last 7 and 90 days up to its market's last day in the cube (acceleration).",
          "立方体:每个商品截至其市场在立方体中最后一天的近 7 天与近 90 天件数(用于加速度)。", (
              C("market", "string", "market code", "市场代码", key=True),
              C("product_id", "string", "product id", "商品 ID", key=True),
              C("as_of", "date", "the market's last date in the cube", "该市场在立方体中的最后日期"),
              C("units_7d", "float64", "estimated units in the 7 days ending as_of", "截至 as_of 的 7 天估算件数", "units"),
              C("units_90d", "float64", "estimated units in the 90 days ending as_of", "截至 as_of 的 90 天估算件数", "units"),
          )),
    Table("cube_state", "cube", "Cube: which days of estimates the cube holds, with a fingerprint to detect changes.",
          "立方体:已纳入的估算日期及用于发现变化的指纹。", (
              C("market", "string", "market code", "市场代码", key=True),
              C("date", "date", "market-local date", "本地日期", key=True),
              C("rows", "int64", "product_daily_sales rows of that day", "当日 product_daily_sales 行数"),
              C("units", "float64", "sum of units that day (fingerprint)", "当日件数合计(指纹)", "units"),
              C("gmv_local", MONEY, "sum of GMV that day (fingerprint)", "当日 GMV 合计(指纹)", "currency"),
              C("built_at", "timestamp", "when the day entered the cube (UTC)", "纳入立方体的时间(UTC)"),
          )),
    Table("reported_sales", "ingest", "Sales over a period as a file reports them (an analytics tool's estimate, not ours).",
          "文件所报告的某时段销量(分析工具的估算,并非本系统的估算)。", (
              C("entity_type", "string", "product, shop, creator, video or live", "对象类型:product、shop、creator、video、live", key=True),
              C("entity_id", "string", "id of the product, shop, creator, video or LIVE", "对象 ID", key=True),
              C("market", "string", "market code", "市场代码"),
              C("period_start", "date", "first market-local day of the period", "时段首日(本地日期)", key=True),
              C("period_end", "date", "last market-local day of the period", "时段末日(本地日期)", key=True),
              C("units", "int64", "units sold in the period", "时段内售出件数", "units"),
              C("gmv", MONEY, "sales amount in the period", "时段内销售额", "currency"),
              C("gmv_video", MONEY, "part of gmv from short video", "其中短视频销售额", "currency"),
              C("gmv_live", MONEY, "part of gmv from LIVE", "其中直播销售额", "currency"),
              C("gmv_card", MONEY, "part of gmv from product card, shop tab and search", "其中商品卡/店铺/搜索销售额", "currency"),
              C("currency", "string", "ISO currency of the amounts", "金额币种"),
              C("source", "string", "the tool that reported it (profile source)", "报告该数据的工具(导入配置的来源)", key=True),
              C("run_id", "string", "the ingest_run that wrote the row", "写入此行的 ingest_run"),
          )),
    Table("category_name", "ingest", "Category name translations (English → Chinese) that fill category.name_zh.",
          "类目名称对照(英文 → 中文),用于补全 category.name_zh。", (
              C("name_en", "string", "English category name (outer spaces trimmed)", "英文类目名(去除首尾空格)", key=True),
              C("name_zh", "string", "Chinese name", "中文名"),
              C("source", "string", "where the row came from", "数据来源"),
              C("run_id", "string", "the ingest_run that wrote the row", "写入此行的 ingest_run"),
          )),
    Table("quarantine", "ingest", "Input rows set aside, with the reason. Nothing is dropped silently.",
          "被隔离的输入行及原因。任何行都不会被静默丢弃。", (
              C("run_id", "string", "the ingest_run", "所属 ingest_run"),
              C("source", "string", "file path or source name", "文件路径或来源"),
              C("line", "int64", "line or row number in the source (1 = first data row)", "来源中的行号(1 为第一行数据)"),
              C("target_table", "string", "table the row was meant for", "目标表"),
              C("reason_code", "string", "machine-readable reason", "机器可读原因代码"),
              C("reason", "string", "reason in words", "原因说明"),
              C("record", "string", "the raw row as JSON", "原始行(JSON)"),
              C("quarantined_at", "timestamp", "when (UTC)", "隔离时间(UTC)"),
          )),
    Table("ingest_run", "ingest", "Lineage: one row per run of a pipeline step over one source.",
          "数据血缘:每个步骤对每个来源的一次运行一行。", (
              C("run_id", "string", "run id", "运行 ID", key=True),
              C("kind", "string", "simulate, ingest, estimate, sync, cube …", "类型:simulate、ingest、estimate、sync、cube 等"),
              C("source", "string", "file, folder, API or simulator settings", "文件、文件夹、API 或模拟器参数"),
              C("profile", "string", "import profile used", "使用的导入配置"),
              C("started_at", "timestamp", "start (UTC)", "开始时间(UTC)"),
              C("finished_at", "timestamp", "end (UTC)", "结束时间(UTC)"),
              C("rows_in", "int64", "rows read", "读取行数"),
              C("loaded", "int64", "rows written to their table", "写入目标表的行数"),
              C("duplicates", "int64", "rows already present", "重复行数"),
              C("quarantined", "int64", "rows set aside in quarantine", "隔离行数"),
              C("status", "string", "ok, failed or partial", "状态:ok、failed、partial"),
              C("message", "string", "summary or error", "摘要或错误"),
          )),
)

TABLE_BY_NAME: dict[str, Table] = {tbl.name: tbl for tbl in TABLES}


def table_spec(name: str) -> Table:
    return TABLE_BY_NAME[name]
