"""Signing and webhook verification, locked by the official test vectors."""

from __future__ import annotations

import pytest
from tts_server import reference_sign

from shopradar.sources.tiktok_api import sign, verify_webhook, webhook_signature

# [DOC-SIGN] "Get Authorized Shops" example (official)
OFFICIAL = ("e59af819cc", "/authorization/202309/shops", {"app_key": "29a39d", "timestamp": "1623812664"}, b"",
            "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8")
# EcomPHP tests/ClientTest.php::testPrepareSignature
ECOMPHP = ("app_secret", "/test-api", {"foo": "bar"}, b"",
           "d3cb7fe11ecae942802ceeca67e7cf10120cc12f1517d45fbc1c8cfe5413c80f")
# self-generated regression vector for body handling (not official)
BODY = ("e59af819cc", "/event/202309/webhooks",
        {"app_key": "68xu9ks5p4i8", "shop_cipher": "ROW_xkMbgAAAeVAQra0eZWebFQq5aIK", "timestamp": "1696909648"},
        b'{"address":"https://partner.tiktokshop.com","event_type":"PACKAGE_UPDATE"}',
        "cd0d6268252f4ba293bf7ea4c0a2873bf9beec600d22530638564ab301435f7a")

WEBHOOK_BODY = (b'{"type":1,"tts_notification_id":"7380066284010030890","shop_id":"7495540735365777507",'
                b'"timestamp":1718305585,"data":{"is_on_hold_order":true,"order_id":"576653688135258178",'
                b'"order_status":"UNPAID","update_time":1718305585}}')
WEBHOOK_SIG = "5dec0f11ec2f6783b8deee53c9ffbf8d024302f7c7e7fa55a35d17629031ac05"


@pytest.mark.parametrize("vector", [OFFICIAL, ECOMPHP, BODY], ids=["official", "ecomphp", "body"])
def test_sign_matches_vectors(vector) -> None:
    secret, path, query, body, expected = vector
    assert sign(secret, path, query, body) == expected
    # the loopback server's independent implementation agrees, so its checks mean something
    assert reference_sign(secret, path, query, body) == expected


def test_sign_excludes_sign_and_access_token_and_sorts_keys() -> None:
    secret, path, query, body, expected = OFFICIAL
    noisy = {"timestamp": query["timestamp"], "sign": "zzz", "access_token": "tok", "app_key": query["app_key"]}
    assert sign(secret, path, noisy, body) == expected


def test_sign_changes_with_every_input() -> None:
    secret, path, query, body, expected = BODY
    assert sign(secret + "x", path, query, body) != expected
    assert sign(secret, path + "x", query, body) != expected
    assert sign(secret, path, {**query, "timestamp": "1696909649"}, body) != expected
    assert sign(secret, path, query, body + b" ") != expected
    # multipart bodies are not signed
    assert sign(secret, path, query, body, "multipart/form-data; boundary=x") == sign(secret, path, query, b"")


def test_webhook_official_vector() -> None:
    assert webhook_signature("abcdef", "123", WEBHOOK_BODY) == WEBHOOK_SIG
    assert verify_webhook("abcdef", "123", WEBHOOK_BODY, WEBHOOK_SIG)
    assert verify_webhook("abcdef", "123", WEBHOOK_BODY, WEBHOOK_SIG.upper() + "\n")


@pytest.mark.parametrize("tamper", ["body", "key", "secret", "sig", "empty"])
def test_webhook_rejects_tampering(tamper: str) -> None:
    body, key, secret, sig = WEBHOOK_BODY, "abcdef", "123", WEBHOOK_SIG
    if tamper == "body":
        body = body.replace(b"UNPAID", b"PAID")
    elif tamper == "key":
        key = "abcdeg"
    elif tamper == "secret":
        secret = "124"
    elif tamper == "sig":
        sig = sig[:-1] + ("0" if sig[-1] != "0" else "1")
    else:
        sig = ""
    assert not verify_webhook(key, secret, body, sig)
