"""Every piece of wording of the report, translated once and shared by the HTML page and the PDF.

Call :func:`texts` and :func:`wording` inside ``force_locale(language)`` (or a request in that
language). The same words then appear in the browser and on paper, and the catalogues hold each
of them once.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from flask_babel import get_locale, gettext as _

from survey.core import messages, numbers
from survey.core.instruments import LANGUAGES, is_translation
from survey.reports import insights
from survey.results import scoring


def current_language() -> str:
    """The language being written in; outside a request and ``force_locale`` (a job, a command),
    the state language."""
    return str(get_locale() or LANGUAGES[0])


def number(value: float | None, language: str) -> str:
    """Two decimals, the same digits as the results export, with the reader's decimal sign (3,70)."""
    return "—" if value is None else numbers.decimal(value, language)


def signed(value: float | None, language: str) -> str:
    return "—" if value is None else numbers.signed(value, language)


def threshold_text(value: float) -> str:
    """A threshold in the words being translated (inside ``force_locale``): «1,0»."""
    return numbers.decimal(value, current_language(), 1)


def appendix(number: int) -> str:
    """The form's stamp: «...әдістемесіне 7-қосымша»."""
    return _("Appendix %(num)d to the Typical methodology for assessing the work of corps “B” administrative civil "
             "servants of the internal affairs bodies of the Republic of Kazakhstan", num=number)


def texts(threshold: int) -> SimpleNamespace:
    gap = threshold_text(insights.GAP_THRESHOLD)
    return SimpleNamespace(
        # The form of appendices 7 and 8, word for word in Kazakh (the kk catalogue holds the
        # order's own wording; ru and en are our translation, marked as such by ``unofficial``).
        appendix_head=appendix(7),
        appendix_servant=appendix(8),
        form=_("Form"),
        title_head=_("Result of the assessment of a servant by the 360 method (for heads of structural units)"),
        title_servant=_("Results of the assessment of a servant by the 360-degree method (for corps “B” servants)"),
        unofficial=_(messages.UNOFFICIAL_TRANSLATION) if is_translation(current_language()) else "",
        name_head=_("Full name of the head of the structural unit"),
        name_servant=_("Full name of the servant assessed"),
        form_average=_("Average final score by competency"),
        spider=_("Spider chart"),
        form_method=_("The average final results of the assessment for each competency are calculated "
                      "automatically by adding up each respondent's points and dividing by the number of "
                      "respondents (excluding the self-assessment)."),
        added=_("In addition to the form"),
        added_note=_("The form ends above. What follows is not part of it: the self-assessment, the spread of "
                     "the answers, development advice and the previous campaign, to help the assessee, the "
                     "manager and the trainers use the result (order No. 260, paras 10 and 37)."),
        confidential=_("Confidential: the results of the assessment are strictly confidential (order No. 260, para 16)."),
        full_name=_("Full name"),
        position=_("Position"),
        unit=_("Unit"),
        campaign=_("Campaign"),
        closes_on=_("Last day of answering"),
        respondents=_("Respondents (without the self-assessment)"),
        withheld=_("Not enough responses: fewer than %(num)d colleagues answered, so no averages are shown. "
                   "With so few answers an average would reveal what each colleague said.", num=threshold),
        withheld_more=_("For the same reason this report has no charts, no comparison of the self-assessment "
                        "with the colleagues' view and no development advice."),
        number_sign=_("№"),
        competency=_("Competency"),
        average=_("Colleagues' average"),
        self_assessment=_("Self-assessment"),
        difference=_("Difference (self minus colleagues)"),
        agreement=_("Agreement among raters"),
        overall=_("Overall result"),
        result_of_assessment=_("Result of the assessment:"),
        bands={name: _(label) for name, label in scoring.BAND_LABELS.items()},
        agreement_words={
            "agree": _("raters agree"),
            "partly": _("raters partly agree"),
            "disagree": _("raters disagree"),
        },
        no_self=_("No self-assessment was submitted."),
        radar_alt=_("Radar chart of the competency averages and the self-assessment; the same figures are in the table above."),
        radar_caption=_("Radar chart: colleagues' averages (solid line) and the self-assessment (dashed line), scale 0 to 5."),
        others_label=_("Colleagues (average)"),
        self_label=_("Self-assessment"),
        bars_title=_("The same averages from the highest to the lowest"),
        bars_caption=_("Bars: colleagues' averages; red mark: the self-assessment. Scale 0 to 5."),
        comparison=_("Self-assessment and the colleagues' view"),
        blind_spots=_("Possible blind spots"),
        blind_spots_note=_("The self-assessment is at least %(gap)s point higher than the colleagues' average: "
                           "colleagues see less of these competencies than the assessee does. They are worth "
                           "discussing first.", gap=gap),
        hidden_strengths=_("Hidden strengths"),
        hidden_strengths_note=_("The colleagues' average is at least %(gap)s point higher than the self-assessment: "
                                "colleagues see more of these competencies than the assessee does.", gap=gap),
        no_gaps=_("No competency differs by %(gap)s point or more between the self-assessment and the "
                  "colleagues' average.", gap=gap),
        no_self_comparison=_("No self-assessment was submitted, so there is nothing to compare the colleagues' view with."),
        agreement_note=_("Agreement among raters is judged from how far apart the respondents' own averages for a "
                         "competency lie (their standard deviation): under %(agree)s the raters agree, from %(agree)s "
                         "to under %(partly)s they partly agree, %(partly)s or more they disagree. It is shown in "
                         "words only, and only with at least %(num)d respondents.",
                         agree=threshold_text(insights.AGREE_BELOW), partly=threshold_text(insights.PARTLY_BELOW),
                         num=insights.AGREEMENT_MIN_RESPONDENTS),
        agreement_not_shown=_("Agreement among raters is not shown: it needs at least %(num)d respondents.",
                              num=insights.AGREEMENT_MIN_RESPONDENTS),
        development=_("Competencies to develop first"),
        development_note=_("The %(num)d competencies with the lowest averages. Order No. 260 (para 37) asks that "
                           "the least-developed competencies guide the choice of training. Below each: the "
                           "behaviour colleagues observe when the competency is strong, and the behaviour that "
                           "holds it back.", num=insights.LEAST_DEVELOPED),
        effective=_("What effective behaviour looks like"),
        ineffective=_("What holds it back"),
        no_advice=_("No behavioural indicators are on file for this competency."),
        sources_title=_("Where the lines come from"),
        indicators_note=indicators_note(),
        previous=_("Compared with the previous campaign"),
        previous_first=_("This is the assessee's first closed campaign: there is nothing to compare with yet."),
        previous_withheld=_("The previous campaign had too few respondents for its averages to be shown, "
                            "so there is nothing to compare with."),
        now=_("Now"),
        change=_("Change"),
        previous_note=_("The respondents may differ between campaigns: read a change of less than half a point "
                        "with care."),
        notes=_("How to read this report"),
        method=_("Each competency's average is the sum of the points given to its three questions divided by the "
                 "number of those answers, over all respondents except the assessee. The self-assessment is shown "
                 "beside it and is not counted (order No. 260, para 36). The overall result is the mean of the "
                 "competency averages."),
        scale=_("Points of the answer options:"),
        no_relations=_("Answers are stored without who gave them or in which relation (manager, subordinate, peer), "
                       "so the report has no breakdown by relation."),
        page=_("page"),
    )


