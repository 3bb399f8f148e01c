"""``shopradar demo``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.panel import Panel
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from shopradar.cli.app import app, h
from shopradar.cli.common import DbOpt, LangOpt, console, use_lang
from shopradar.demo import STEPS, DemoSummary, run_demo
from shopradar.i18n import get_lang, t


@app.command("demo", help=h("demo.help"))
def demo_cmd(
    db: DbOpt = None,
    lang: LangOpt = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help=h("demo.opt.seed"))] = 7,
) -> None:
    use_lang(lang)
    console.print(t("demo.intro"))
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        tasks = {name: bar.add_task(t(f"demo.step.{name}"), total=None, start=False) for name in STEPS}
        current: list[str] = []

        def on_step(name: str) -> None:
            if current:
                done = tasks[current[-1]]
                bar.update(done, total=1, completed=1)
            current.append(name)
            bar.start_task(tasks[name])

        def progress(step: str, done: int, total: int) -> None:
            if current and total:
                bar.update(tasks[current[-1]], total=total, completed=done)

        summary = run_demo(db, seed=seed, progress=progress, on_step=on_step)
        for name in current:
            bar.update(tasks[name], total=1, completed=1)
    _print_summary(summary)


def _money(value: object) -> str:
    v = float(value)  # type: ignore[arg-type]
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(v) >= div:
            return f"${v / div:,.2f}{suffix}"
    return f"${v:,.0f}"


def _print_summary(s: DemoSummary) -> None:
    zh = get_lang() == "zh"
    console.print(t("demo.done", seconds=f"{s.total_seconds:.1f}", path=str(s.path)))
    console.print(t("demo.period", start=s.start, end=s.end, seed=s.seed,
                    products=f"{s.rows.get('product', 0):,}", snapshots=f"{s.rows.get('product_snapshot', 0):,}",
                    videos=f"{s.rows.get('video', 0):,}", lives=f"{s.rows.get('live', 0):,}"))
    table = RichTable(title=t("demo.headline.title"), header_style="bold")
    for key in ("market", "products", "gmv", "bounds", "truth", "error", "peak", "top"):
        table.add_column(t(f"demo.col.{key}"), justify="left" if key in ("market", "top", "peak") else "right")
    for m in s.markets:
        top = f"{m.top_category_zh if zh else m.top_category_en} ({m.top_category_share:.0%})"
        table.add_row(m.market, f"{m.products:,}", _money(m.gmv_usd),
                      f"{_money(m.gmv_usd_lower)} – {_money(m.gmv_usd_upper)}", _money(m.true_gmv_usd),
                      f"{m.error:+.1%}" + (" ✓" if m.truth_inside else " ✗"), m.peak_month, top)
    console.print(table)
    console.print(t("demo.headline.note"))
    if s.opportunities:
        opp = RichTable(title=t("demo.opps.title"), header_style="bold")
        opp.add_column("#", justify="right")
        opp.add_column(t("demo.col.reason"))
        for i, row in enumerate(s.opportunities[:5], 1):
            text = row.get("explanation_zh" if zh else "explanation_en") or ""
            opp.add_row(str(i), text)
        console.print(opp)
    console.print(Panel(t("demo.next"), title=t("demo.next.title"), expand=False))
