"""The client over real HTTP: signing, tokens, pages, rate limits, retries, error messages."""

from __future__ import annotations

import time

import pytest
from tts_data import fill_orders, write_credentials

from shopradar.errors import ApiError, ConfigError
from shopradar.sources.tiktok_api import Client, ClientConfig, load_credentials

DAY = 86400


@pytest.fixture
def client(fake, creds_file, config):
    shop = next(iter(fake.shops.values()))
    now = int(time.time())
    fill_orders(shop, 45, now - 3 * DAY, now - 60)
    with Client(load_credentials(creds_file), config) as c:
        yield c


def _search(c: Client, fake, page_size: int = 10) -> list[str]:
    cipher = next(iter(fake.shops))
    ids = []
    for page in c.pages("orders_search", items_key="orders", shop_cipher=cipher, page_size=page_size,
                        query={"sort_field": "update_time", "sort_order": "ASC"}, body={"update_time_ge": 0}):
        ids += [o["id"] for o in page.items]
    return ids


def test_pages_follow_tokens_with_reserved_characters(client, fake) -> None:
    ids = _search(client, fake)
    assert sorted(ids) == sorted(o["id"] for o in next(iter(fake.shops.values())).orders)
    tokens = [r.query["page_token"] for r in fake.requests_to("/orders/search") if "page_token" in r.query]
    assert len(tokens) == 4 and all(("+" in tk or "/" in tk) for tk in tokens)
    assert all(r.code == 0 for r in fake.log)  # every request passed the server's signature check


def test_shop_cipher_only_where_expected(client, fake) -> None:
    cipher = next(iter(fake.shops))
    with pytest.raises(ApiError) as e:
        client.call("GET", "/authorization/202309/shops", shop_cipher=cipher)
    assert e.value.key == "tiktok_api.err.cipher_unexpected"
    with pytest.raises(ApiError) as e:
        client.call("POST", "/order/202309/orders/search", query={"page_size": 5}, body={})
    assert e.value.key == "tiktok_api.err.cipher_missing" and "connect tiktok" in str(e.value)


def test_wrong_secret_is_a_signature_error(fake, creds_file, config) -> None:
    creds = load_credentials(creds_file)
    from shopradar.sources.tiktok_api.secrets import Secret

    creds.app_secret = Secret("not-the-secret")
    with Client(creds, config) as c, pytest.raises(ApiError) as e:
        c.get("shops")
    assert e.value.key == "tiktok_api.err.sign" and "secret" in str(e.value)


def test_clock_skew_is_explained(fake, creds_file, config) -> None:
    with Client(load_credentials(creds_file), config, clock=lambda: time.time() - 600) as c, \
            pytest.raises(ApiError) as e:
        c.get("shops")
    assert e.value.key == "tiktok_api.err.clock" and "clock" in str(e.value)


@pytest.mark.parametrize("kind", ["429", "html500", "timeout", "truncated", "malformed"])
def test_transient_faults_are_retried(client, fake, kind: str) -> None:
    fake.timeout_sleep = 1.5  # longer than the client's 1 s timeout
    fake.retry_after = "0"
    fake.fail("/orders/search", kind, times=2)
    ids = _search(client, fake)
    assert len(ids) == 45
    assert client.stats["retries"] == 2


def test_rate_limit_code_and_retry_after_are_honoured(client, fake) -> None:
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        time.sleep(s)

    client._sleep = sleep  # the client takes its sleep function as a dependency; this one records
    fake.retry_after = "1"
    fake.fail("/orders/search", "429", times=1)
    fake.fail("/orders/search", "code", times=1, code=36009002, message="rate limited")
    assert len(_search(client, fake)) == 45
    assert client.stats["rate_limited"] == 2
    assert slept[0] >= 1.0  # Retry-After: 1 beats the 10 ms backoff base


def test_server_throttle_is_absorbed(client, fake) -> None:
    fake.max_per_second = 3
    fake.retry_after = "1"
    ids = _search(client, fake, page_size=5)
    assert len(ids) == 45
    assert client.stats["rate_limited"] >= 1
    assert any(r.status == 429 for r in fake.log)


