"""The ``survey`` command: thin click wrappers over the domain modules.

Errors in the user's files are printed one per line as ``FILE:ROW: message`` and the command
exits 1; nothing is stored when a command fails.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, routes_command, shell_command

from survey.campaigns import lifecycle as campaigns, people, raters, roster
from survey import create_app
from survey.web.common import database as db
from survey.core import instruments, tables
from survey.results import export as results



def _factory():
    try:
        return create_app()
    except instruments.InstrumentErrors as exc:
        click.echo("The questionnaires are not valid, so the platform cannot start:", err=True)
        for error in exc.errors:
            click.echo(f"  {error}", err=True)
        sys.exit(1)


# Without Flask's own `run`: its development server logs every respondent link. `survey serve`
# is the local server that does not.
cli = FlaskGroup(create_app=_factory, add_default_commands=False, add_version_option=False,
                 help="Bagalau 360: anonymous 360-degree assessment.")
cli.add_command(shell_command)
cli.add_command(routes_command)


def _fail(message: str, details=()) -> None:
    click.echo(f"Error: {message}", err=True)
    for line in details:
        click.echo(f"  {line}", err=True)
    sys.exit(1)


def _transaction():
    return db.get_db().transaction()


def _instruments():
    return current_app.extensions["survey.instruments"]


def _config(name):
    return current_app.config[name]


def main() -> None:
    cli(prog_name="survey")


def _register_feature_commands() -> None:
    """Commands that live beside their feature (``survey/<feature>_cli.py``, each with ``register(cli)``)."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        feature = importlib.import_module(f"{__name__}.{module.name}")
        if hasattr(feature, "register"):
            feature.register(cli)


@cli.command("init")
def init_command():
    """Create the database, or bring an existing one up to date (the same as `survey db upgrade`)."""
    db.get_db().upgrade()
    click.echo(f"Database ready: {db.get_db().engine.url.render_as_string(hide_password=True)}")


