"""How much of a request body either application reads.

Werkzeug holds MAX_FORM_MEMORY_SIZE and MAX_FORM_PARTS to multipart bodies only: an urlencoded one
is read whole and split into every field it has, bounded by nothing but MAX_CONTENT_LENGTH, and
1.7 million fields in 16 MB kept a worker busy for 12 s. Here a body that is not an upload is held
to MAX_FORM_MEMORY_SIZE as a whole, refused from its Content-Length before a byte is read, and an
urlencoded one to MAX_FORM_PARTS fields, counted with one ``bytes.count`` before any is split off.
"""
from __future__ import annotations

from urllib.parse import parse_qsl

from flask import Request as FlaskRequest
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser


class FormParser(FormDataParser):
    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        data = stream.read()  # no more than max_content_length: the stream refuses the rest
        if self.max_form_parts is not None and data.count(b"&") >= self.max_form_parts:
            raise RequestEntityTooLarge()
        items = parse_qsl(data.decode(), keep_blank_values=True, errors="werkzeug.url_quote")
        return stream, self.cls(items), self.cls()


class Request(FlaskRequest):
    """The staff application's: only a multipart body, which may carry a roster or a rater list,
    may be as large as MAX_CONTENT_LENGTH; any other is a form, as large as a form may be."""

    form_data_parser_class = FormParser

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is not None:
            return self._max_content_length
        if self.mimetype == "multipart/form-data":
            return super().max_content_length
        return self.max_form_memory_size

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


class FormOnlyRequest(Request):
    """The public application's: it takes no file, so every body is held to the size of a form."""

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is not None:
            return self._max_content_length
        return self.max_form_memory_size

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value
