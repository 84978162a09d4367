"""Every rater's personal link of a campaign as the CSV HR hands out, made in the request for a
small body and as a job (``links-csv``, its separator the parameter) for a large one: 120,000
signed links take seconds.

A prepared file holds working links, as the database and the secret key do together; it lives
in the jobs' folder, readable by the platform alone, and is swept with every other prepared file
(``operations.prepared``). Links never change once a campaign opens, so a prepared file stays
right for the campaign's life."""
from __future__ import annotations

from typing import BinaryIO, Mapping

from sqlalchemy.orm import Session

from survey.campaigns import lifecycle, tokens
from survey.core import tables
from survey.core.models import Campaign
from survey.operations import jobs, prepared

LINKS = prepared.register(prepared.Product("links-csv", "links", ".csv"))


def write(out: BinaryIO, session: Session, campaign: Campaign, config: Mapping, *, separator: str) -> int:
    """The CSV with the reader's ``separator``; the number of links in it."""
    base, secret = config["BASE_URL"], config["SECRET_KEY"]
    counted = tables.Counted(lifecycle.link_rows(links, lambda key: tokens.url(base, secret, key))
                             for links in lifecycle.links_in_parts(session, campaign))
    tables.write_csv_stream(out, lifecycle.LINK_COLUMNS, counted, delimiter=separator)
    return counted.count


def _run(session: Session, campaign: Campaign, config: Mapping, progress, *, separator: str) -> str:
    progress(0, 1)
    with LINKS.writing(session, config, campaign, {"separator": separator}) as out:
        count = write(out, session, campaign, config, separator=separator)
    progress(1, 1)
    return f"{campaign.name}: {count} links"


jobs.register(LINKS.kind, jobs.Kind(_run, "links-export"))
