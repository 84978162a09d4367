"""The training needs as .xlsx: the trainers' figures (no names, hidden cells as on the page) and
HR's cohorts (who should attend each topic: it names people, so it is HR's only)."""
from __future__ import annotations

from survey.core.workbook import PERCENT, TWO_DECIMALS, Book, Column
from survey.results import scoring
from survey.quality.figures import group_label
from survey.training.needs import Gettext, Picture, Population, cohorts, hidden_label, proposals
from survey.training.topics import Catalogue


def needs_workbook(picture: Picture, catalogue: Catalogue | None, *, language: str, gettext: Gettext) -> bytes:
    """The trainer's figures as .xlsx, the same as the page: no names, hidden cells left as text."""
    book = Book()
    about = book.sheet(gettext("About"), widths=[48, 40])
    rows = [(gettext("Campaign"), picture.campaign),
            (gettext("Unit"), picture.unit or gettext("Whole body")),
            (gettext("Questionnaire"), ", ".join(group_label(s.instrument, gettext, language)
                                                 for s in picture.sections)),
            (gettext("Assessees with results"), sum(s.assessees for s in picture.sections))]
    if picture.unit is None:
        rows.append((gettext("Assessees whose results are withheld (not counted)"),
                     sum(s.withheld or 0 for s in picture.sections)))
    rows += [(gettext("Anonymity threshold"), picture.threshold), (), (_rules(picture.threshold, gettext),)]
    for row in rows:
        about.row(row, bold_first=True)

    columns = [Column(gettext("Questionnaire"), lambda r: r[0]), Column(gettext("Rank"), lambda r: r[1].rank),
               Column(gettext("Competency"), lambda r: r[1].name(language)),
               Column(gettext("Mean"), lambda r: _r(r[1].mean), TWO_DECIMALS)]
    if picture.unit is not None:
        columns.append(Column(gettext("Body mean"), lambda r: _r(r[1].body_mean), TWO_DECIMALS))
    columns += [Column(gettext("Among the three least developed"), lambda r: r[1].among_weakest),
                Column(gettext("Share"), lambda r: round(r[1].share, 4), PERCENT),
                Column(gettext("Averages under 3.0"), lambda r: r[1].below_low),
                Column(gettext("Assessees"), lambda r: r[1].assessees)]
    needs = book.table(gettext("Training needs"), columns)
    for section in picture.sections:
        label = group_label(section.instrument, gettext, language)
        if section.hidden:
            needs.row([label, None, hidden_label(section.hidden, picture.threshold, gettext)])
            continue
        for need in section.needs:
            needs.add((label, need))

    if picture.unit is None:
        _heat_sheet(book, picture, language, gettext)

    topics = book.table(gettext("Proposed topics"), [
        Column(gettext("Questionnaire"), lambda r: group_label(r[0].instrument, gettext, language)),
        Column(gettext("Rank"), lambda r: r[1].need.rank),
        Column(gettext("Competency"), lambda r: r[1].need.name(language)),
        Column(gettext("Topic"), lambda r: r[2].title(language), width=48),
        Column(gettext("Description"), lambda r: r[2].description(language), width=80)])
    for section in picture.sections:
        for proposal in proposals(section, catalogue):
            for topic in proposal.topics:
                topics.add((section, proposal, topic))
    return book.save()


def _heat_sheet(book: Book, picture: Picture, language: str, gettext: Gettext) -> None:
    """The heatmap of the page as a table per questionnaire: units across, competencies down."""
    maps = [(s, s.heatmap) for s in picture.sections if s.heatmap is not None]
    width = max([2 + len(m.columns) + (1 if m.others else 0) for _, m in maps], default=1)
    heat = book.sheet(gettext("By unit"), widths=[44] + [18] * (width - 1))
    for section, m in maps:
        columns = [m.body] + list(m.columns) + ([m.others] if m.others else [])
        names = [gettext("Whole body")] + [c.unit or gettext("(no unit)") for c in m.columns]
        if m.others:
            names.append(gettext("Hidden units, combined"))
        heat.row([group_label(section.instrument, gettext, language)] + names, bold_first=True)
        heat.row([gettext("Assessees")] + [c.assessees if c.assessees is not None
                                           else hidden_label(c.hidden, picture.threshold, gettext) for c in columns])
        for competency in m.competencies:
            heat.row([section.competency_name(competency, language)] + [
                _r(c.means.get(competency)) if c.hidden is None else hidden_label(c.hidden, picture.threshold, gettext)
                for c in columns], [None] + [TWO_DECIMALS] * len(columns))
        heat.blank()


