"""Long lists a page at a time: a body of 20,000 must not become a page of megabytes. The page
number and a search word come from the query string; links keep the other arguments."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence
from urllib.parse import urlencode

from flask import request

PAGE_SIZE = 100


@dataclass(frozen=True)
class Page:
    items: Sequence
    number: int
    pages: int
    total: int

    def url(self, number: int) -> str:
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "page"] + [("page", str(number))]
        return "?" + urlencode(args)


def query() -> str:
    return request.args.get("q", "").strip()


def page_of(items: Sequence, size: int | None = None) -> Page:
    """``items`` cut to the page asked for (the last one if the number is past the end)."""
    size = size or PAGE_SIZE
    pages = max(1, -(-len(items) // size))
    try:
        number = min(max(1, int(request.args.get("page", "1"))), pages)
    except ValueError:
        number = 1
    return Page(items[(number - 1) * size:number * size], number, pages, len(items))
