"""``disclosure-bot``: the command line.

    disclosure-bot ingest PATH…        load reports (files, folders, globs) into the database
    disclosure-bot reports             list what is stored
    disclosure-bot show AGENCY YEAR    every cell of one report as the template lays it out (--explain: how)
    disclosure-bot audit [AGENCY [YEAR]]  the audit: every finding with its rule and evidence (--summary: CSV)
    disclosure-bot check               the audit's findings, one per line (older name)
    disclosure-bot export              one row per cell, CSV or JSON
    disclosure-bot ask "QUESTION"      answer one question (``-`` reads one per line from stdin)
    disclosure-bot chat                a console conversation
    disclosure-bot serve               the Telegram bot (console chat when no token is configured)
    disclosure-bot backup [PATH]       an online copy of the database, safe while the bot runs

Questions asked with ``ask`` and ``chat`` go into the question log (``/stats`` and
``/unanswered`` in the bot count them); an answer never waits long for the log.
"""

from __future__ import annotations

import json
import sys
import time

import click

from bot.config import load_config
from store.db import Store


class Context:
    def __init__(self, config_file: str | None, db: str | None):
        self.config = load_config(config_file)
        if db:
            self.config["store"]["database"] = db
        self._store: Store | None = None

    def store(self, samples: bool = True) -> Store:
        if self._store is None:
            self._store = Store(self.config["store"]["database"])
            if samples and self.config["store"].get("load_samples", True):
                from store.samples import load_samples_if_empty

                if load_samples_if_empty(self._store):
                    click.echo("(first use: loaded the bundled sample reports)", err=True)
        return self._store


pass_ctx = click.make_pass_decorator(Context)

LOG_WAIT = 2.0  # seconds a question-log write may wait for an ingest's write lock


def log_question(store: Store, question: str, answer, started: float, channel: str = "cli",
                 update_id: int | None = None) -> int | None:
    """Log a question asked on the command line; a busy or read-only database costs only the log row."""
    try:
        return store.log_question(question, answer.status, answer.kind, channel,
                                  ms=int((time.monotonic() - started) * 1000), update_id=update_id, wait=LOG_WAIT)
    except Exception as exc:
        click.echo(f"(the question was not logged: {exc})", err=True)
        return None


@click.group(help=__doc__.split("\n\n")[0] if __doc__ else None)
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None,
              help="Config file (default: $DISCLOSURE_BOT_CONFIG or ./config.toml).")
@click.option("--db", default=None, help="SQLite database (overrides store.database).")
@click.version_option(package_name="disclosure-bot")
@click.pass_context
def cli(ctx, config_file, db):
    """Answer questions about 政府信息公开工作年度报告."""
    try:
        ctx.obj = Context(config_file, db)
    except (FileNotFoundError, ValueError) as exc:
        raise click.ClickException(str(exc))


# ---------------------------------------------------------------------------- ingest

@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--workers", "-w", type=int, default=1, show_default=True,
              help="Parse in N parallel local processes (one process writes the database).")
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False), default=None,
              help="CSV or JSON with path, agency, region, year, source_url for the batch.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where files are parsed: local processes, or a Dask cluster (needs the 'cluster' extra); "
                   "this process writes the database either way.")
@click.option("--scheduler", metavar="ADDRESS", default=None, envvar="DASK_SCHEDULER_ADDRESS",
              help="With --executor dask: the scheduler's address, e.g. tcp://10.0.0.5:8786 "
                   "(default: $DASK_SCHEDULER_ADDRESS).")
@click.option("--in-flight", type=click.IntRange(min=1), default=None, metavar="N",
              help="With --executor dask: files on the cluster at most (default: 8 per worker thread).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@pass_ctx
def ingest(ctx: Context, paths, workers, manifest, executor, scheduler, in_flight, quiet):
    """Load reports (PDF, docx, HTML, text in any Chinese encoding) into the database."""
    from store.executors import ExecutorError, make_executor
    from store.ingest import expand_paths, ingest as run

    if executor != "dask" and (ctx_param_given("scheduler") or in_flight):
        raise click.UsageError("--scheduler and --in-flight go with --executor dask")
    if executor == "dask" and ctx_param_given("workers"):
        raise click.UsageError("--workers is for the local executor: a Dask cluster has the workers you started")
    store = ctx.store(samples=False)
    files = expand_paths(paths)
    if not files:
        raise click.ClickException("no files found")
    try:
        ex = make_executor(executor, workers=workers, scheduler=scheduler, slots=in_flight)
    except ExecutorError as exc:
        raise click.ClickException(str(exc))
    if executor == "dask":
        click.echo(f"parsing on the {ex.describe()}; writing {ctx.config['store']['database']}", err=True)
    show_bar = not quiet and sys.stderr.isatty()
    with ex, click.progressbar(length=len(files), label="ingesting", file=sys.stderr,
                               show_pos=True) if show_bar else _NoBar() as bar:
        summary = run(store, files, manifest=manifest, executor=ex, progress=lambda r: bar.update(1))
    for line in summary.lines():
        click.echo(line)
    if not summary.ok:
        sys.exit(1)


def ctx_param_given(name: str) -> bool:
    """Whether an option was given on the command line."""
    from click.core import ParameterSource

    return click.get_current_context().get_parameter_source(name) == ParameterSource.COMMANDLINE


class _NoBar:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n):
        pass


