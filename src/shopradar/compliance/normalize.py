"""Text normalization that defeats simple evasion while keeping spans on the original text.

Rules match against a *normalized view* of a text:

* compatibility forms folded (NFKC): full-width ``ｃｕｒｅ`` → ``cure``, ``①`` → ``1``, ideographic space → space;
* case folded (``CURE`` → ``cure``, ``ß`` → ``ss``) and accents removed from Latin letters (``é`` → ``e``);
  Japanese voiced kana keep their marks (``が`` stays ``が``);
* invisible format characters removed (zero-width space, soft hyphen, BOM), control characters → space;
* look-alike Cyrillic/Greek letters mapped to Latin (``сure`` with a Cyrillic ``с``);
* letters spelled out with separators joined (``c u r e``, ``c.u.r.e``, ``c-u-r-e``; ``减 肥``).

A second view, built only when a text has such tokens, also undoes digit/symbol spelling inside words
(``cur3`` → ``cure``, ``m1racle`` → ``miracle``, ``$lim`` → ``slim``); numbers that stand alone (``#1``, ``100%``,
``5kg``, ``1:1``) are left alone in it.

:class:`Normalized` keeps, for every character of the view, the index of the original character it came
from, so a match in the view maps back to the exact span of the text the seller wrote.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Normalized", "normalize", "normalize_pattern"]

_CONFUSABLES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ӏ": "l", "ү": "y",
    # Greek
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x", "η": "n",
}

class _Table(dict):
    """ord -> normalized text, filled on first sight of a character (str.translate looks it up in C)."""

    def __missing__(self, code: int) -> str:
        value = _norm_char(chr(code))
        if len(self) < 200_000:
            self[code] = value
            if len(value) != 1:
                _ODD.add(chr(code))
        return value


_TABLE = _Table()
_ODD: set[str] = set()  # characters whose normalized form is not exactly one character


def _norm_char(ch: str) -> str:
    """The normalized form of one character (may be empty or longer than one character)."""
    cat = unicodedata.category(ch)
    if cat == "Cf":
        return ""
    if cat == "Cc":
        return " "
    folded = unicodedata.normalize("NFKC", ch).casefold()
    out = []
    for c in folded:
        c = _CONFUSABLES.get(c, c)
        if c.isascii():
            out.append(c)
            continue
        decomposed = unicodedata.normalize("NFD", c)
        base = decomposed[0]
        if base.isascii() and base.isalpha():
            out.append(base)  # Latin letter with accents: keep the letter only
        elif unicodedata.category(c) in ("Zs", "Zl", "Zp"):
            out.append(" ")
        else:
            out.append(c)
    return "".join(out)


# letters spelled out one by one: "c u r e", "c.u.r.e", "c-u-r-e", "c*u*r*e" (three letters or more)
_SPACED_LATIN = re.compile(r"(?<![a-z0-9])[a-z](?:(?:[ .\-_*·+~]|\. ){1,2}[a-z](?![a-z0-9])){2,}")
_SPACED_SEP = re.compile(r"[ .\-_*·+~]")
# separators between CJK characters: "减 肥", "治.愈"
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
_SPACED_CJK = re.compile(rf"(?<=[{_CJK}])[ .\-_*·+~]{{1,2}}(?=[{_CJK}])")
# a word written with digits or symbols for letters: starts with a letter (or a leet symbol followed by
# three letters), holds at least one digit/symbol and at least two letters
_LEET_TOKEN = re.compile(r"(?<![a-z0-9$@])(?:[a-z][a-z0-9@$!|]*[0-9@$!|][a-z0-9@$!|]*|[0-9@$][a-z]{3,}[a-z0-9]*)")
_LEET_MAP = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a",
                           "$": "s", "!": "i", "|": "l"})
# alphanumeric codes that are not evasion: model numbers, units, "no1", "top10", sizes
_NOT_LEET = re.compile(r"(?:no|nr|top|n)\d+|[a-z]{1,2}\d+[a-z]{0,2}|\w*\d{2,}\w*|\w+\d")


@dataclass(slots=True)
class Normalized:
    """A normalized view of ``original`` and the way back to it."""

    original: str
    text: str
    # index in ``original`` of each character of ``text``; None when they are the same length and aligned
    index: list[int] | None = None
    _deleet: str | None = None
    _deleet_done: bool = False

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` for a view span."""
        if self.index is None:
            return start, end
        if end <= start:
            pos = self.index[start] if start < len(self.index) else len(self.original)
            return pos, pos
        return self.index[start], self.index[end - 1] + 1

    @property
    def deleet(self) -> str | None:
        """The view with digit/symbol spellings undone, or None when the text has none."""
        if not self._deleet_done:
            self._deleet_done = True
            text = self.text
            if any(c in text for c in "0134578@$!|"):
                changed = False
                parts: list[str] = []
                last = 0
                for m in _LEET_TOKEN.finditer(text):
                    token = m.group()
                    if _NOT_LEET.fullmatch(token):
                        continue
                    fixed = token.translate(_LEET_MAP)
                    if fixed != token:
                        parts.append(text[last:m.start()])
                        parts.append(fixed)
                        last = m.end()
                        changed = True
                if changed:
                    parts.append(text[last:])
                    self._deleet = "".join(parts)
        return self._deleet


