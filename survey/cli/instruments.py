"""``survey instruments``: the questionnaires, checked without the application, which refuses to
start while one of them is not valid."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from survey.cli.common import fail
from survey.core import instruments


@click.group("instruments", cls=AppGroup)
def instruments_group():
    """The questionnaires (YAML files in instruments/)."""


@instruments_group.command("check", with_appcontext=False)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
def instruments_check(files):
    """Validate questionnaire files (default: the folder the platform reads: SURVEY_INSTRUMENTS_DIR,
    else the questionnaires shipped with it)."""
    from survey.core.config import Defaults

    folder = os.environ.get("SURVEY_INSTRUMENTS_DIR") or Defaults.INSTRUMENTS_DIR
    paths = [Path(f) for f in files] or instruments.files_in(folder)
    if not paths:  # the platform cannot start without a questionnaire
        fail(f"no questionnaire (*.yaml) in {folder}")
    errors = instruments.check(paths)
    for error in errors:
        click.echo(str(error), err=True)
    if errors:
        sys.exit(1)
    click.echo(f"{len(paths)} questionnaire(s) valid: {', '.join(str(p) for p in paths)}")


COMMANDS = [instruments_group]
