"""Reading a closed campaign for its measurement quality: the answers of every assessee, in one
pass, into the matrices the analysis (``quality.figures``) works on.

The pass is the tally's (``tally.by_assessee``): at closing it also writes the totals, and the
figures are kept (``campaigns.figures``); read again later, it is the same pass without the
totals. It reads assessments, responses and answers only, never a person: no name can leak.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.campaigns.errors import CampaignError
from survey.core.instruments import Instrument
from survey.core.messages import N_
from survey.core.models import Assessment, Campaign
from survey.quality.figures import CampaignQuality, analyse_answers, answer_block
from survey.results import scoring, tally


def campaign_quality(session: Session, campaign: Campaign, instruments: Mapping[str, Instrument], *,
                     threshold: int) -> CampaignQuality:
    """The figures of a closed campaign, per instrument, straight from its responses. The pages
    read the figures kept at closing (``campaigns.figures``)."""
    require_closed(campaign)
    collector = ResponseCollector(instruments_of(session, campaign), instruments, threshold=threshold)
    for assessment_id, responses in tally.by_assessee(session, campaign):
        collector(assessment_id, responses)
    return collector.quality(campaign)


def require_closed(campaign: Campaign) -> None:
    if campaign.status != "closed":
        raise CampaignError(N_("the measurement quality of '%(name)s' is available once it is closed (it is "
                               "%(status)s): figures taken while answers still arrive would reveal individual answers"),
                            name=campaign.name, status=campaign.status)


def closing_order(campaign: Campaign) -> tuple:
    """Campaigns in the order they close: by the closing day, on one day the one created first.
    The pages list them in this order, the latest first."""
    return campaign.closes_on, campaign.id


def earlier_than(campaigns: Sequence[Campaign], later: Campaign) -> list[Campaign]:
    return [c for c in campaigns if closing_order(c) < closing_order(later)]


def require_earlier(earlier: Campaign, later: Campaign) -> None:
    """A year-over-year comparison reads as what changed from one campaign to the next: with the
    pair the wrong way round every change would read backwards, and a campaign beside itself shows
    no change at all."""
    if earlier.id == later.id:
        raise CampaignError(N_("choose two different campaigns: '%(name)s' cannot be compared with itself"),
                            name=earlier.name)
    if closing_order(earlier) > closing_order(later):
        raise CampaignError(N_("'%(earlier)s' is not earlier than '%(later)s': choose the earlier campaign as the "
                               "first one and the later campaign as the second"),
                            earlier=earlier.name, later=later.name)


def instruments_of(session: Session, campaign: Campaign) -> dict[int, str]:
    """The questionnaire of each assessment of the campaign, by assessment id."""
    return dict(session.execute(
        select(Assessment.id, Assessment.instrument).where(Assessment.campaign_id == campaign.id)).all())


class ResponseCollector:
    """Every assessee's result and the others' answers, gathered from the one pass over a
    campaign's responses for the analysis, which needs a whole group at once.

    The answers are kept as a block of small integers per assessee in the order of the
    questionnaire (``answer_block``) rather than as the responses' own objects or lists of numbers:
    100,000 assessees' answers take tens of megabytes instead of hundreds.
    At closing, the totals the tally has just computed give each result, which is then not
    computed a second time."""

    def __init__(self, instrument_of: Mapping[int, str], instruments: Mapping[str, Instrument], *, threshold: int):
        self.instrument_of = instrument_of
        self.instruments = instruments
        self.threshold = threshold
        self._structures = {i.id: {c.id: [q.id for q in c.questions] for c in i.competencies}
                            for i in instruments.values()}
        self._questions = {i.id: [q.id for q in i.questions] for i in instruments.values()}
        self.blocks: dict[int, np.ndarray] = {}
        self.results: dict[int, scoring.Result] = {}

    def __call__(self, assessment_id: int, responses: Sequence[scoring.ScoredResponse],
                 totals: Sequence[scoring.Total] | None = None) -> None:
        instrument_id = self.instrument_of[assessment_id]
        if instrument_id not in self.instruments:
            return  # a questionnaire no longer loaded: its group is not shown
        self.blocks[assessment_id] = answer_block(self._questions[instrument_id], responses)
        self.results[assessment_id] = self._result(instrument_id, responses, totals)

    def _result(self, instrument_id: str, responses: Sequence[scoring.ScoredResponse],
                totals: Sequence[scoring.Total] | None) -> scoring.Result:
        structure = self._structures[instrument_id]
        if totals is None:
            return scoring.assess(structure, responses, threshold=max(1, self.threshold))
        return scoring.from_totals(list(structure), totals, threshold=max(1, self.threshold))

    def quality(self, campaign: Campaign) -> CampaignQuality:
        groups = []
        for instrument_id, instrument in self.instruments.items():
            chosen = [a for a, i in sorted(self.instrument_of.items()) if i == instrument_id]
            if not chosen:
                continue
            nothing = np.zeros((0, len(self._questions[instrument_id])), dtype=np.int16)
            blocks = [self.blocks.pop(a, nothing) for a in chosen]  # each group's once, then let go
            results = [self.results.get(a) or self._result(instrument_id, (), None) for a in chosen]
            groups.append(analyse_answers(instrument, blocks, results, threshold=self.threshold))
            del blocks
        return CampaignQuality(campaign.id, campaign.name, self.threshold, tuple(groups))