# ---------------------------------------------------------------------------- reading

@cli.command()
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@pass_ctx
def reports(ctx: Context, as_json):
    """List the stored reports."""
    rows = ctx.store().reports()
    if as_json:
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
        return
    for r in rows:
        region = "".join(x for x in (r["province"], r["city"], r["district"]) if x) or "-"
        click.echo(f"{r['year']}\t{r['short_name']}\t{r['agency']}\t{region}\t{r['template']}年版\t"
                   f"{r['problem_count']} problems\t{r['file']}")
    click.echo(f"{len(rows)} reports", err=True)


def _find_report(store: Store, agency: str, year: int) -> int:
    from bot.agencies import AgencyIndex

    index = AgencyIndex.from_store(store)
    match = index.resolve(agency)
    if not match.agencies:
        near = "、".join(a.name for a in match.suggestions) or "-"
        raise click.ClickException(f"no agency matches {agency!r}; nearest: {near}")
    if len(match.agencies) > 1:
        raise click.ClickException(f"{agency!r} matches several agencies: "
                                   + "; ".join(a.display for a in match.agencies))
    a = match.agencies[0]
    rep = store.report_for(a.id, year)
    if rep is None:
        raise click.ClickException(f"no {year} report for {a.name}; years on file: "
                                   + (", ".join(map(str, a.years)) or "none"))
    return rep["id"]


@cli.command()
@click.argument("agency")
@click.argument("year", type=int)
@click.option("--explain", is_flag=True,
              help="Also how each template row was matched: the printed row, its score, the cells placed or not "
                   "(the stored file is parsed again).")
@pass_ctx
def show(ctx: Context, agency, year, explain):
    """Every cell of one report, as the template lays it out."""
    from store.show import explain_report, render_report

    store = ctx.store()
    report_id = _find_report(store, agency, year)
    click.echo(render_report(store, report_id))
    if explain:
        try:
            click.echo("\n" + explain_report(store, report_id))
        except (OSError, ValueError) as exc:
            raise click.ClickException(str(exc))


@cli.command()
@click.argument("agency", required=False)
@click.argument("year", type=int, required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True)
@click.option("--summary", is_flag=True, help="CSV: findings per agency and year (rows) and per rule (columns).")
@click.option("--scope", type=click.Choice(["report", "extraction", "all"]), default="all", show_default=True,
              help="report: what the agency printed; extraction: our copy or our reading of it.")
@click.option("--rule", default=None, help="Only findings of this rule (e.g. apply_balance, template_word_typo).")
@click.option("--rules", "list_rules", is_flag=True, help="List the rules: id, group, scope, severity, what it checks.")
@pass_ctx
def audit(ctx: Context, agency, year, fmt, summary, scope, rule, list_rules):
    """The audit of the stored reports, as a third-party assessor reads them: every finding with its rule,
    severity and the line or page that shows it.  AGENCY (and YEAR) narrow it to one agency (one report)."""
    from store.audit import present

    store = ctx.store()
    if list_rules:
        click.echo(present.rule_table())
        return
    if summary:
        click.echo(present.summary_csv(store.finding_counts()), nl=False)
        return
    report_ids = _audited_reports(store, agency, year)
    findings = [f for rid in report_ids for f in store.findings(rid)] if report_ids is not None \
        else store.findings()
    findings = [f for f in findings if (scope == "all" or (f.get("scope") or "report") == scope)
                and (not rule or f["rule"] == rule)]
    if fmt == "csv":
        click.echo(present.csv_text(findings), nl=False)
    elif fmt == "json":
        if findings:
            click.echo(present.json_lines(findings))
    else:
        by_report: dict[tuple, list] = {}
        for f in findings:
            by_report.setdefault((f["agency"], f["year"]), []).append(f)
        ids = report_ids if report_ids is not None else []
        for rid in ids:  # a report named on the command line is shown even when nothing was found
            rep = store.report(rid)
            by_report.setdefault((rep["agency"], rep["year"]), [])
        for (name, y), items in by_report.items():
            click.echo(present.report_text(items, f"{name} {y}年度报告") + "\n")
    click.echo(f"{len(findings)} findings", err=True)


