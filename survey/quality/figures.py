"""How well the questionnaire measures: the methodologist's view of a closed campaign.

For each group (instrument: unit heads, corps-B servants) and competency: the mean and spread of
the non-self answers, the share of each answer option, Cronbach's alpha of its questions, the
agreement among raters of the same assessee (ICC from a one-way ANOVA), and per question its
correlation with the rest of its competency; then the self-assessment against the others. The
statistics are in ``psychometrics``; the formulas, sources and thresholds are in
docs/methodology.md, "Measurement quality". The workbook and the charts of these figures are
``quality.workbook`` and ``quality.charts``.

Anonymity (order No. 260, para 34) holds the same way as in the results: only closed campaigns;
only assessees with at least ``threshold`` non-self respondents contribute (the others' averages
are withheld anyway); a group is shown only when at least ``threshold`` assessees contribute; the
self-assessment figures only over at least ``threshold`` self-assessments. Nothing is per person,
and this module never reads a name: it reads assessments, responses and answers only.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.quality import psychometrics
from survey.results import scoring, tally
from survey.campaigns.lifecycle import CampaignError
from survey.core import numbers
from survey.core.instruments import Instrument
from survey.core.messages import N_
from survey.core.models import Assessment, Campaign

# Thresholds of the flags (docs/methodology.md, "Measurement quality"). A figure is compared as it
# is shown, rounded to 2 decimals, so that a shown 0.70 is never called "under 0.70".
LENIENCY_SHARE = 0.5  # more than half of all answers at the top option
MIN_SPREAD = 0.25  # SD of the assessees' averages, in points
MIN_ICC1 = 0.10  # LeBreton & Senter (2008): .10 a "medium" effect of the assessee
MIN_ALPHA = 0.70  # Nunnally (1978)
MIN_ITEM_REST = 0.30  # corrected item-total correlation, customary rule of thumb
GAP = 0.50  # self minus others, in points: half an answer option
DECIMALS = 2

GROUP_LABELS = {"head": N_("Unit heads"), "servant": N_("Corps-B servants")}

Gettext = Callable[..., str]


@dataclass(frozen=True)
class Flag:
    """A finding in plain words: a catalogue message and its parameters; figures among them stay
    numbers until they are written in the reader's language."""

    code: str
    message: str
    params: Mapping[str, object] = field(default_factory=dict)

    def translated(self, gettext: Gettext, language: str) -> str:
        return gettext(self.message, **{k: fmt(v, language) if isinstance(v, float) else v
                                        for k, v in self.params.items()})

    @property
    def label(self) -> str:
        return FLAG_LABELS[self.code]


FLAG_LABELS = {
    "leniency": N_("leniency"),
    "no_discrimination": N_("no discrimination"),
    "low_agreement": N_("low agreement"),
    "low_consistency": N_("low consistency"),
    "weak_question": N_("weak question"),
    "over_rating": N_("over-rating"),
    "under_rating": N_("under-rating"),
}


@dataclass(frozen=True)
class QuestionQuality:
    question_id: str
    answers: int
    mean: float | None
    sd: float | None
    top_share: float | None
    item_rest: float | None  # corrected item-total correlation
    alpha_if_deleted: float | None
    flags: tuple[Flag, ...]


@dataclass(frozen=True)
class CompetencyQuality:
    competency_id: str
    assessees: int
    responses: int
    answers: int
    mean: float | None
    sd: float | None
    shares: tuple[float | None, ...]  # in the order of the instrument's scale
    alpha: float | None
    complete_responses: int  # responses with every question of the competency: alpha is over these
    agreement: psychometrics.OneWay
    self_assessees: int
    self_mean: float | None  # None: fewer than ``threshold`` self-assessments
    others_mean: float | None  # over the same assessees as self_mean
    gap: float | None
    questions: tuple[QuestionQuality, ...]
    flags: tuple[Flag, ...]

    @property
    def top_share(self) -> float | None:
        return self.shares[-1] if self.shares else None

    def question(self, question_id: str) -> QuestionQuality | None:
        return next((q for q in self.questions if q.question_id == question_id), None)


