"""Responses that hold names, figures or working links: no browser or proxy keeps a copy."""
from __future__ import annotations

import io
import re
from typing import Iterable
from urllib.parse import quote

from flask import Response, make_response, send_file
from flask_babel import get_locale

from survey.core import tables

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"

# Kazakh and Russian letters in Latin ones, for the name a client that cannot read UTF-8 names
# gets: Russian as in passports (ICAO Doc 9303), the Kazakh letters by their sound. Dropping the
# letters instead (Werkzeug's fallback) gave every unit's archive the same name.
_LATIN = {"а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
          "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o",
          "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "kh",
          "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e",
          "ю": "iu", "я": "ia"}
_TO_LATIN = str.maketrans({**_LATIN, **{k.upper(): v.capitalize() for k, v in _LATIN.items()}})

def no_store(response, status: int | None = None) -> Response:
    response = make_response(response) if status is None else make_response(response, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def disposition(filename: str, *, inline: bool = False) -> str:
    """RFC 6266: an ASCII name for old clients and the real one (a unit's name in Kazakh) as UTF-8.
    Every download goes through here, a file on disk too: one rule for every name."""
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", filename.translate(_TO_LATIN))
    value = f'{"inline" if inline else "attachment"}; filename="{fallback}"'
    if fallback != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value


def download(data: bytes, filename: str, mimetype: str, *, inline: bool = False) -> Response:
    """``mimetype`` as sent, e.g. ``text/csv; charset=utf-8``: Werkzeug would add a second charset."""
    response = Response(data)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = disposition(filename, inline=inline)
    return no_store(response)


def file_download(path, filename: str, mimetype: str) -> Response:
    """A file on disk (or a spooled one) as an attachment that no browser or proxy keeps."""
    response = send_file(path, mimetype=mimetype, as_attachment=True, download_name=filename, max_age=0)
    response.headers["Content-Disposition"] = disposition(filename)
    return no_store(response)


def csv_download(header: list[str], rows: list[list[object]], filename: str, *, for_systems: bool = False) -> Response:
    """A CSV that the reader's Excel opens in columns: ``;`` for a Kazakh or Russian reader
    (``tables.separator``). ``for_systems`` keeps ``,`` for a file that another program reads."""
    return csv_parts_download(header, [rows], filename, for_systems=for_systems)


def csv_parts_download(header: list[str], parts: Iterable[list[list[object]]], filename: str, *,
                       for_systems: bool = False) -> Response:
    """The same, its rows read a part at a time: the file in memory, never all its rows at once."""
    delimiter = "," if for_systems else tables.separator(str(get_locale()))
    out = io.BytesIO()
    tables.write_csv_stream(out, header, parts, delimiter=delimiter)
    return download(out.getvalue(), filename, CSV)