def _audited_reports(store: Store, agency: str | None, year: int | None) -> list[int] | None:
    """The reports AGENCY (YEAR) names; None for all."""
    if not agency:
        return None
    if year is not None:
        return [_find_report(store, agency, year)]
    from bot.agencies import AgencyIndex

    match = AgencyIndex.from_store(store).resolve(agency)
    if len(match.agencies) != 1:
        _find_report(store, agency, 0)  # the same clear message for none or several
    a = match.agencies[0]
    return [r["id"] for y in a.years if (r := store.report_for(a.id, y))]


@cli.command()
@click.option("--rule", default=None, help="Only problems of this rule (e.g. apply_balance).")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def check(ctx: Context, rule, as_json):
    """The audit's findings, one per line (the older name of ``audit``; ``--json`` for JSON lines)."""
    problems = [p for p in ctx.store().findings() if not rule or p["rule"] == rule]
    for p in problems:
        if as_json:
            click.echo(json.dumps(p, ensure_ascii=False))
        else:
            loc = f"\t第{p['line']}行" if p.get("line") else (f"\t第{p['page']}页" if p.get("page") else "")
            click.echo(f"{p['agency']}\t{p['year']}\t{p['severity']}\t{p['rule']}\t{p['message']}{loc}")
    click.echo(f"{len(problems)} problems", err=True)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-")
@pass_ctx
def export(ctx: Context, fmt, output):
    """One row per cell: agency, year, key, labels, value, what was printed, status."""
    from store.export import write_export

    n = write_export(ctx.store(), output, fmt)
    click.echo(f"{n} cells", err=True)


# ---------------------------------------------------------------------------- questions

@cli.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="One JSON object (status, agency, year, metric, value, …).")
@pass_ctx
def ask(ctx: Context, question, as_json):
    """Answer QUESTION; with QUESTION "-", one question per line from standard input (one JSON per line)."""
    from bot.engine import Answerer

    store = ctx.store()
    answerer = Answerer(store)
    if question == "-":
        for line in sys.stdin:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            started = time.monotonic()
            ans = answerer.answer(line)
            click.echo(json.dumps(ans.to_json(), ensure_ascii=False))
            log_question(store, line, ans, started)
        return
    started = time.monotonic()
    ans = answerer.answer(question)
    log_question(store, question, ans, started)
    if as_json:
        click.echo(json.dumps(ans.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(ans.text)
        if ans.status == "ambiguous":
            click.echo("\n".join(f"  - {c.label}" for c in ans.candidates))
    if ans.status != "answered":
        sys.exit(2)


@cli.command()
@pass_ctx
def chat(ctx: Context):
    """A console conversation (follow-ups kept, as in the Telegram bot)."""
    from bot.chat import run_chat
    from bot.engine import Answerer

    store = ctx.store()
    run_chat(Answerer(store), context_minutes=ctx.config["chat"]["context_minutes"],
             on_answer=lambda question, ans, started, earlier: log_question(store, question, ans, started, "chat",
                                                                            earlier))


# ---------------------------------------------------------------------------- the bot

@cli.command()
@pass_ctx
def serve(ctx: Context):
    """Run the Telegram bot (polling or webhook); the console chat when no token is configured."""
    if not ctx.config["telegram"].get("token"):
        click.echo("No Telegram token configured (DISCLOSURE_BOT_TOKEN or telegram.token): "
                   "starting the console chat instead.", err=True)
        click.get_current_context().invoke(chat)
        return
    from bot.telegram.app import run

    run(ctx.config, ctx.store())


@cli.command()
@click.argument("destination", required=False)
@pass_ctx
def backup(ctx: Context, destination):
    """Copy the database safely while the bot runs (SQLite online backup; the copy is 0600).

    DESTINATION defaults to <database>.backup-YYYYMMDD-HHMMSS next to the database."""
    from datetime import datetime
    from pathlib import Path

    from store.db import backup_database

    source = ctx.config["store"]["database"]
    if not Path(source).exists():
        raise click.ClickException(f"no database at {source}")
    if not destination:
        destination = f"{source}.backup-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    result = backup_database(source, destination)
    click.echo(f"backed up {source} to {result['path']}: {result['bytes']} bytes, {result['reports']} reports, "
               f"integrity {result['integrity']}")


def main():
    cli(prog_name="disclosure-bot")


if __name__ == "__main__":
    main()
