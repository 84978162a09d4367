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
and this module reads nothing at all: ``quality.gather`` reads a campaign's answers for it (never a
name), and the pages read the figures kept at closing (``campaigns.figures``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np

from survey.quality import psychometrics
from survey.results import scoring
from survey.core import numbers
from survey.core.instruments import Instrument
from survey.core.messages import N_

# Thresholds of the flags (docs/methodology.md, "Measurement quality"). A figure is compared as it
# is shown, rounded to 2 decimals, so that a shown 0.70 is never called "under 0.70".
LENIENCY_SHARE = 0.5  # more than half of all answers at the top option
MIN_SPREAD = 0.25  # SD of the assessees' averages, in points
MIN_ICC1 = 0.10  # LeBreton & Senter (2008): .10 a "medium" effect of the assessee
MIN_ALPHA = 0.70  # Nunnally (1978)
MIN_ITEM_REST = 0.30  # corrected item-total correlation, customary rule of thumb
GAP = 0.50  # self minus others, in points: half an answer option
DECIMALS = 2
NOT_ANSWERED = float("nan")

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
                  threshold: int) -> GroupQuality:
    """The figures of one instrument over its assessees; each item of ``assessees`` is every
    response about one assessee (self-assessment included, marked ``is_self``)."""
    structure = {c.id: [q.id for q in c.questions] for c in instrument.competencies}
    question_ids = [q.id for q in instrument.questions]
    blocks = [answer_block(question_ids, responses) for responses in assessees]
    return analyse_answers(instrument, blocks,
                           [scoring.assess(structure, responses, threshold=max(1, threshold)) for responses in assessees],
                           threshold=threshold)


_UNANSWERED_CODE = np.iinfo(np.int16).min


def answer_block(question_ids: Sequence[str], responses: Iterable[scoring.ScoredResponse]) -> np.ndarray:
    """The others' answers about one assessee (not the self-assessment), one row a response, one
    column a question of the questionnaire, as small integers: a whole body's answers are held
    until its groups are analysed, and as lists of numbers those of 100,000 assessees took over
    half a gigabyte (two bytes an answer here)."""
    rows = [[r.answers.get(q, _UNANSWERED_CODE) for q in question_ids] for r in responses if not r.is_self]
    return np.array(rows, dtype=np.int16).reshape(len(rows), len(question_ids))


def answer_matrix(blocks: Sequence[np.ndarray], questions: int) -> np.ndarray:
    """The blocks as one matrix of points, NaN where a question was not answered."""
    if not blocks:
        return np.zeros((0, questions))
    codes = np.concatenate(blocks)
    matrix = codes.astype(float)
    matrix[codes == _UNANSWERED_CODE] = NOT_ANSWERED
    return matrix


def analyse_answers(instrument: Instrument, blocks: Sequence[np.ndarray], results: Sequence[scoring.Result], *,
                    threshold: int) -> GroupQuality:
    """The figures of one instrument from its assessees' results and the others' answers
    (``answer_block``: the k-th is about the k-th result), put in one matrix of the assessees whose
    results are not withheld. One matrix, not a list per response and competency: a 20,000-assessee
    body is analysed in seconds, and each figure is computed over the same numbers in the same
    order as a list would give them; made of those assessees' blocks alone, not cut from a matrix of
    everyone's, so that a body's answers are never held twice as floating-point numbers."""
    threshold = max(1, threshold)
    included = [k for k, result in enumerate(results) if not result.withheld]
    if len(included) < threshold:
        return GroupQuality(instrument, len(results), len(included), True, 0, (), 0, None, None, None, ())
    rows = answer_matrix([blocks[k] for k in included], len(instrument.questions))
    owners = np.repeat(np.arange(len(included)), [len(blocks[k]) for k in included])
    kept = [results[k] for k in included]
    column = {q.id: i for i, q in enumerate(instrument.questions)}
    competencies = tuple(_competency(instrument, c.id, [q.id for q in c.questions],
                                     rows[:, [column[q.id] for q in c.questions]], owners, kept, threshold)
                         for c in instrument.competencies)
    pairs = [(result.self_overall, result.overall) for result in kept
             if result.self_overall is not None and result.overall is not None]
    self_overall, others_overall, gap = _self_and_others(pairs, threshold)
    flags = _gap_flags(gap, len(pairs))
    responses = sum(result.respondents for result in kept)
    return GroupQuality(instrument, len(results), len(included), False, responses, competencies, len(pairs),
                        self_overall, others_overall, gap, flags)


def _self_and_others(pairs: list[tuple[float, float]], threshold: int):
    """Mean self, mean others over the same assessees, and their difference (paired)."""
    if len(pairs) < threshold:
        return None, None, None
    own = psychometrics.mean([p[0] for p in pairs])
    others = psychometrics.mean([p[1] for p in pairs])
    return own, others, own - others


def _competency(instrument: Instrument, competency_id: str, questions: list[str], answers: np.ndarray,
                owners: np.ndarray, results: Sequence[scoring.Result], threshold: int) -> CompetencyQuality:
    """``answers``: the others' answers to the competency's questions, a row a response, in the
    order of the assessees (``owners``: the index of each row's assessee in ``results``)."""
    options = instrument.points
    top = max(options)
    given = ~np.isnan(answers)
    counts = given.sum(axis=1)
    some = counts > 0
    by_question = {q: answers[given[:, j], j] for j, q in enumerate(questions)}
    complete = answers[counts == len(questions)]
    means = np.where(given, answers, 0.0).sum(axis=1)[some] / counts[some]  # exact sums of whole points
    answered_by = owners[some]
    groups = np.split(means, np.flatnonzero(np.diff(answered_by)) + 1) if means.size else []
    assessees, responses = len(groups), int(means.size)
    answers = answers[given]  # row by row: the order in which the responses give them
    pairs = []
    for result in results:
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
