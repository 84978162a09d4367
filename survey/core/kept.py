"""Figures kept in the database as JSON, and read back as the very values they were.

The figures of a closed campaign (``campaigns.figures``) are frozen dataclasses: computed once,
stored as JSON, and read back by the type annotations of their fields, so that what a page reads
compares equal to what was computed. Floats survive the round trip exactly (JSON writes the
shortest text that reads back as the same float); a questionnaire is kept as its id and read back
as the questionnaire the server has loaded.
"""
from __future__ import annotations

import collections.abc
import dataclasses
import functools
import types
import typing
from typing import Any, Mapping

from survey.core.instruments import Instrument


def encode(value: Any) -> Any:
    """Plain JSON values of a figure: dataclasses as objects, tuples as arrays."""
    if isinstance(value, Instrument):
        return value.id
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
    if isinstance(value, (tuple, list)):
        return [encode(v) for v in value]
    if isinstance(value, collections.abc.Mapping):
        return {k: encode(v) for k, v in value.items()}
    return value


def decode(kind: Any, value: Any, instruments: Mapping[str, Instrument]) -> Any:
    """The value of type ``kind`` that ``encode`` turned into ``value``."""
    if kind is Instrument:
        return instruments[value]
    if dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        return kind(**{name: decode(hint, value[name], instruments) for name, hint in hints.items()})
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        return decode(next(a for a in args if a is not type(None)), value, instruments)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(decode(args[0], v, instruments) for v in value)
        return tuple(decode(a, v, instruments) for a, v in zip(args, value))
    if origin in (dict, collections.abc.Mapping):
        return {k: decode(args[1], v, instruments) for k, v in value.items()}
    return value


@functools.cache
def _hints(kind: type) -> dict[str, Any]:
    hints = typing.get_type_hints(kind)
    return {f.name: hints[f.name] for f in dataclasses.fields(kind) if f.init}
