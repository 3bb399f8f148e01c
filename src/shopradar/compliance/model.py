"""The rule-pack schema (validated with Pydantic) and the findings the checker reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "ALL_MARKETS",
    "FAMILIES",
    "LANGS",
    "MARKET_GROUPS",
    "SEVERITIES",
    "Basis",
    "Finding",
    "PackSpec",
    "RuleSpec",
    "expand_markets",
]

# Markets shipped packs cover (ISO codes; the UK is GB).
ALL_MARKETS: tuple[str, ...] = ("US", "GB", "DE", "FR", "IT", "ES", "IE", "MX", "BR", "JP",
                                "ID", "TH", "VN", "MY", "PH", "SG")
MARKET_GROUPS: dict[str, tuple[str, ...]] = {
    "ALL": ALL_MARKETS,
    "EU": ("DE", "FR", "IT", "ES", "IE"),
    "SEA": ("ID", "TH", "VN", "MY", "PH", "SG"),
    "UK": ("GB",),
    "LATAM": ("MX", "BR"),
}
LANGS: tuple[str, ...] = ("en", "zh", "es", "pt", "de", "fr", "it", "ja")
SEVERITIES: tuple[str, ...] = ("block", "warn", "info")
SEVERITY_RANK = {"block": 0, "warn": 1, "info": 2}
FAMILIES: tuple[str, ...] = (
    "product",                # prohibited and restricted products, incl. country-specific items
    "medical",                # disease claims: cure, treat, prevent
    "efficacy",               # exaggerated efficacy: miracle, instant, guaranteed results
    "before_after",           # before/after and time-to-result claims
    "weight_loss",            # weight-loss / fat-burning / body-transformation claims
    "supplement_disclaimer",  # supplement claims without the legally required statement
    "superlative",            # absolute and superlative claims (极限词, best, #1, 100% guaranteed)
    "price",                  # misleading price claims (fake reference price, fake urgency)
    "endorsement",            # undisclosed paid or gifted endorsements, incentivised reviews
    "sexual",                 # sexualised display wording
    "minors",                 # products for or content with minors
    "ip",                     # IP misuse and counterfeit signals
)

Severity = Literal["block", "warn", "info"]


def expand_markets(codes: list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """``["EU", "US"]`` → ``("DE", "FR", "IT", "ES", "IE", "US")``; unknown codes raise ValueError."""
    if not codes:
        return ALL_MARKETS
    out: list[str] = []
    for raw in codes:
        for part in str(raw).replace(";", ",").split(","):
            code = part.strip().upper()
            if not code:
                continue
            group = MARKET_GROUPS.get(code)
            if group is not None:
                out.extend(group)
            elif code in ALL_MARKETS:
                out.append(code)
            else:
                raise ValueError(code)
    return tuple(dict.fromkeys(out))


class _Text(BaseModel):
    """A text every person reads: English and Simplified Chinese."""

    model_config = ConfigDict(extra="forbid")
    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)


class Basis(BaseModel):
    """Why a rule exists: a TikTok Shop policy or a law, with where to read it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["tiktok", "law", "guidance", "practice"]
    cite: str = Field(min_length=3)
    url: str | None = None
    checked: dt.date | None = None  # last date the source was read
    note: str | None = None  # e.g. "secondary source", "unverified: re-check"


class RuleSpec(BaseModel):
    """One rule of a pack, as written in YAML."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[A-Z0-9][A-Z0-9_.\-]*$")
    family: Literal[FAMILIES]  # type: ignore[valid-type]
    severity: Severity = "warn"
    markets: list[str] | None = None
    title: _Text | None = None
    fix: _Text | None = None
    basis: list[Basis] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)
    terms: list[str] = Field(default_factory=list)
    exceptions: list[str] = Field(default_factory=list)
    unless_text: list[str] = Field(default_factory=list)
    only_if_text: list[str] = Field(default_factory=list)
    skip_contexts: list[str] = Field(default_factory=list)
    only_contexts: list[str] = Field(default_factory=list)
    disabled: bool = False

    @field_validator("markets")
    @classmethod
    def _markets(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        try:
            return list(expand_markets(value))
        except ValueError as exc:
            raise ValueError(f"unknown market {exc.args[0]!r} (use {', '.join((*MARKET_GROUPS, *ALL_MARKETS))})") \
                from None

    @model_validator(mode="after")
    def _complete(self) -> RuleSpec:
        if self.disabled:
            return self
        if not self.patterns and not self.terms:
            raise ValueError("a rule needs 'patterns' or 'terms'")
        if self.title is None or self.fix is None:
            raise ValueError("a rule needs 'title' and 'fix', each with 'en' and 'zh'")
        if not self.basis:
            raise ValueError("a rule needs at least one 'basis' (policy or law)")
        return self


class PackSpec(BaseModel):
    """A rule pack file."""

    model_config = ConfigDict(extra="forbid")
    pack: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    lang: Literal["en", "zh", "es", "pt", "de", "fr", "it", "ja", "*"]
    markets: list[str] = Field(default_factory=lambda: list(ALL_MARKETS))
    title: _Text
    lists: dict[str, list[str]] = Field(default_factory=dict)
    rules: list[RuleSpec] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _drop_extensions(cls, data: Any) -> Any:
        # top-level keys starting with "x-" hold YAML anchors (shared basis entries) and are ignored
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not str(k).startswith("x-")}
        return data

    @field_validator("markets")
    @classmethod
    def _markets(cls, value: list[str]) -> list[str]:
        try:
            return list(expand_markets(value))
        except ValueError as exc:
            raise ValueError(f"unknown market {exc.args[0]!r}") from None


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the checker found in one text."""

    text_id: str
    start: int                     # span in the original text, [start, end)
    end: int
    match: str                     # the original text of the span
    rule_id: str
    family: str
    severity: str
    markets: tuple[str, ...]
    title: dict[str, str]
    fix: dict[str, str]
    basis: tuple[Basis, ...]
    lang: str                      # language of the rule that matched ('*' = any)
    pack: str
    more: int = 0                  # further occurrences of the same rule in this text, not listed
    excerpt: str = field(default="", compare=False)

    def row(self, lang: str = "en") -> dict[str, Any]:
        """A flat record for tables and exports, with texts in ``lang`` (en or zh)."""
        code = "zh" if lang == "zh" else "en"
        return {
            "text_id": self.text_id,
            "severity": self.severity,
            "rule_id": self.rule_id,
            "family": self.family,
            "start": self.start,
            "end": self.end,
            "match": self.match,
            "excerpt": self.excerpt,
            "markets": "ALL" if len(self.markets) == len(ALL_MARKETS) else ",".join(self.markets),
            "title": self.title[code],
            "fix": self.fix[code],
            "basis": "; ".join(_basis_text(b) for b in self.basis),
            "more": self.more,
        }


def _basis_text(b: Basis) -> str:
    parts = [b.cite]
    if b.url:
        parts.append(b.url)
    if b.checked:
        parts.append(f"checked {b.checked.isoformat()}")
    return " — ".join(parts)