def test_persistent_failure_gives_up_with_a_clear_message(client, fake) -> None:
    fake.fail("/orders/search", "html500", times=99)
    with pytest.raises(ApiError) as e:
        _search(client, fake)
    msg = str(e.value)
    assert e.value.key == "tiktok_api.gave_up" and "/order/202309/orders/search" in msg and "resumes" in msg
    assert len(fake.requests_to("/orders/search")) == 5  # 1 + max_retries


def test_expired_token_is_refreshed_once_and_saved(fake, creds_file, config) -> None:
    saved: list[str] = []
    creds = load_credentials(creds_file)
    old = creds.access_token.reveal()
    with Client(creds, config, on_tokens=lambda c: saved.append(c.access_token.reveal())) as c:
        fake.fail("/authorization", "expire", times=1)
        shops = c.get("shops")["shops"]
    assert len(shops) == 1 and c.stats["refreshes"] == 1
    assert saved and saved[-1] != old and saved[-1] in fake.tokens
    codes = [r.code for r in fake.requests_to("/authorization")]
    assert codes == [105002, 0]


def test_token_refreshed_before_expiry(fake, tmp_path, config) -> None:
    fake.add_shop("1", "s", "VN")
    tokens = fake.issue_tokens(access_ttl=60)  # expires within the 600 s margin
    path = write_credentials(tmp_path / "c.json", fake, tokens)
    with Client(load_credentials(path), config) as c:
        c.get("shops")
    assert c.stats["refreshes"] == 1
    assert [r.code for r in fake.log] == [0, 0]  # refresh, then the call: never a 105002
    assert fake.log[0].path == "/api/v2/token/refresh"


def test_revoked_refresh_token_asks_to_reconnect(fake, creds_file, config) -> None:
    fake.refresh_tokens.clear()
    fake.expire_all_access_tokens()
    with Client(load_credentials(creds_file), config) as c, pytest.raises(ApiError) as e:
        c.get("shops")
    assert e.value.key == "tiktok_api.err.reconnect" and "shopradar connect tiktok" in str(e.value)


def test_missing_scope_names_the_permission(fake, tmp_path, config) -> None:
    shop = fake.add_shop("1", "s", "VN")
    tokens = fake.issue_tokens(scopes=frozenset({"seller.order.info", "seller.authorization.info"}))
    path = write_credentials(tmp_path / "c.json", fake, tokens)
    with Client(load_credentials(path), config) as c, pytest.raises(ApiError) as e:
        c.get("shop_performance", shop_cipher=shop.shop["cipher"],
              query={"start_date_ge": "2025-01-01", "end_date_lt": "2025-01-02"})
    assert e.value.key == "tiktok_api.err.scope"
    assert "data.shop_analytics.public.read" in str(e.value) and "Partner Center" in str(e.value)


@pytest.mark.parametrize(("code", "message", "key", "words"), [
    (36009033, "ip not allowed", "tiktok_api.err.ip", "allow-list"),
    (101000, "user type mismatch", "tiktok_api.err.wrong_user", "seller account"),
    (36009009, "invalid path", "tiktok_api.err.path", "SHOPRADAR_TIKTOK_ENDPOINTS"),
    (36009004, "invalid app_key", "tiktok_api.err.app_key", "SHOPRADAR_TIKTOK_APP_KEY"),
    (105001, "invalid access token", "tiktok_api.err.token_invalid", "connect tiktok"),
    (12052180, "too many results", "tiktok_api.err.too_many_results", "10,000"),
    (4242, "something new", "tiktok_api.err.other", "4242"),
])
def test_error_codes_become_seller_messages(client, fake, code, message, key, words) -> None:
    fake.fail("/authorization", "code", code=code, message=message)
    with pytest.raises(ApiError) as e:
        client.get("shops")
    assert e.value.key == key and words in str(e.value)
    assert "\n" not in str(e.value)
    from shopradar.i18n import t

    assert t(key, lang="zh", **e.value.params) != str(e.value)  # a Chinese message exists too


def test_bad_base_url_is_a_config_error(creds_file) -> None:
    with Client(load_credentials(creds_file), ClientConfig(api_base="ftp://x", auth_base="ftp://x")) as c, \
            pytest.raises(ConfigError):
        c.get("shops")
