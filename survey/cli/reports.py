"""``survey reports links``: publish a closed campaign's reports as personal links (CSV)."""
from __future__ import annotations

import click
from flask import current_app


def register(cli) -> None:
    group = cli.commands["reports"]

    @group.command("links")
    @click.argument("name")
    @click.option("--out", required=True, type=click.Path(dir_okay=False))
    def reports_links(name, out):
        """Each assessee's personal link to their own report (keep the file like a password list)."""
        from survey.staff import audit
        from survey.campaigns import lifecycle as campaigns
        from survey.web.common import database as db
        from survey.core import tables
        from survey.cli import _fail
        from survey.core.messages import N_
        from survey.reports import links, model

        days = int(current_app.config.get("REPORT_LINK_DAYS") or links.DEFAULT_DAYS)
        try:
            with db.get_db().transaction() as session:
                campaign = campaigns.get(session, name)
                if campaign.status != "closed":
                    raise campaigns.CampaignError(N_("reports of '%(name)s' are published once it is closed"), name=name)
                items = model.summaries(session, campaign, current_app.extensions["survey.instruments"],
                                        threshold=current_app.config["ANONYMITY_THRESHOLD"])
                rows = links.link_rows(items, secret=current_app.secret_key, base_url=current_app.config["BASE_URL"],
                                       days=days)
                audit.record(session, "survey reports links", "reports-publish",
                             f"{campaign.name}: {len(rows)} personal links, valid {days} days")
        except campaigns.CampaignError as exc:
            _fail(str(exc))
        tables.write_csv(out, links.LINK_COLUMNS, rows, private=True)
        click.echo(f"Wrote {len(rows)} personal report links to {out} (readable by you only; valid {days} days). "
                   "Hand each link to its assessee only.")