@cli.group("db")
def db_group():
    """Database schema migrations (Alembic)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision):
    """Apply the migrations up to REVISION (default: the newest). Safe to run again."""
    db.get_db().upgrade(revision)
    click.echo(f"Database at revision {revision}.")


@db_group.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message):
    """Write a new migration from the difference between the models and the database."""
    db.get_db().revision(message)


@cli.group("users")
def users_group():
    """Staff accounts (HR, HR head, trainers). Respondents need none."""


@users_group.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["hr", "hr-head", "trainer"]))
@click.password_option(help="prompted for when not given")
def users_create(email, role, password):
    """Create a staff account; the password is stored hashed (scrypt)."""
    from survey.staff import accounts

    try:
        with _transaction() as session:
            accounts.create(session, email, password, role)
    except accounts.AccountError as exc:
        _fail(str(exc))
    click.echo(f"Account {accounts.normalise(email)} ({role}) created.")


@cli.group("instruments")
def instruments_group():
    """The questionnaires (YAML files in instruments/)."""


@instruments_group.command("check", with_appcontext=False)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
def instruments_check(files):
    """Validate questionnaire files (default: every file in instruments/)."""
    from survey.core.config import Defaults

    paths = [Path(f) for f in files] or instruments.files_in(Defaults.INSTRUMENTS_DIR)
    errors = instruments.check(paths)
    for error in errors:
        click.echo(str(error), err=True)
    if errors:
        sys.exit(1)
    click.echo(f"{len(paths)} questionnaire(s) valid: {', '.join(str(p) for p in paths)}")


@cli.group("roster")
def roster_group():
    """The people of the body."""


@roster_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
def roster_import(file):
    """Import people from .csv or .xlsx; re-importing updates people by employee_id."""
    try:
        with _transaction() as session:
            summary = people.import_roster(session, file)
    except roster.RosterErrors as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        _fail(f"nothing imported: {len(exc.errors)} problem(s) in {file}")
    click.echo(f"Imported {file}: {summary.added} added, {summary.updated} updated.")


@cli.group("campaign")
def campaign_group():
    """Assessment campaigns."""


@campaign_group.command("create")
@click.argument("name")
@click.option("--closes", required=True, type=click.DateTime(["%Y-%m-%d"]), help="last day of answering, YYYY-MM-DD")
def campaign_create(name, closes):
    """Create a campaign in which everyone in the roster is assessed."""
    try:
        with _transaction() as session:
            campaign = campaigns.create(session, name, closes.date(), _instruments())
            n = len(campaign.assessments)
    except campaigns.CampaignError as exc:
        _fail(str(exc))
    click.echo(f"Campaign '{name}' created with {n} assessees; answering closes after {closes.date()}.")
    click.echo(f"Next: survey raters suggest '{name}' --out raters.csv")


@campaign_group.command("open")
@click.argument("name")
def campaign_open(name):
    """Check the 3-7 raters rule and open answering."""
    try:
        with _transaction() as session:
            campaign = campaigns.get(session, name)
            n = campaigns.open_(session, campaign, minimum=_config("MIN_RATERS"), maximum=_config("MAX_RATERS"))
    except campaigns.CampaignError as exc:
        _fail(str(exc), exc.details)
    click.echo(f"Campaign '{name}' is open: {n} invitations. Next: survey links export '{name}' --out links.csv")


@campaign_group.command("close")
@click.argument("name")
def campaign_close(name):
    """End answering."""
    try:
        with _transaction() as session:
            campaigns.close(session, campaigns.get(session, name))
    except campaigns.CampaignError as exc:
        _fail(str(exc))
    db.get_db().reorder_responses()
    click.echo(f"Campaign '{name}' is closed.")


@campaign_group.command("list")
def campaign_list():
    """Campaigns with status, closing date and invitations done."""
    with _transaction() as session:
        rows = campaigns.progress(session)
    if not rows:
        click.echo("No campaigns yet.")
    for p in rows:
        click.echo(f"{p.name}\t{p.status}\tcloses {p.closes_on}\t{p.done}/{p.total} done")


@cli.group("raters")
def raters_group():
    """Who rates whom (order No. 260, para 36)."""


@raters_group.command("suggest")
@click.argument("name")
@click.option("--out", required=True, type=click.Path(dir_okay=False))
def raters_suggest(name, out):
    """Propose raters from the structure into a CSV for HR to edit."""
    try:
        with _transaction() as session:
            campaign = campaigns.get(session, name)
            rows = raters.suggest_for(session, campaign, _config("MAX_RATERS"))
    except campaigns.CampaignError as exc:
        _fail(str(exc))
    tables.write_csv(out, ["assessee_id", "assessee_name", "rater_id", "rater_name", "relation"],
                     [[r.assessee_id, r.assessee_name, r.rater_id, r.rater_name, r.relation] for r in rows])
    click.echo(f"Wrote {len(rows)} suggested raters to {out}. Edit it, then: survey raters import '{name}' {out}")


@raters_group.command("import")
@click.argument("name")
@click.argument("file", type=click.Path(dir_okay=False))
def raters_import(name, file):
    """Replace the raters of every assessee named in FILE (assessee_id, rater_id, relation)."""
    try:
        with _transaction() as session:
            n = raters.import_raters(session, campaigns.get(session, name), file)
            problems = campaigns.rater_count_problems(session, campaigns.get(session, name),
                                                      _config("MIN_RATERS"), _config("MAX_RATERS"))
    except raters.RaterErrors as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        _fail(f"nothing imported: {len(exc.errors)} problem(s) in {file}")
    except campaigns.CampaignError as exc:
        _fail(str(exc))
    click.echo(f"Imported {n} raters for '{name}'.")
    if problems:
        click.echo(f"Still outside 3-7 raters ({len(problems)}), the campaign cannot open until fixed:")
        for line in problems:
            click.echo(f"  {line}")


@cli.group("links")
def links_group():
    """Respondent links."""


def link_url(key: str) -> str:
    from survey.campaigns import tokens

    return tokens.url(_config("BASE_URL"), current_app.secret_key, key)


@links_group.command("export")
@click.argument("name")
@click.option("--out", required=True, type=click.Path(dir_okay=False))
def links_export(name, out):
    """Every invitation's personal link as CSV (keep this file as safe as a password list)."""
    try:
        with _transaction() as session:
            rows = campaigns.links(session, campaigns.get(session, name))
    except campaigns.CampaignError as exc:
        _fail(str(exc))
    tables.write_csv(out, campaigns.LINK_COLUMNS, campaigns.link_rows(rows, link_url), private=True)
    click.echo(f"Wrote {len(rows)} links to {out} (readable by you only: each link lets its holder answer).")


