"""Which languages' rules to run on a text.

Fast and deliberately simple (it runs on every listing): kana → Japanese; Han characters → Chinese; Latin
text is scored by function words and letters that only some languages use. CJK listings mix in English
("美白 serum No.1"), so English rules also run on them; Latin text with no clear signal (a bare title such
as "Vitamin C Serum 30ml") runs the rules of every Latin-script language.
"""

from __future__ import annotations

import re

__all__ = ["LATIN", "detect_langs"]

LATIN: tuple[str, ...] = ("en", "es", "pt", "de", "fr", "it")

_KANA = re.compile(r"[\u3040-\u30ff\uff66-\uff9f]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[a-z]+")
# kanji forms used in Japanese but not in Simplified Chinese (効 vs 效, 剤 vs 剂, 薬 vs 药 …)
_JA_KANJI = re.compile("[効剤薬広売気円楽読転発験様対関価済変実図恵悩込払営]")

_STOP: dict[str, tuple[str, ...]] = {
    "en": ("the", "and", "for", "with", "your", "you", "this", "is", "it", "my", "to", "of", "our", "will", "get",
           "all", "from", "are", "just", "now", "no", "one", "be", "have", "was", "in", "on", "off", "only", "so",
           "what", "day", "days", "free", "out", "can", "that", "these", "skin", "hair", "her", "his",
           "women", "men", "kids", "set", "pack", "new", "like", "i", "me", "we", "at", "or", "by", "an", "up"),
    "es": ("el", "la", "los", "las", "del", "y", "para", "con", "tu", "que", "es", "por", "una", "un", "mas",
           "sin", "tus", "su", "sus", "al", "lo", "muy", "esta", "este", "como", "piel", "cabello", "mujer",
           "hombre", "ninos", "dias", "solo", "hoy", "ya", "envio", "gratis", "mi", "te", "se", "nuestro"),
    "pt": ("o", "os", "as", "do", "da", "dos", "das", "e", "para", "com", "seu", "sua", "que", "em", "por", "uma",
           "um", "nao", "voce", "sem", "no", "na", "nos", "mais", "muito", "pele", "cabelo", "mulher", "homem",
           "criancas", "dias", "so", "hoje", "frete", "gratis", "meu", "minha", "ja", "isso", "esse", "essa"),
    "de": ("der", "die", "das", "und", "fur", "mit", "ist", "ein", "eine", "nicht", "dein", "deine", "ihr", "zu",
           "auf", "von", "sie", "ohne", "sich", "den", "dem", "des", "im", "nur", "auch", "haut", "haare", "damen",
           "herren", "kinder", "tage", "heute", "jetzt", "wie", "ich", "wir", "fuer", "bei", "aus", "mehr", "tagen",
           "wochen", "nach", "sehr", "gegen", "meine", "mein", "wirklich", "schon", "endlich"),
    "fr": ("le", "la", "les", "des", "du", "et", "pour", "avec", "votre", "vos", "est", "une", "un", "au", "aux",
           "pas", "sans", "qui", "ce", "cette", "sur", "dans", "tres", "peau", "cheveux", "femme", "homme",
           "enfants", "jours", "seulement", "aujourd", "hui", "je", "mon", "ma", "mes", "nous", "vous", "plus"),
    "it": ("il", "lo", "gli", "di", "del", "della", "e", "per", "con", "tuo", "tua", "che", "un", "una", "non",
           "senza", "dei", "delle", "nel", "nella", "sono", "molto", "pelle", "capelli", "donna", "uomo",
           "bambini", "giorni", "solo", "oggi", "mio", "mia", "ho", "anche", "questo", "questa", "piu", "gratis",
           "da", "in", "set", "al", "alla", "sul"),
}
_WEIGHT: dict[str, dict[str, float]] = {}
for _lang, _words in _STOP.items():
    for _w in _words:
        _WEIGHT.setdefault(_w, {})
for _w, _d in _WEIGHT.items():
    _owners = [lang for lang, words in _STOP.items() if _w in words]
    for _lang in _owners:
        _d[_lang] = 1.0 / len(_owners)

# letters that point at a language (looked for in the original text, before accents are removed)
_MARKS: dict[str, str] = {
    "ñ": "es", "¿": "es", "¡": "es",
    "ã": "pt", "õ": "pt", "ç": "pt fr", "ê": "pt fr", "ô": "pt fr", "â": "pt fr", "á": "es pt", "í": "es pt it",
    "ó": "es pt it", "ú": "es pt", "é": "es pt fr it",
    "ß": "de", "ä": "de", "ö": "de", "ü": "de",
    "è": "fr it", "à": "fr it pt", "ù": "fr it", "î": "fr", "œ": "fr", "ë": "fr", "ï": "fr",
    "ì": "it", "ò": "it",
}


_MARK_SET = frozenset(_MARKS)


def detect_langs(original: str, normalized: str) -> tuple[str, ...]:
    """Languages whose rules should run on this text, most likely first."""
    if _KANA.search(original):
        return ("ja", "en")
    if _HAN.search(original):
        if _JA_KANJI.search(original):
            return ("ja", "zh", "en")  # kanji-only Japanese ("精力剤 男性用") carries Japanese-only forms
        return ("zh", "en")
    scores = dict.fromkeys(LATIN, 0.0)
    for word in _WORD.findall(normalized[:4000]):
        w = _WEIGHT.get(word)
        if w:
            for lang, s in w.items():
                scores[lang] += s
    if not original.isascii():
        head = original[:4000].lower()
        for ch in _MARK_SET.intersection(head):
            split = _MARKS[ch].split()
            for lang in split:
                scores[lang] += 1.5 * head.count(ch) / len(split)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    _best, top = ranked[0]
    if top < 2.0:
        return LATIN  # no clear signal: run every Latin-script language
    chosen = [lang for lang, s in ranked if s >= 0.6 * top]
    if "en" not in chosen:
        chosen.append("en")  # English marketing words turn up in every market's listings
    return tuple(chosen)