@dataclass(frozen=True)
class GroupQuality:
    instrument: Instrument
    assessees: int  # assessed with this instrument in the campaign
    included: int  # with at least ``threshold`` non-self respondents
    withheld: bool  # fewer than ``threshold`` included: no figure at all
    responses: int
    competencies: tuple[CompetencyQuality, ...]
    self_assessees: int
    self_overall: float | None
    others_overall: float | None
    gap: float | None
    flags: tuple[Flag, ...]

    @property
    def excluded(self) -> int:
        return self.assessees - self.included

    def competency(self, competency_id: str) -> CompetencyQuality | None:
        return next((c for c in self.competencies if c.competency_id == competency_id), None)

    def all_flags(self) -> list[tuple[str | None, str | None, Flag]]:
        """(competency id, question id, flag) of the group, its competencies and questions."""
        out: list[tuple[str | None, str | None, Flag]] = [(None, None, f) for f in self.flags]
        for c in self.competencies:
            out += [(c.competency_id, None, f) for f in c.flags]
            for q in c.questions:
                out += [(c.competency_id, q.question_id, f) for f in q.flags]
        return out


@dataclass(frozen=True)
class CampaignQuality:
    campaign_id: int
    campaign_name: str
    threshold: int
    groups: tuple[GroupQuality, ...]

    def group(self, instrument_id: str) -> GroupQuality | None:
        return next((g for g in self.groups if g.instrument.id == instrument_id), None)

    def largest_gap(self) -> GroupQuality | None:
        """The group that rates itself highest against its raters, when two or more can be compared."""
        shown = [g for g in self.groups if g.gap is not None]
        if len(shown) < 2:
            return None
        return max(shown, key=lambda g: g.gap)


def shown(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMALS)


def fmt(value: float, language: str) -> str:
    """A figure or a threshold as the flags and the workbook's legend write it: as the page shows it."""
    return numbers.decimal(value, language)


def percent(value: float) -> str:
    return f"{value:.0%}"


# --- the analysis: plain values in, figures out ---------------------------------------------------

def analyse_group(instrument: Instrument, assessees: Sequence[Sequence[scoring.ScoredResponse]], *,
                  threshold: int, results: Sequence[scoring.Result] | None = None) -> GroupQuality:
    """The figures of one instrument over its assessees; each item of ``assessees`` is every
    response about one assessee (self-assessment included, marked ``is_self``). ``results``: each
    assessee's result, when the caller has it already (from the totals written at closing); it is
    computed from the responses otherwise."""
    threshold = max(1, threshold)
    structure = {c.id: [q.id for q in c.questions] for c in instrument.competencies}
    if results is None:
        results = [scoring.assess(structure, responses, threshold=threshold) for responses in assessees]
    scored = [(list(responses), result) for responses, result in zip(assessees, results)]
    included = [(responses, result) for responses, result in scored if not result.withheld]
    if len(included) < threshold:
        return GroupQuality(instrument, len(scored), len(included), True, 0, (), 0, None, None, None, ())

    competencies = tuple(_competency(instrument, c.id, structure[c.id], included, threshold)
                         for c in instrument.competencies)
    pairs = [(result.self_overall, result.overall) for _, result in included
             if result.self_overall is not None and result.overall is not None]
    self_overall, others_overall, gap = _self_and_others(pairs, threshold)
    flags = _gap_flags(gap, len(pairs))
    responses = sum(result.respondents for _, result in included)
    return GroupQuality(instrument, len(scored), len(included), False, responses, competencies, len(pairs),
                        self_overall, others_overall, gap, flags)


def _self_and_others(pairs: list[tuple[float, float]], threshold: int):
    """Mean self, mean others over the same assessees, and their difference (paired)."""
    if len(pairs) < threshold:
        return None, None, None
    own = psychometrics.mean([p[0] for p in pairs])
    others = psychometrics.mean([p[1] for p in pairs])
    return own, others, own - others


