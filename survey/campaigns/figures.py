"""The figures of a closed campaign that the staff pages show, computed once and kept.

The measurement quality (``quality.figures``) needs every answer of the campaign and the trainers'
needs (``training.needs``) every assessee's results: computed on each view, a page, a chart or a
workbook of a 20,000-assessee body took from seconds to most of a minute and half a gigabyte. They
are computed when the campaign closes, in the job that writes its totals and from the same one
pass over the responses (``tally.by_assessee``), and kept in ``campaign_figures``: a page then reads
one row.

What is kept is what the pages show and nothing more: aggregates over at least the anonymity
threshold, withheld figures as withheld, no person and nothing per response
(docs/anonymity.md). The cohorts, which name people for HR, are not kept: they are read from the
results, as before.

Kept figures are read again only when they are still what the server would compute: the same
anonymity threshold, the same questionnaires, the same shape (``VERSIONS``). Otherwise, and for
campaigns closed before the table existed, the first staff page that asks computes and keeps
them (a staff GET may write; respondents' pages never read these figures). That is chosen over
computing them in the migration because the figures depend on the configuration (threshold,
questionnaire folder) that a migration does not read, and because the upgrade of a large body
should not spend minutes on them: the first page is as slow as every page was before, once.
"""
from __future__ import annotations

from typing import Mapping

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.campaigns import lifecycle
from survey.core import kept
from survey.core.instruments import Instrument
from survey.core.models import Campaign, CampaignFigures
from survey.quality import figures as quality, gather
from survey.results import export as results, scoring
from survey.training import kept as training_kept, needs as training

QUALITY, TRAINING = "quality", "training"
VERSIONS = {QUALITY: 1, TRAINING: training_kept.VERSION}


def close(session: Session, campaign: Campaign, instruments: Mapping[str, Instrument], *, threshold: int) -> None:
    """Close the campaign: its totals and, from the same pass over its responses, its figures."""
    collector = gather.ResponseCollector(gather.instruments_of(session, campaign), instruments, threshold=threshold)
    lifecycle.close(session, campaign, collector)
    _keep(session, campaign, QUALITY, threshold, _quality_payload(collector.quality(campaign), instruments))
    _keep(session, campaign, TRAINING, threshold, training_kept.payload(_training(session, campaign, instruments,
                                                                                  threshold, collector.results)))


def campaign_quality(session: Session, campaign: Campaign, instruments: Mapping[str, Instrument], *,
                     threshold: int) -> quality.CampaignQuality:
    """The measurement quality of a closed campaign, as kept (raises ``CampaignError`` when it is
    not closed)."""
    gather.require_closed(campaign)
    payload = _kept(session, campaign, QUALITY, threshold, instruments)
    if payload is not None:
        try:
            return quality.CampaignQuality(campaign.id, campaign.name, threshold,
                                           kept.decode(tuple[quality.GroupQuality, ...], payload["groups"], instruments))
        except KeyError:
            pass
    figures = gather.campaign_quality(session, campaign, instruments, threshold=threshold)
    _keep(session, campaign, QUALITY, threshold, _quality_payload(figures, instruments))
    return figures


def comparison(session: Session, earlier: Campaign, later: Campaign, instruments: Mapping[str, Instrument], *,
               threshold: int) -> tuple[quality.CampaignQuality, quality.CampaignQuality]:
    """The measurement quality of two closed campaigns, the earlier first, as kept (raises
    ``CampaignError`` for a pair the wrong way round or a campaign not closed)."""
    gather.require_earlier(earlier, later)
    return (campaign_quality(session, earlier, instruments, threshold=threshold),
            campaign_quality(session, later, instruments, threshold=threshold))


def training_figures(session: Session, campaign: Campaign, instruments: Mapping[str, Instrument], *,
                     threshold: int) -> training_kept.TrainingFigures:
    """The trainers' figures of a closed campaign, as kept (raises ``CampaignError`` when it is not
    closed)."""
    results.require_closed(campaign)
    payload = _kept(session, campaign, TRAINING, threshold, instruments)
    if payload is not None:
        try:
            return training_kept.from_payload(payload, campaign.name, threshold, instruments)
        except KeyError:
            pass
    figures = _training(session, campaign, instruments, threshold)
    _keep(session, campaign, TRAINING, threshold, training_kept.payload(figures))
    return figures


def _training(session: Session, campaign: Campaign, instruments: Mapping[str, Instrument],
              threshold: int, known: Mapping[int, scoring.Result] | None = None) -> training_kept.TrainingFigures:
    population = training.population(session, campaign, instruments, threshold=threshold, known=known)
    return training_kept.figures(population, threshold=threshold)


def _quality_payload(figures: quality.CampaignQuality, instruments: Mapping[str, Instrument]) -> dict:
    return {"instruments": list(instruments), "groups": kept.encode(figures.groups)}


def _kept(session: Session, campaign: Campaign, kind: str, threshold: int,
          instruments: Mapping[str, Instrument]) -> dict | None:
    """The kept payload, if it is still what would be computed now."""
    row = session.get(CampaignFigures, (campaign.id, kind))
    if row is None or row.threshold != threshold or row.version != VERSIONS[kind]:
        return None
    if set(row.payload["instruments"]) != set(instruments):
        return None  # a questionnaire added or removed changes the groups and sections of the pages
    return row.payload


def _keep(session: Session, campaign: Campaign, kind: str, threshold: int, payload: dict) -> None:
    """Store the figures, replacing older ones. Two first views at once both compute them; the
    second to store finds the first's row and leaves it (the figures are the same)."""
    values = dict(threshold=threshold, version=VERSIONS[kind], payload=payload)
    row = session.get(CampaignFigures, (campaign.id, kind))
    if row is not None:
        for name, value in values.items():
            setattr(row, name, value)
        session.flush()
        return
    try:
        with session.begin_nested():
            session.add(CampaignFigures(campaign_id=campaign.id, kind=kind, **values))
    except IntegrityError:
        pass
