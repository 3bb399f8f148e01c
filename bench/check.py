"""Compliance checker throughput: listings per second on one core with every shipped pack loaded.

    nice python bench/check.py                 # 20,000 listings, 3 timed runs
    nice python bench/check.py --listings 5000 --runs 1

A listing is a title plus a description (about 250–600 characters), built deterministically from the texts of
the evaluation set (tests/data/compliance/eval.csv: 8 languages, a third clean) and plain filler sentences in
the same language, so a minority of the listings carry a finding, as in a real catalog. Times are CPU
seconds of the process (the benchmark machine is shared, so wall time would count other people's work). Prints: pack
load time, listings/s (median of the runs), characters/s, the ratio against a baseline run in the same process
(the same checker with the keyword prefilter switched off, i.e. every rule's regex on every text), the time
for one 10 MB text, and peak RSS.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO / "tests" / "data" / "compliance" / "eval.csv"

FILLER = {
    "en": ["Made of soft, breathable cotton for everyday wear.", "Machine washable, dries quickly.",
           "Available in five colours and sizes S to XXL.", "Ships from our US warehouse.",
           "Please check the size chart before ordering.", "Package includes one item and a gift box."],
    "zh": ["采用优质面料,柔软透气,日常百搭。", "可机洗,快干不变形。", "多种颜色和尺码可选。", "国内仓发货,物流快。",
           "下单前请查看尺码表。", "包装内含一件商品和礼盒。"],
    "es": ["Hecho de algodón suave y transpirable.", "Se puede lavar a máquina.", "Disponible en cinco colores.",
           "Envío desde nuestro almacén local.", "Consulta la tabla de tallas antes de comprar."],
    "pt": ["Feito de algodão macio e respirável.", "Pode ser lavado na máquina.", "Disponível em cinco cores.",
           "Enviado do nosso armazém no Brasil.", "Confira a tabela de medidas antes de comprar."],
    "de": ["Aus weicher, atmungsaktiver Baumwolle.", "Maschinenwaschbar und schnell trocken.",
           "In fünf Farben erhältlich.", "Versand aus unserem Lager in Deutschland.",
           "Bitte die Größentabelle beachten."],
    "fr": ["En coton doux et respirant.", "Lavable en machine.", "Disponible en cinq coloris.",
           "Expédié depuis notre entrepôt en France.", "Consultez le guide des tailles avant de commander."],
    "it": ["In cotone morbido e traspirante.", "Lavabile in lavatrice.", "Disponibile in cinque colori.",
           "Spedito dal nostro magazzino in Italia.", "Controlla la tabella taglie prima di ordinare."],
    "ja": ["柔らかく通気性のある綿素材です。", "洗濯機で洗えます。", "5色からお選びいただけます。",
           "国内倉庫から発送します。", "ご注文前にサイズ表をご確認ください。"],
}


def listings(n: int, seed: int = 7) -> list[str]:
    with EVAL.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rnd = random.Random(seed)
    clean = [r for r in rows if not r["families"]]
    out = []
    for _ in range(n):
        title = rnd.choice(rows) if rnd.random() < 0.3 else rnd.choice(clean)
        filler = FILLER[title["lang"]]
        sentences = rnd.sample(filler, k=min(len(filler), rnd.randint(3, 5)))
        if rnd.random() < 0.1:  # the claim sits in the description, not the title
            body = [*sentences[:2], rnd.choice([r for r in rows if r["lang"] == title["lang"]])["text"], *sentences[2:]]
        else:
            body = sentences
        out.append(title["text"] + "\n" + " ".join(body * 2))
    return out


def run(checker, texts: list[str]) -> tuple[float, int]:
    """CPU seconds of this process (the machine is shared: wall time would count other people's work)."""
    start = time.process_time()
    found = 0
    for t in texts:
        found += len(checker.check(t))
    return time.process_time() - start, found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--listings", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--baseline", type=int, default=2_000, help="listings for the no-prefilter baseline")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    from shopradar.compliance import load_packs
    from shopradar.compliance.checker import Checker

    rs = load_packs()
    checker = Checker(rs)
    load_s = time.perf_counter() - t0
    texts = listings(args.listings)
    chars = sum(len(t) for t in texts)
    run(checker, texts[:500])  # warm the per-market plans and caches
    times, found = [], 0
    for _ in range(args.runs):
        dt, found = run(checker, texts)
        times.append(dt)
    med = statistics.median(times)
    flagged = sum(1 for t in texts[:2000] if checker.check(t))

    base = Checker(rs)
    base._automaton = None  # every rule's regex on every text
    sub = texts[: args.baseline]
    run(base, sub[:200])
    base_dt, _ = run(base, sub)
    fast_dt, _ = run(checker, sub)

    big = ("Soft cotton tee, breathable. " * 2100 + "This cream cures eczema. ") * 170
    tb = time.process_time()
    checker.check(big)
    big_s = time.process_time() - tb

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rules: {len(rs.rules)} in {len(rs.packs)} packs, loaded in {load_s:.2f} s (cold, incl. imports)")
    print(f"listings: {len(texts):,}, mean {chars / len(texts):.0f} chars, {flagged / min(2000, len(texts)):.0%} "
          f"flagged, {found:,} findings per run")
    print(f"throughput: {len(texts) / med:,.0f} listings/s, {chars / med / 1e6:.2f} M chars/s "
          f"(CPU time, median of {args.runs} runs: {', '.join(f'{t:.2f}' for t in times)} s)")
    print(f"baseline without prefilter: {len(sub) / base_dt:,.0f} listings/s; prefilter speed-up "
          f"{base_dt / fast_dt:.1f}x")
    print(f"one 10 MB text: {big_s:.2f} s")
    print(f"peak RSS: {rss_mb:.0f} MB")
    print(f"python {sys.version.split()[0]}, one process (one core)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
