"""What a page or PDF of one individual report needs, for the assessee's link and for the staff
who may read it alike: its language, no copy kept by any cache, no search engine."""
from __future__ import annotations

import io

from flask import Response, g, make_response, render_template, request

from survey.reports import bundle, individual, model, pdf
from survey.web.common.downloads import file_download, no_store


def private(body, status: int = 200) -> Response:
    response = no_store(body, status)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def language(report: model.Report) -> str:
    """?lang= when given, else the assessee's roster language; the page speaks it throughout."""
    chosen = individual.language_of(report, request.args.get("lang"))
    g.language = chosen
    return chosen


def pdf_response(report: model.Report, chosen: str) -> Response:
    return file_download(io.BytesIO(pdf.render(report, chosen)), bundle.pdf_name(report), "application/pdf")


def stylesheet() -> Response:
    """The report's style as a file of the site: the pages allow no inline style (CSP)."""
    response = make_response(render_template("reports/report.css"))
    response.mimetype = "text/css"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
