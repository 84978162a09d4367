"""Files that jobs prepare for HR to download: every report as a ZIP, the results workbook.

A file belongs to the job that made it, not to a campaign id: its name holds the job's id and the
moment the job was created, so that after the database is replaced (a restore, a new demo) or the
campaign is purged, no download can offer another database's file, and ``sweep`` removes what no
job of this database owns. A file is written under a partial name and renamed when whole, so a
download never gets half of one."""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.core.models import Campaign, Job
from survey.operations import jobs


@dataclass(frozen=True)
class Product:
    """What one kind of job leaves behind: ``prefix-<campaign>-<job>-<stamp><suffix>`` in JOBS_DIR."""
    kind: str
    prefix: str
    suffix: str
    # The parameters that name a file's place: only the newest job's file of each is kept. None:
    # all of them. A file prepared for one state of changing data (the raters' fingerprint) is
    # replaced by the next state's, not kept beside it.
    slot: tuple[str, ...] | None = None

    def place(self, job: Job) -> tuple:
        if self.slot is None:
            return job.campaign_id, job.params
        chosen = json.loads(job.params) if job.params else {}
        return job.campaign_id, jobs.encode({k: v for k, v in chosen.items() if k in self.slot})

    def path(self, config: Mapping, job: Job) -> Path:
        stamp = job.created_at.strftime("%Y%m%d%H%M%S%f")
        return Path(config["JOBS_DIR"]) / f"{self.prefix}-{job.campaign_id}-{job.id}-{stamp}{self.suffix}"

    def newest(self, session: Session, campaign: Campaign, params: Mapping | None = None) -> Job | None:
        return session.scalar(select(Job).where(Job.kind == self.kind, Job.campaign_id == campaign.id,
                                                Job.params == jobs.encode(params), Job.status == "done")
                              .order_by(Job.id.desc()).limit(1))

    def ready(self, session: Session, config: Mapping, campaign: Campaign, params: Mapping | None = None) -> Path | None:
        """The file of the newest finished job for the campaign (and these parameters), if it is there."""
        job = self.newest(session, campaign, params)
        found = self.path(config, job) if job is not None else None
        return found if found is not None and found.exists() else None

    @contextmanager
    def writing(self, session: Session, config: Mapping, campaign: Campaign, params: Mapping | None = None) -> Iterator:
        """The running job's file, open for writing; it takes its final name only when whole."""
        target = self.path(config, jobs.active(session, self.kind, campaign, params))
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        try:
            with open(partial, "wb") as out:
                yield out
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.chmod(0o600)
        partial.replace(target)
        sweep(session, config)


PRODUCTS: dict[str, Product] = {}


def register(product: Product) -> Product:
    PRODUCTS[product.kind] = product
    return product


def sweep(session: Session, config: Mapping) -> int:
    """Remove every prepared file (finished or partial) but that of the newest job of each kind,
    campaign and parameters (those of its ``slot``) in this database: a campaign's earlier files, a
    purged campaign's, another database's."""
    folder = Path(config["JOBS_DIR"])
    if not folder.is_dir():
        return 0
    owned = set()
    for product in PRODUCTS.values():
        newest = {product.place(job): job
                  for job in session.scalars(select(Job).where(Job.kind == product.kind).order_by(Job.id))}
        owned |= {product.path(config, job).name for job in newest.values()}
    prefixes = tuple(f"{p.prefix}-" for p in PRODUCTS.values())
    removed = 0
    for file in folder.iterdir():
        if file.name.startswith(prefixes) and file.name not in owned:
            file.unlink(missing_ok=True)
            removed += 1
    return removed
