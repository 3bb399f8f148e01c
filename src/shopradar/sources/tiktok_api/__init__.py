"""The seller's own shop through the TikTok Shop Partner API (issue #9).

Python API::

    from shopradar.sources.tiktok_api import authorization_url, connect, sync, sign, verify_webhook
    url, state = authorization_url("VN")          # the seller opens it and comes back with ?code=…
    connect(code)                                 # tokens + authorized shops → credentials file (0600)
    sync(wh, shop=None, since=None)               # orders, products, finance, analytics → warehouse
"""

from shopradar.sources.tiktok_api.client import Client, ClientConfig
from shopradar.sources.tiktok_api.credentials import (
    AuthorizedShop,
    Credentials,
    credentials_path,
    load_credentials,
    save_credentials,
)
from shopradar.sources.tiktok_api.oauth import ConnectResult, authorization_url, connect, parse_code
from shopradar.sources.tiktok_api.signing import sign, verify_webhook, webhook_signature
from shopradar.sources.tiktok_api.sync import RESOURCES, SyncOptions, SyncReport, sync

# prefixed names for the top-level ``shopradar`` namespace (``shopradar.tiktok_sync(wh)``)
tiktok_authorization_url = authorization_url
tiktok_connect = connect
tiktok_sync = sync
tiktok_sign = sign
tiktok_verify_webhook = verify_webhook

__all__ = ["RESOURCES", "AuthorizedShop", "Client", "ClientConfig", "ConnectResult", "Credentials",
           "SyncOptions", "SyncReport", "authorization_url", "connect", "credentials_path", "load_credentials",
           "parse_code", "save_credentials", "sign", "sync", "tiktok_authorization_url", "tiktok_connect",
           "tiktok_sign", "tiktok_sync",
           "tiktok_verify_webhook", "verify_webhook", "webhook_signature"]