@cli.group("results")
def results_group():
    """Averages per assessee and competency."""


@results_group.command("export")
@click.argument("name")
@click.option("--out", required=True, type=click.Path(dir_okay=False))
def results_export(name, out):
    """One row per assessee and competency plus an 'overall' row (.csv or .xlsx)."""
    if Path(out).suffix.lower() not in (".csv", ".xlsx"):
        _fail(f"{out}: expected a .csv or .xlsx file name")
    try:
        with _transaction() as session:
            items = results.campaign_results(session, campaigns.get(session, name), _instruments(),
                                             threshold=_config("ANONYMITY_THRESHOLD"))
    except campaigns.CampaignError as exc:
        _fail(str(exc))
    results.export(out, items)
    withheld = sum(1 for i in items if i.result.withheld)
    click.echo(f"Wrote results of {len(items)} assessees to {out} ({withheld} withheld: fewer than "
               f"{_config('ANONYMITY_THRESHOLD')} respondents).")


@cli.group("reports")
def reports_group():
    """Individual reports (appendices 7-8)."""


@reports_group.command("build")
@click.argument("name")
@click.option("--out", required=True, type=click.Path(file_okay=False))
@click.option("--zip", "archive", type=click.Path(dir_okay=False), help="also put every PDF into this .zip file")
@click.option("--no-pdf", is_flag=True, help="HTML and PNG only (faster)")
def reports_build(name, out, archive, no_pdf):
    """Per assessee an HTML report, a PNG radar chart and a PDF, in the assessee's language."""
    from survey.reports import individual

    if archive and no_pdf:
        _fail("--zip collects the PDFs: it cannot be combined with --no-pdf")
    try:
        with _transaction() as session:
            built = individual.build(session, campaigns.get(session, name), _instruments(), Path(out),
                                     threshold=_config("ANONYMITY_THRESHOLD"), pdf=not no_pdf,
                                     archive=Path(archive) if archive else None,
                                     processes=_config("REPORT_PROCESSES"))
    except campaigns.CampaignError as exc:
        _fail(str(exc))
    click.echo(f"Wrote {len(built.html)} reports to {out}/ (open {Path(out) / 'index.html'})"
               + (f", {len(built.pdf)} as PDF" if built.pdf else "") + ".")
    if built.archive:
        click.echo(f"The PDFs are also in {built.archive}.")


@cli.group("retention")
def retention_group():
    """Keeping and deleting assessment records (order No. 260, para 15)."""


@retention_group.command("purge")
@click.option("--older-than", "period", default="3y", show_default=True,
              help="remove campaigns whose last day of answering is older than this: 3y, 36m, 1095d")
