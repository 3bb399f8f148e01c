"""App key/secret, tokens and authorized shops: from the environment or a 0600 file.

Where they come from, in order (later wins for each field):

1. the credentials file: ``--credentials``, else ``$SHOPRADAR_TIKTOK_CREDENTIALS``, else
   ``$XDG_CONFIG_HOME/shopradar/tiktok.json`` (``~/.config/shopradar/tiktok.json``);
   it must be readable by its owner only (mode 0600) — a looser file is refused;
2. environment variables ``SHOPRADAR_TIKTOK_APP_KEY``, ``SHOPRADAR_TIKTOK_APP_SECRET``,
   ``SHOPRADAR_TIKTOK_SERVICE_ID``, ``SHOPRADAR_TIKTOK_ACCESS_TOKEN``,
   ``SHOPRADAR_TIKTOK_REFRESH_TOKEN``.

Tokens obtained by ``connect`` or refreshed during a sync are written back to the file,
atomically, created with mode 0600.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shopradar.errors import ConfigError
from shopradar.sources.tiktok_api.secrets import Secret

__all__ = ["AuthorizedShop", "Credentials", "credentials_path", "load_credentials", "save_credentials"]

ENV_FILE = "SHOPRADAR_TIKTOK_CREDENTIALS"
ENV_APP_KEY = "SHOPRADAR_TIKTOK_APP_KEY"
ENV_APP_SECRET = "SHOPRADAR_TIKTOK_APP_SECRET"
ENV_SERVICE_ID = "SHOPRADAR_TIKTOK_SERVICE_ID"
ENV_ACCESS_TOKEN = "SHOPRADAR_TIKTOK_ACCESS_TOKEN"
ENV_REFRESH_TOKEN = "SHOPRADAR_TIKTOK_REFRESH_TOKEN"


@dataclass
class AuthorizedShop:
    """One shop the seller authorized: ``cipher`` is the ``shop_cipher`` of every shop call."""

    id: str
    name: str
    region: str
    cipher: str
    seller_type: str = ""
    code: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "region": self.region, "cipher": self.cipher,
                "seller_type": self.seller_type, "code": self.code}


@dataclass
class Credentials:
    app_key: str = ""
    app_secret: Secret | None = None
    service_id: str = ""
    access_token: Secret | None = None
    access_token_expires_at: int | None = None
    refresh_token: Secret | None = None
    refresh_token_expires_at: int | None = None
    seller_name: str = ""
    seller_base_region: str = ""
    granted_scopes: list[str] = field(default_factory=list)
    shops: list[AuthorizedShop] = field(default_factory=list)
    path: Path | None = None

    def __repr__(self) -> str:  # never show secrets, even in a debugger dump
        return (f"Credentials(app_key={self.app_key!r}, path={self.path!s}, shops={len(self.shops)}, "
                f"access_token={'set' if self.access_token else 'unset'})")

    def require_app(self) -> None:
        if not self.app_key or not self.app_secret:
            raise ConfigError("tiktok_api.no_app", path=str(self.path or credentials_path(None)),
                              env_key=ENV_APP_KEY, env_secret=ENV_APP_SECRET)

    def require_tokens(self) -> None:
        self.require_app()
        if not self.access_token and not self.refresh_token:
            raise ConfigError("tiktok_api.not_connected")

    def to_dict(self) -> dict[str, Any]:
        def rv(s: Secret | None) -> str | None:
            return s.reveal() if s else None

        return {
            "app_key": self.app_key, "app_secret": rv(self.app_secret), "service_id": self.service_id,
            "access_token": rv(self.access_token), "access_token_expires_at": self.access_token_expires_at,
            "refresh_token": rv(self.refresh_token), "refresh_token_expires_at": self.refresh_token_expires_at,
            "seller_name": self.seller_name, "seller_base_region": self.seller_base_region,
            "granted_scopes": list(self.granted_scopes), "shops": [s.to_dict() for s in self.shops],
        }


def credentials_path(path: str | os.PathLike[str] | None) -> Path:
    if path:
        return Path(path).expanduser()
    env = os.environ.get(ENV_FILE)
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "shopradar" / "tiktok.json"


def _check_mode(path: Path) -> None:
    if os.name == "nt":  # pragma: no cover - POSIX permissions only
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError("tiktok_api.credentials_mode", path=str(path), mode=f"{mode:04o}")


def _secret(value: Any) -> Secret | None:
    return Secret(str(value)) if value not in (None, "") else None


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def load_credentials(path: str | os.PathLike[str] | None = None, *, env: dict[str, str] | None = None) -> Credentials:
    """Credentials from the file (if it exists) overlaid with the environment."""
    env = dict(os.environ) if env is None else env
    file = credentials_path(path)
    data: dict[str, Any] = {}
    if file.exists():
        if file.is_dir():
            raise ConfigError("tiktok_api.credentials_bad", path=str(file), error="is a folder")
        _check_mode(file)
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            # the message names the position only: never echo the file's content
            where = f"line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else type(exc).__name__
            raise ConfigError("tiktok_api.credentials_bad", path=str(file), error=where) from None
        if not isinstance(data, dict):
            raise ConfigError("tiktok_api.credentials_bad", path=str(file), error="not a JSON object")
    shops = []
    for raw in data.get("shops") or []:
        if isinstance(raw, dict) and raw.get("cipher"):
            shops.append(AuthorizedShop(id=str(raw.get("id", "")), name=str(raw.get("name", "")),
                                        region=str(raw.get("region", "")), cipher=str(raw["cipher"]),
                                        seller_type=str(raw.get("seller_type", "")), code=str(raw.get("code", ""))))
    creds = Credentials(
        app_key=str(data.get("app_key") or ""), app_secret=_secret(data.get("app_secret")),
        service_id=str(data.get("service_id") or ""),
        access_token=_secret(data.get("access_token")),
        access_token_expires_at=_int(data.get("access_token_expires_at")),
        refresh_token=_secret(data.get("refresh_token")),
        refresh_token_expires_at=_int(data.get("refresh_token_expires_at")),
        seller_name=str(data.get("seller_name") or ""), seller_base_region=str(data.get("seller_base_region") or ""),
        granted_scopes=[str(s) for s in data.get("granted_scopes") or []], shops=shops, path=file,
    )
    if env.get(ENV_APP_KEY):
        creds.app_key = env[ENV_APP_KEY]
    if env.get(ENV_APP_SECRET):
        creds.app_secret = Secret(env[ENV_APP_SECRET])
    if env.get(ENV_SERVICE_ID):
        creds.service_id = env[ENV_SERVICE_ID]
    if env.get(ENV_ACCESS_TOKEN):
        creds.access_token = Secret(env[ENV_ACCESS_TOKEN])
        creds.access_token_expires_at = None
    if env.get(ENV_REFRESH_TOKEN):
        creds.refresh_token = Secret(env[ENV_REFRESH_TOKEN])
    return creds


def save_credentials(creds: Credentials, path: str | os.PathLike[str] | None = None) -> Path:
    """Write ``creds`` atomically to a file of mode 0600 (its folder 0700 when created)."""
    file = Path(path).expanduser() if path else (creds.path or credentials_path(None))
    try:
        file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".tiktok-", suffix=".tmp", dir=file.parent)
    except OSError as exc:
        raise ConfigError("tiktok_api.credentials_write", path=str(file),
                          error=exc.strerror or type(exc).__name__) from None
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(creds.to_dict(), fh, indent=2, ensure_ascii=False)
        os.replace(tmp, file)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ConfigError("tiktok_api.credentials_write", path=str(file),
                          error=exc.strerror or type(exc).__name__) from None
    creds.path = file
    return file
