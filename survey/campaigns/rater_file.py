"""Who rates whom as the CSV HR edits in Excel, made in the request for a small body and as a job
(``raters-csv``) for a large one: 600,000 raters of a body of 100,000 take seconds.

Unlike the links, raters change while a campaign is a draft and after it opens, and a prepared
file must never show the raters as they were. A file is therefore prepared for one state of the
raters: its job's parameters hold the separator and the raters' ``fingerprint``, which a request
computes anew, so that after any change no finished file matches and a new one is prepared. The
fingerprint is read from the raters' table itself, not kept up by the services that change it:
a bulk upload, a later service or a repair by hand in the database alters it all the same."""
from __future__ import annotations

import itertools
from typing import BinaryIO, Mapping

from sqlalchemy import BigInteger, case, cast, func, select
from sqlalchemy.orm import Session

from survey.campaigns import raters
from survey.campaigns.errors import CampaignError
from survey.core import tables
from survey.core.messages import N_
from survey.core.models import RELATIONS, Assessment, Campaign, Person, Rater
from survey.operations import jobs, prepared

COLUMNS = ["assessee_id", "assessee_name", "rater_id", "rater_name", "relation"]
RATERS = prepared.register(prepared.Product("raters-csv", "raters", ".csv", slot=("separator",)))
# A prime below 2**31: each weighted term is reduced by it, so that the sums of a million raters
# stay far inside the 64-bit integers both databases add in.
_MODULUS = 2_147_483_647


def fingerprint(session: Session, campaign: Campaign) -> str:
    """The campaign's raters and the roster they are named from, in two aggregate queries: the
    raters' number, the sum of their ids, and their (rater, relation) weighted once by the row and
    once by the assessee; the people's number, the sum of their ids and of their revisions. Adding,
    removing or replacing a rater changes the number or the ids; changing a relation, or two
    assessees exchanging raters within one upload, changes a weighted sum; a person renamed, moved
    or given another manager (whom a suggestion follows) changes a revision."""
    code = case({relation: n for n, relation in enumerate(RELATIONS, 1)}, value=Rater.relation, else_=0)
    content = cast(Rater.rater_id, BigInteger) * (len(RELATIONS) + 1) + code
    chosen = session.execute(
        select(func.count(Rater.id), func.coalesce(func.sum(Rater.id), 0),
               func.coalesce(func.sum((cast(Rater.id, BigInteger) * content) % _MODULUS), 0),
               func.coalesce(func.sum((cast(Rater.assessment_id, BigInteger) * content) % _MODULUS), 0))
        .join(Assessment, Assessment.id == Rater.assessment_id)
        .where(Assessment.campaign_id == campaign.id)).one()
    roster = session.execute(select(func.count(Person.id), func.coalesce(func.sum(Person.id), 0),
                                    func.coalesce(func.sum(Person.revision), 0))).one()
    return "-".join(str(int(value)) for value in (*chosen, *roster))


def params(session: Session, campaign: Campaign, separator: str) -> dict[str, str]:
    """What a prepared file is for: the reader's separator and the raters as they are now."""
    return {"separator": separator, "fingerprint": fingerprint(session, campaign)}


def write(out: BinaryIO, session: Session, campaign: Campaign, *, separator: str, maximum: int) -> int:
    """The CSV with the reader's ``separator``; the number of raters in it. A campaign with no
    raters yet gets the suggestion from the structure (at most ``maximum`` each), for HR to edit."""
    parts = raters.listing(session, campaign)
    first = next(parts, None)
    if first is None:
        parts = iter([[[s.assessee_id, s.assessee_name, s.rater_id, s.rater_name, s.relation]
                       for s in raters.suggest_for(session, campaign, maximum)]])
    else:
        parts = itertools.chain([first], parts)
    counted = tables.Counted(parts)
    tables.write_csv_stream(out, COLUMNS, counted, delimiter=separator)
    return counted.count


def _run(session: Session, campaign: Campaign, config: Mapping, progress, *, separator: str, fingerprint: str) -> str:
    """The file of the raters the request saw. Raters changed since (or while it is written) are
    another file's: this one fails rather than be kept under a fingerprint it does not match, and
    the waiting page, reloaded, prepares the new one."""
    progress(0, 1)
    wanted = {"separator": separator, "fingerprint": fingerprint}
    _unchanged(session, campaign, fingerprint)
    with RATERS.writing(session, config, campaign, wanted) as out:
        count = write(out, session, campaign, separator=separator, maximum=config["MAX_RATERS"])
        _unchanged(session, campaign, fingerprint)
    progress(1, 1)
    return f"{campaign.name}: {count} raters"


def _unchanged(session: Session, campaign: Campaign, seen: str) -> None:
    if fingerprint(session, campaign) != seen:
        raise CampaignError(N_("the raters changed while their file was prepared: download it again"))


jobs.register(RATERS.kind, jobs.Kind(_run, "raters-export"))