def previous_heading(campaign_name: str) -> str:
    return _("Previous campaign: %(name)s", name=campaign_name)


def origin_text(origin, language: str) -> str:
    """Where one advice line comes from: the document, the category row and the seed's heading."""
    return _("%(document)s; category %(category)s; competency “%(heading)s”", document=origin.document_name(language),
             category=origin.category_name(language), heading=origin.heading_name(language))


def indicators_note() -> str:
    return _("The Kazakh wording of the indicators is that of the source; the Russian and English wording is our "
             "translation.")


@dataclass(frozen=True)
class Wording:
    """All the translated words one report needs. Made where the translations are (the app), it lets
    a PDF be drawn where they are not: in a worker process without Flask (``bundle``)."""

    t: SimpleNamespace  # the fixed wording: the same for every report in one language and threshold
    sources: dict[str, tuple[str, ...]]  # competency id -> its advice's origins, numbered from 1
    previous_heading: str


def wording(report, language: str, t: SimpleNamespace | None = None) -> Wording:
    """``report``'s words in ``language``; ``t``: its :func:`texts`, when they are at hand already."""
    sources = {item.line.competency_id: tuple(origin_text(o, language) for o in item.advice.origins)
               for item in report.development if item.advice is not None}
    return Wording(t=t if t is not None else texts(report.threshold), sources=sources,
                   previous_heading=previous_heading(report.previous.campaign_name) if report.previous else "")