def _competency(instrument: Instrument, competency_id: str, questions: list[str],
                included: list[tuple[list[scoring.ScoredResponse], scoring.Result]], threshold: int) -> CompetencyQuality:
    options = instrument.points
    top = max(options)
    answers: list[int] = []
    by_question: dict[str, list[int]] = defaultdict(list)
    complete: list[list[int]] = []
    groups: list[list[float]] = []
    pairs: list[tuple[float, float]] = []
    assessees = responses = 0
    for assessee_responses, result in included:
        means = []
        for response in assessee_responses:
            if response.is_self:
                continue
            given = [response.answers[q] for q in questions if q in response.answers]
            if not given:
                continue
            answers += given
            for q in questions:
                if q in response.answers:
                    by_question[q].append(response.answers[q])
            if len(given) == len(questions):
                complete.append(given)
            means.append(sum(given) / len(given))
        if means:
            groups.append(means)
            assessees += 1
            responses += len(means)
        c = result.competency(competency_id)
        if c.self_average is not None and c.average is not None:
            pairs.append((c.self_average, c.average))

    agreement = psychometrics.one_way(groups)
    alpha = psychometrics.cronbach_alpha(complete)
    item_rest = psychometrics.item_rest_correlations(complete) or tuple(None for _ in questions)
    deleted = psychometrics.alpha_if_deleted(complete) or tuple(None for _ in questions)
    question_figures = []
    for q, r, a in zip(questions, item_rest, deleted):
        values = by_question[q]
        flags = ()
        if r is not None and shown(r) < MIN_ITEM_REST:
            flags = (Flag("weak_question", N_("Question %(question)s agrees little with the other questions of its "
                                              "competency (r = %(r)s, under %(limit)s): it may measure something else."),
                          {"question": instrument.question_number(q), "r": r, "limit": MIN_ITEM_REST}),)
        question_figures.append(QuestionQuality(q, len(values), psychometrics.mean(values), psychometrics.sd(values),
                                                psychometrics.shares(values, [top])[0], r, a, flags))

    self_mean, others_mean, gap = _self_and_others(pairs, threshold)
    shares = psychometrics.shares(answers, options)
    flags = []
    if shares and shares[-1] is not None and shares[-1] > LENIENCY_SHARE:
        flags.append(Flag("leniency", N_("Leniency: %(share)s of the answers are the top option, so a high average "
                                         "says little."), {"share": percent(shares[-1])}))
    if agreement.between_sd is not None and shown(agreement.between_sd) < MIN_SPREAD:
        flags.append(Flag("no_discrimination", N_("No discrimination: the assessees' averages differ little (SD %(sd)s "
                                                  "points, under %(limit)s), so this competency hardly tells people apart."),
                          {"sd": agreement.between_sd, "limit": MIN_SPREAD}))
    if agreement.icc1 is not None and shown(agreement.icc1) < MIN_ICC1:
        flags.append(Flag("low_agreement", N_("Low agreement: raters of the same person differ among themselves about as "
                                              "much as the assessees differ from one another (ICC(1) = %(icc)s, under "
                                              "%(limit)s)."), {"icc": agreement.icc1, "limit": MIN_ICC1}))
    if alpha is not None and shown(alpha) < MIN_ALPHA:
        flags.append(Flag("low_consistency", N_("Low consistency: the questions of this competency do not hang together "
                                                "(Cronbach's alpha %(alpha)s, under %(limit)s)."),
                          {"alpha": alpha, "limit": MIN_ALPHA}))
    flags += _gap_flags(gap, len(pairs))
    if assessees < threshold:  # only when questions are missing from the stored answers
        return CompetencyQuality(competency_id, assessees, responses, len(answers), None, None,
                                 tuple(None for _ in options), None, 0, psychometrics.one_way([]), 0, None, None, None,
                                 (), ())
    return CompetencyQuality(competency_id, assessees, responses, len(answers), psychometrics.mean(answers),
                             psychometrics.sd(answers), shares, alpha, len(complete), agreement, len(pairs),
                             self_mean, others_mean, gap, tuple(question_figures), tuple(flags))


def _gap_flags(gap: float | None, n: int) -> tuple[Flag, ...]:
    if gap is None:
        return ()
    if shown(gap) >= GAP:
        return (Flag("over_rating", N_("Over-rating: assessees rate themselves %(gap)s points higher than their raters "
                                       "do, on average over %(n)s assessees."), {"gap": gap, "n": n}),)
    if shown(gap) <= -GAP:
        return (Flag("under_rating", N_("Under-rating: assessees rate themselves %(gap)s points lower than their raters "
                                        "do, on average over %(n)s assessees."), {"gap": -gap, "n": n}),)
    return ()


# --- reading a campaign ------------------------------------------------------------------------

