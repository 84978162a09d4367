"""Responses that hold names, figures or working links: no browser or proxy keeps a copy."""
from __future__ import annotations

from flask import Response, make_response


def no_store(response, status: int | None = None) -> Response:
    response = make_response(response) if status is None else make_response(response, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def download(data: bytes, filename: str, mimetype: str, *, inline: bool = False) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    return no_store(response)