def normalize(text: str) -> Normalized:
    """Normalize ``text`` for matching (see the module docstring)."""
    if text.isascii():
        view = text.lower()
        index = None
    else:
        view = text.translate(_TABLE)
        if len(view) == len(text) and _ODD.isdisjoint(text):
            index = None
        else:
            index = []
            for i, c in enumerate(text):
                index.extend([i] * len(_TABLE[ord(c)]))
    norm = Normalized(text, view, index)
    _join_spaced(norm)
    return norm


def _join_spaced(norm: Normalized) -> None:
    """Remove the separators of spelled-out letters, updating the index map."""
    text = norm.text
    drops: list[tuple[int, int]] = []
    if " " in text or "." in text or "-" in text or "*" in text or "_" in text or "·" in text or "+" in text \
            or "~" in text:
        for m in _SPACED_LATIN.finditer(text):
            word = _SPACED_SEP.sub("", m.group())
            if len(word) < 3:
                continue
            base = m.start()
            for s in _SPACED_SEP.finditer(m.group()):
                drops.append((base + s.start(), base + s.end()))
        if not text.isascii():
            drops.extend((m.start(), m.end()) for m in _SPACED_CJK.finditer(text))
    if not drops:
        return
    drops.sort()
    keep = bytearray(b"\x01") * len(text)
    for a, b in drops:
        keep[a:b] = bytes(b - a)
    old_index = norm.index if norm.index is not None else range(len(text))
    new_text = []
    new_index = []
    for i, ch in enumerate(text):
        if keep[i]:
            new_text.append(ch)
            new_index.append(old_index[i])
    norm.text = "".join(new_text)
    norm.index = new_index


_ESCAPE_NEXT = set("\\")


def normalize_pattern(pattern: str) -> str:
    """Bring a rule pattern into the form of the normalized view.

    Letters outside escapes are lower-cased, accents dropped and compatibility forms folded, so a pack
    author may write ``Heilt``, ``guérit`` or ``ＮＯ１``; escapes such as ``\\W``, ``\\S``, ``\\b`` and
    ``\\p`` keep their case.
    """
    out: list[str] = []
    escaped = False
    for ch in pattern:
        if escaped:
            out.append(ch)
            escaped = False
            continue
        if ch == "\\":
            out.append(ch)
            escaped = True
            continue
        if ch.isascii():
            out.append(ch.lower())
        else:
            n = _norm_char(ch)
            out.append(re.escape(n) if n in ("", " ") else n)
    return "".join(out)