def campaign_quality(session: Session, campaign: Campaign, instruments: Mapping[str, Instrument], *,
                     threshold: int) -> CampaignQuality:
    """The figures of a closed campaign, per instrument, straight from its responses. Reads no
    person: no name can leak. The pages read the figures kept at closing (``campaigns.figures``)."""
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


def instruments_of(session: Session, campaign: Campaign) -> dict[int, str]:
    """The questionnaire of each assessment of the campaign, by assessment id."""
    return dict(session.execute(
        select(Assessment.id, Assessment.instrument).where(Assessment.campaign_id == campaign.id)).all())


class ResponseCollector:
    """Every assessee's responses and result, gathered from the one pass over a campaign's answers
    (the tally's at closing) for the analysis, which needs a whole group at once.

    The question ids of the answers are shared among the responses rather than one copy each:
    20,000 assessees' responses then take about a third of the memory. The totals the tally has
    just computed give the result, which is then not computed a second time."""

    def __init__(self, instrument_of: Mapping[int, str], instruments: Mapping[str, Instrument], *, threshold: int):
        self.instrument_of = instrument_of
        self.instruments = instruments
        self.threshold = threshold
        self._structures = {i.id: {c.id: [q.id for q in c.questions] for c in i.competencies}
                            for i in instruments.values()}
        self.responses: dict[int, list[scoring.ScoredResponse]] = {a: [] for a in instrument_of}
        self.results: dict[int, scoring.Result] = {a: self._result(a, (), None) for a in instrument_of}
        self._keys: dict[str, str] = {}

    def __call__(self, assessment_id: int, responses: Sequence[scoring.ScoredResponse],
                 totals: Sequence[scoring.Total] | None = None) -> None:
        keys = self._keys
        self.responses[assessment_id] = [
            scoring.ScoredResponse(r.is_self, {keys.setdefault(q, q): p for q, p in r.answers.items()})
            for r in responses]
        self.results[assessment_id] = self._result(assessment_id, responses, totals)

    def _result(self, assessment_id: int, responses: Sequence[scoring.ScoredResponse],
                totals: Sequence[scoring.Total] | None) -> scoring.Result:
        structure = self._structures.get(self.instrument_of[assessment_id], {})
        if totals is None:
            return scoring.assess(structure, responses, threshold=max(1, self.threshold))
        return scoring.from_totals(list(structure), totals, threshold=max(1, self.threshold))

    def quality(self, campaign: Campaign) -> CampaignQuality:
        groups = []
        for instrument_id, instrument in self.instruments.items():
            chosen = [a for a, i in sorted(self.instrument_of.items()) if i == instrument_id]
            if chosen:
                groups.append(analyse_group(instrument, [self.responses[a] for a in chosen], threshold=self.threshold,
                                            results=[self.results[a] for a in chosen]))
        return CampaignQuality(campaign.id, campaign.name, self.threshold, tuple(groups))


# --- two campaigns side by side ----------------------------------------------------------------

@dataclass(frozen=True)
class PairedGroup:
    instrument: Instrument
    a: GroupQuality | None
    b: GroupQuality | None

    def competencies(self):
        for c in self.instrument.competencies:
            yield c, competency_of(self.a, c.id), competency_of(self.b, c.id)

    def questions(self):
        for c, ca, cb in self.competencies():
            for q in c.questions:
                yield c, q, ca.question(q.id) if ca else None, cb.question(q.id) if cb else None


def competency_of(group: GroupQuality | None, competency_id: str) -> CompetencyQuality | None:
    if group is None or group.withheld:
        return None
    return group.competency(competency_id)


def paired(a: CampaignQuality, b: CampaignQuality, instruments: Mapping[str, Instrument]) -> list[PairedGroup]:
    """The groups of two campaigns matched by instrument, competencies matched by id."""
    return [PairedGroup(instrument, a.group(iid), b.group(iid)) for iid, instrument in instruments.items()
            if a.group(iid) is not None or b.group(iid) is not None]


# --- labels ---------------------------------------------------------------------------------------

def group_label(instrument: Instrument, gettext: Gettext, language: str) -> str:
    message = GROUP_LABELS.get(instrument.id)
    return gettext(message) if message else instrument.title(language)


def competency_name(instrument: Instrument, competency_id: str, language: str) -> str:
    return next((c.name(language) for c in instrument.competencies if c.id == competency_id), competency_id)