@click.option("--dry-run", is_flag=True, help="only list what would be removed")
def retention_purge(period, dry_run):
    """Delete campaigns past the retention period: answers, invitations, raters, the campaign."""
    from survey.staff import audit
    from survey.operations import retention

    try:
        before = retention.cutoff(period)
        with _transaction() as session:
            purged = retention.purge(session, before, dry_run=dry_run)
            if purged and not dry_run:
                audit.record(session, "survey retention purge", "retention-purge",
                             "; ".join(f"{p.campaign} ({p.responses} responses)" for p in purged))
    except retention.RetentionError as exc:
        _fail(str(exc))
    verb = "Would remove" if dry_run else "Removed"
    if not purged:
        click.echo(f"Nothing to remove: no campaign closed before {before}.")
    for p in purged:
        click.echo(f"{verb} '{p.campaign}' (closed {p.closes_on}): {p.assessees} assessees, "
                   f"{p.responses} responses, {p.invitations} invitations.")
    if purged and not dry_run:
        db.get_db().reorder_responses()  # SQLite: VACUUM, so the deleted answers leave no trace in the file


@cli.command("demo")
@click.option("--no-serve", is_flag=True, help="build the demo and stop, without serving the site")
@click.option("--out", default="demo-output", show_default=True, type=click.Path(file_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def demo_command(no_serve, out, host, port):
    """Build a demo body (about 40 people), run a campaign, write reports, serve the site."""
    from survey.cli import demo

    summary = demo.build(current_app, Path(out))
    click.echo(summary.describe(current_app.config["BASE_URL"] if no_serve else f"http://{host}:{port}"))
    if not no_serve:
        from survey.web.common.serving import serve

        serve(current_app._get_current_object(), host, port)


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve_command(host, port):
    """Serve locally for a small trial (production: gunicorn, see the README)."""
    from survey.web.common.serving import serve

    serve(current_app._get_current_object(), host, port)



def _email_command(name: str, kind: str) -> None:
    """Send invitations or reminders by e-mail; counts on stdout, exit 1 when anything failed."""
    from survey.mail import sending
    from survey.mail.settings import MailError, SmtpSettings

    try:
        settings = SmtpSettings.from_config(current_app.config)
        send = sending.send_invitations if kind == "invitation" else sending.send_reminders
        with _transaction() as session:
            outcome = send(session, campaigns.get(session, name), settings, url_of=link_url,
                           threshold=_config("ANONYMITY_THRESHOLD"))
    except (campaigns.CampaignError, MailError) as exc:
        _fail(str(exc))
    what = "invitations" if kind == "invitation" else "reminders"
    click.echo(f"E-mailed {what} for '{name}': {outcome.sent} sent, {outcome.failed} failed, "
               f"{outcome.skipped} raters without an e-mail address.")
    if outcome.without_email:
        click.echo("Without an e-mail address (hand them their links on paper):")
        for full_name in outcome.without_email:
            click.echo(f"  {full_name}")
    if outcome.failed:
        _fail(f"{outcome.failed} message(s) could not be sent:",
              [f"{full_name}: {reason}" for full_name, reason in outcome.failures])


@links_group.command("email")
@click.argument("name")
def links_email(name):
    """E-mail every rater one message with all their personal links (needs SURVEY_SMTP_HOST)."""
    _email_command(name, "invitation")


@links_group.command("remind")
@click.argument("name")
def links_remind(name):
    """E-mail a reminder to raters with questionnaires still open, listing only those."""
    _email_command(name, "reminder")


_register_feature_commands()


@cli.group("jobs")
def jobs_group():
    """Bulk work (e-mail batches, report archives) queued from the workspace."""


@jobs_group.command("work")
@click.option("--once", is_flag=True, help="run what is queued now and stop")
@click.option("--interval", default=5.0, show_default=True, help="seconds between looks at the queue")
def jobs_work(once, interval):
    """Run queued jobs in this process (for a separate worker service)."""
    import time

    from survey.mail import sending  # noqa: F401 - importing it registers its job kinds
    from survey.operations import jobs

    while True:
        ran = jobs.run_pending(db.get_db(), current_app.config)
        if ran:
            click.echo(f"Ran {ran} job(s).")
        if once:
            return
        time.sleep(interval)