def write_cohorts(target, population: Population, catalogue: Catalogue, *, language: str, gettext: Gettext,
                  threshold: int, instrument: str | None = None, unit: str | None = None) -> None:
    """HR's cohorts into ``target`` (a path or a binary file; never the whole file in memory: it is
    16 MB at 100,000 assessees): a sheet of topics with the size of their cohort, and a sheet with
    one row per competency and person, the competency's topics beside them (filter by a topic's
    words to see who should attend it)."""
    found = cohorts(population, catalogue, instrument=instrument, unit=unit)
    names = _competency_names(population, language)
    book = Book()
    summary = book.table(gettext("Topics"), [
        Column(gettext("Topic"), lambda r: r[1].title(language), width=48),
        Column(gettext("Competency"), lambda r: names.get(r[0].competency_id, r[0].competency_id)),
        Column(gettext("People"), lambda r: len(r[0].members)),
        Column(gettext("Description"), lambda r: r[1].description(language), width=80)])
    for cohort in found:
        for topic in cohort.topics:
            summary.add((cohort, topic))
    withheld = population.withheld_count(instrument, unit)
    notes = [gettext("Campaign: %(name)s", name=population.campaign),
             gettext("An assessee is in the cohort of a topic when the topic's competency is among their "
                     "three least-developed competencies (order No. 260, para 37); ties at the third place "
                     "are included, so a person can be in the cohorts of more than three competencies.")]
    if withheld:
        notes.append(gettext("%(num)d assessees are in no cohort: fewer than %(threshold)d colleagues answered "
                             "about them, so their results are withheld.", num=withheld,
                             threshold=threshold))
    summary.blank()
    for note in notes:
        summary.row([note], italic=True)

    labels = {i: group_label(instrument, gettext, language) for i, instrument in population.instruments.items()}
    people = book.table(gettext("Cohorts"), [
        Column(gettext("Competency"), lambda r: r[0], width=32),
        Column(gettext("Topics"), lambda r: r[1], width=60),
        Column(gettext("Questionnaire"), lambda r: labels[r[2].instrument.id]),
        Column(gettext("Employee id"), lambda r: r[2].person.employee_id),
        Column(gettext("Full name"), lambda r: r[2].person.full_name, width=32),
        Column(gettext("Position"), lambda r: r[2].person.position, width=28),
        Column(gettext("Unit"), lambda r: r[2].unit, width=32),
        Column(gettext("Their average"), lambda r: _r(r[2].averages.get(r[3])), TWO_DECIMALS)])
    for cohort in found:
        name = names.get(cohort.competency_id, cohort.competency_id)
        titles = "; ".join(t.title(language) for t in cohort.topics)
        for member in cohort.members:
            people.add((name, titles, member, cohort.competency_id))
    people.filter()
    book.save(target)


def _competency_names(population: Population, language: str) -> dict[str, str]:
    return {c.id: c.name(language) for instrument in population.instruments.values()
            for c in instrument.competencies}


def _rules(threshold: int, gettext: Gettext) -> str:
    return gettext(
        "Only closed campaigns and only assessees whose results are not withheld are counted. An assessee's three "
        "least-developed competencies are their three lowest averages (ties at the third place included). "
        "The ranking puts first the competency that is among the three least developed of the most assessees, "
        "then the one with more averages under 3.0, then the lower mean. Figures over fewer than %(num)d "
        "assessees are not shown.", num=threshold)


def _r(value: float | None) -> float | None:
    return scoring.rounded(value)
