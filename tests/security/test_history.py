"""No copy of the database holds an earlier state of who answered and what.

The attack: copy the folder of a SQLite database while the site serves (or after the campaign is
closed), then replay its write-ahead log commit by commit. Each submit marks one invitation done
and adds one response, so two consecutive states tie an answer to its named rater, and the secret
is not needed. Old WAL frames left after a checkpoint, a rollback journal left behind and deleted
rows in free space hold such states too. These tests do what the attacker did, reading the files
by their documented formats (https://www.sqlite.org/fileformat2.html), after every respondent
request and after closing, and read rows out of the pages' unused space as forensic tools do.

On PostgreSQL the same history lives in the old row versions that updates and deletes leave in
the tables' files until they are vacuumed; closing must rewrite the tables without them.
"""
from __future__ import annotations

import json
import re
import shutil
import sqlite3
import struct
from pathlib import Path

import pytest
from sqlalchemy import text

from conftest import csrf, wait_for_jobs
from survey.campaigns import tokens

SECRET = "test-secret-key-not-for-production"
WAL_MAGIC = (0x377F0682, 0x377F0683)
JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")


# -- Reading a copy as the attacker did ------------------------------------------------------------

def page_size_of(image: bytes) -> int:
    size = struct.unpack_from(">H", image, 16)[0]
    return 65536 if size == 1 else size


def wal_frames(wal: bytes, page_size: int) -> list[tuple[int, int, bytes]]:
    """Every frame in the file as (page number, database size if a commit, page image), whether
    SQLite would still use it or not: frames of an earlier generation (other salts) are ordered
    first, since they are older than the current generation's."""
    if len(wal) < 32:
        return []
    magic, _version, size, _seq, salt1 = struct.unpack_from(">IIIII", wal, 0)
    if magic in WAL_MAGIC and size:
        page_size = size
    current, older = [], []
    for offset in range(32, len(wal) - 24 - page_size + 1, 24 + page_size):
        number, commit, frame_salt1 = struct.unpack_from(">III", wal, offset)
        if number:
            frame = (number, commit, wal[offset + 24:offset + 24 + page_size])
            (current if frame_salt1 == salt1 else older).append(frame)
    return older + current


def journal_size(journal: bytes) -> int | None:
    """The database's size in pages before the transaction, from the journal's first header."""
    if journal[:8] != JOURNAL_MAGIC:
        return None
    return struct.unpack_from(">I", journal, 16)[0]


def journal_pages(journal: bytes) -> list[tuple[int, bytes]]:
    """The before-images a rollback journal holds: a header padded to the sector size, then
    records of page number, page image and checksum; a journal may hold several such segments."""
    pages, offset = [], 0
    while offset + 28 <= len(journal) and journal[offset:offset + 8] == JOURNAL_MAGIC:
        records, _nonce, _size, sector, page_size = struct.unpack_from(">IIIII", journal, offset + 8)
        if not sector or not page_size:
            break
        offset += sector
        if records in (0, 0xFFFFFFFF):  # "as many as the file holds" (synchronous=OFF)
            records = (len(journal) - offset) // (page_size + 8)
        for _ in range(records):
            if offset + page_size + 8 > len(journal):
                break
            pages.append((struct.unpack_from(">I", journal, offset)[0], journal[offset + 4:offset + 4 + page_size]))
            offset += page_size + 8
        offset = -(-offset // sector) * sector
    return pages


def with_page(image: bytes, number: int, page: bytes, page_size: int) -> bytes:
    start = (number - 1) * page_size
    padded = image.ljust(start, b"\0")
    return padded[:start] + page + padded[start + page_size:]


def state_of(image: bytes, scratch: Path):
    """Who is done and what was answered, as a database image says; None if it is no database."""
    if len(image) < 100:
        return None
    image = bytearray(image)
    image[18:20] = b"\x01\x01"  # read as a rollback-journal database, without looking for a WAL
    scratch.write_bytes(image)
    try:
        db = sqlite3.connect(f"file:{scratch}?immutable=1", uri=True)
        try:
            return (frozenset((i, k, bool(d), b) for i, k, d, b in
                              db.execute("SELECT id, key, done, draft FROM invitations")),
                    frozenset((i, a, bool(s), json.dumps(json.loads(r), sort_keys=True)) for i, a, s, r in
                              db.execute("SELECT id, assessment_id, is_self, answers FROM responses")))
        finally:
            db.close()
    except sqlite3.DatabaseError:
        return None


def files_of(database: Path, folder: Path) -> dict[str, bytes]:
    return {p.name[len(database.name):] or "db": p.read_bytes() for p in folder.glob(database.name + "*")}


def take_copy(database: Path, to: Path) -> Path:
    """The folder as ``cp`` would copy it while the server runs: the database and every file
    SQLite keeps beside it."""
    to.mkdir()
    for path in database.parent.glob(database.name + "*"):
        shutil.copyfile(path, to / path.name)
    return to / database.name


def as_sqlite_sees_it(copy: Path, scratch: Path) -> bytes:
    """The committed database the copy holds: SQLite's own recovery (WAL replay or hot-journal
    rollback), run on a second copy so that the first stays as taken."""
    scratch.mkdir()
    for path in copy.parent.glob(copy.name + "*"):
        if not path.name.endswith("-shm"):  # SQLite rebuilds the WAL's index from the WAL itself
            shutil.copyfile(path, scratch / path.name)
    db = sqlite3.connect(scratch / copy.name)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    db.execute("PRAGMA journal_mode=DELETE").fetchall()
    db.close()
    return (scratch / copy.name).read_bytes()


def recovered_states(files: dict[str, bytes], scratch: Path) -> list[tuple[str, object]]:
    """Every state an attacker can rebuild from the copy: the database file alone, the file with
    the WAL's frames applied up to each commit, the file with the journal's before-images."""
    image = files["db"]
    scratch_db = scratch / "replay.sqlite"
    states = [("database file", state_of(image, scratch_db))]
    if len(image) >= 100:
        page_size = page_size_of(image)
        replay = image
        for n, (number, commit, page) in enumerate(wal_frames(files.get("-wal", b""), page_size), 1):
            replay = with_page(replay, number, page, page_size)
            if commit:
                states.append((f"WAL up to frame {n}", state_of(replay[:commit * page_size], scratch_db)))
        rolled_back = image
        for number, page in journal_pages(files.get("-journal", b"")):
            rolled_back = with_page(rolled_back, number, page, page_size)
        if "-journal" in files:
            size = journal_size(files["-journal"])
            states.append(("journal's before-images",
                           state_of(rolled_back[:size * page_size] if size else rolled_back, scratch_db)))
    return states


def stale_pages(files: dict[str, bytes], current: bytes) -> list[str]:
    """Page images in the WAL or the journal that differ from the committed page of that number,
    whether or not they can be rebuilt into a readable database."""
    page_size = page_size_of(current)
    images = {"WAL": [(n, page) for n, _commit, page in wal_frames(files.get("-wal", b""), page_size)],
              "journal": journal_pages(files.get("-journal", b""))}
    found = []
    for name, pages in images.items():
        stale = sorted({n for n, page in pages if current[(n - 1) * page_size:n * page_size] != page})
        if stale:
            found.append(f"{name}: {len(pages)} page images, of pages {stale} as they were before")
    return found


KEY = re.compile(r"[0-9a-f]{32}")


def varint(data: bytes, at: int) -> tuple[int | None, int]:
    value = 0
    for n in range(9):
        if at + n >= len(data):
            return None, at
        byte = data[at + n]
        if n == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + n + 1
    return None, at


def carved_rows(region: bytes) -> list[tuple]:
    """Rows of the answer tables found at any offset of a stretch of bytes, as a forensic tool
    reads deleted records: ("invitation", key, done, has draft) or ("response", id). The tail of
    a record may be overwritten; the header, which holds the done flag and whether there is a
    draft, comes first."""
    found = []
    for start in range(len(region)):
        size, at = varint(region, start)
        if size is None or not 3 <= size <= 40:
            continue
        kinds = []
        while at < start + size:
            kind, at = varint(region, at)
            if kind is None or kind in (10, 11):
                break
            kinds.append(kind)
        if at != start + size:
            continue
        if len(kinds) == 7 and kinds[1] == 77 and kinds[5] in (8, 9):  # invitations: id, key, …, done, draft
            key = region[at:at + 32].decode("ascii", "replace")
            if KEY.fullmatch(key):
                found.append(("invitation", key, kinds[5] == 9, kinds[6] != 0))
        elif len(kinds) == 4 and kinds[0] == 77:  # responses: id, assessment, is_self, answers
            key = region[at:at + 32].decode("ascii", "replace")
            if KEY.fullmatch(key):
                found.append(("response", key))
    return found


def unused_space(image: bytes) -> tuple[list[str], list[tuple[int, bytes]]]:
    """What secure_delete must have zeroed (free pages, freed cells), and the stretches it does
    not touch: the gap between each page's cell pointers and its cells, where SQLite can leave an
    old copy of a row it moved to another page."""
    page_size = page_size_of(image)
    found, free, gaps = [], set(), []
    trunk = struct.unpack_from(">I", image, 32)[0]
    while trunk:
        base = (trunk - 1) * page_size
        trunk_next, leaves = struct.unpack_from(">II", image, base)
        free.add(trunk)
        for leaf in struct.unpack_from(f">{leaves}I", image, base + 8):
            free.add(leaf)
            if any(image[(leaf - 1) * page_size:leaf * page_size]):
                found.append(f"free page {leaf} holds data")
        trunk = trunk_next
    for number in range(1, len(image) // page_size + 1):
        base = (number - 1) * page_size
        header = base + (100 if number == 1 else 0)
        kind = image[header]
        if number in free or kind not in (2, 5, 10, 13):  # not a b-tree page (overflow, free)
            continue
        freeblock, cells, content = struct.unpack_from(">HHH", image, header + 1)
        gaps.append((number, image[header + (12 if kind in (2, 5) else 8) + 2 * cells:base + (content or 65536)]))
        while freeblock:
            following, size = struct.unpack_from(">HH", image, base + freeblock)
            if any(image[base + freeblock + 4:base + freeblock + size]):
                found.append(f"page {number}: a freed cell at {freeblock} holds data")
            freeblock = following
    return found, gaps


def left_behind(image: bytes, current_state) -> list[str]:
    """Deleted or moved rows still in the file, unless they are the rows as they are now. A copy
    of a response as it is now says nothing new. A copy of an invitation as it was would: SQLite
    leaves one when it moves invitations between pages, which a table of several pages does as
    drafts come and go (docs/anonymity.md). This campaign's invitations fit one page, and the
    VACUUM at closing writes every page afresh from the live rows."""
    found, gaps = unused_space(image)
    keys = {key: (done, draft is not None) for _i, key, done, draft in current_state[0]}
    responses = {r[0] for r in current_state[1]}
    for number, gap in gaps:
        for row in carved_rows(gap):
            if row[0] == "invitation" and keys.get(row[1]) != row[2:]:
                found.append(f"page {number}: invitation {row[1][:8]}… as it was (done {row[2]}, draft {row[3]})")
            elif row[0] == "response" and row[1] not in responses:
                found.append(f"page {number}: response {row[1][:8]}…, since deleted")
    return found


def traced(states: list, answered_by: dict[str, int]) -> set[int]:
    """The attack itself: between two consecutive states, one invitation turned done and one
    response appeared. The invitations whose answers this ties to them correctly."""
    found = set()
    readable = [s for _origin, s in states if s is not None]
    for before, after in zip(readable, readable[1:]):
        done = {i for i, _k, d, _b in after[0] if d} - {i for i, _k, d, _b in before[0] if d}
        new = {r[3] for r in after[1]} - {r[3] for r in before[1]}
        if len(done) == 1 and len(new) == 1:
            (invitation,), (answers,) = done, new
            if answered_by.get(answers) == invitation:
                found.add(invitation)
    return found


def history_in(copy: Path, current_state, superseded_drafts: list[bytes], scratch: Path,
               answered_by: dict[str, int]) -> tuple[list[str], set[int]]:
    """Everything in the copy that holds an earlier state than the current one, and the
    invitations whose answers replaying the copy ties to them."""
    scratch.mkdir()
    files = files_of(copy, copy.parent)
    current = as_sqlite_sees_it(copy, scratch / "recovered")
    assert state_of(current, scratch / "current.sqlite") == current_state, "the copy is not the database read"
    states = recovered_states(files, scratch)
    found = [f"{origin}: an earlier state ({len(s[1])} responses, {sum(d for _i, _k, d, _b in s[0])} done)"
             for origin, s in states if s is not None and s != current_state]
    found += stale_pages(files, current)
    found += left_behind(current, current_state)
    found += [f"a superseded draft in {name}" for name, data in files.items()
              for sealed in superseded_drafts if sealed in data]
    return found, traced(states + [("now", current_state)], answered_by)


# -- The campaign, driven through the respondent's pages ------------------------------------------

@pytest.fixture
def sqlite_file(store):
    assert store.engine.dialect.name == "sqlite", "marked sqlite_only"
    return Path(store.engine.url.database)


def state_now(store):
    with store.engine.connect() as conn:
        invitations = frozenset((i, k, bool(d), b) for i, k, d, b in
                                conn.exec_driver_sql("SELECT id, key, done, draft FROM invitations"))
        responses = frozenset((i, a, bool(s), json.dumps(json.loads(r), sort_keys=True)) for i, a, s, r in
                              conn.exec_driver_sql("SELECT id, assessment_id, is_self, answers FROM responses"))
    return invitations, responses


def links(store) -> list[tuple[int, str]]:
    with store.engine.connect() as conn:
        return [(i, tokens.sign(SECRET, key)) for i, key in
                conn.exec_driver_sql("SELECT id, key FROM invitations ORDER BY id")]


def draft_of(store, invitation: int) -> bytes | None:
    with store.engine.connect() as conn:
        return conn.execute(text("SELECT draft FROM invitations WHERE id = :i"), {"i": invitation}).scalar()


def unique_answers(html: str, n: int) -> dict[str, str]:
    """Full answers that differ for every invitation (n written in base 5 over the first
    questions), so that a traced pair can be checked against who really answered."""
    ids = list(dict.fromkeys(re.findall(r'type="radio" name="([^"]+)"', html)))
    return {qid: str(1 + (n // 5 ** i) % 5 if i < 3 else 3) for i, qid in enumerate(ids)}


def drive_campaign(client, store, after_each_request):
    """Every invitation answered through its link; every other one first saves a draft, every
    third saves twice (the first draft is then superseded while the link is still open)."""
    answered_by, drafts_by = {}, {}
    for n, (invitation, token) in enumerate(links(store)):
        html = client.get(f"/r/{token}").get_data(as_text=True)
        answers = unique_answers(html, n)
        for saves in range(2 if n % 3 == 0 else 1 if n % 2 == 0 else 0):
            partial = dict(list(answers.items())[:5 + saves])
            assert client.post(f"/r/{token}", data={"action": "save", **partial}).status_code == 302
            drafts_by.setdefault(invitation, []).append(draft_of(store, invitation))
            after_each_request(f"draft {saves + 1} of invitation {invitation}", answered_by, drafts_by)
        assert client.post(f"/r/{token}", data={"action": "submit", **answers}).status_code == 302
        answered_by[json.dumps({q: int(p) for q, p in answers.items()}, sort_keys=True)] = invitation
        after_each_request(f"submit of invitation {invitation}", answered_by, drafts_by)
    return answered_by, drafts_by


def superseded(store, drafts_by: dict[int, list[bytes]]) -> list[bytes]:
    live = {b for _i, _k, _d, b in state_now(store)[0] if b}
    return [d for drafts in drafts_by.values() for d in drafts if d not in live]


@pytest.mark.sqlite_only  # the SQLite files; PostgreSQL has its own test below
def test_no_copy_of_the_sqlite_files_holds_an_earlier_state(client, store, sqlite_file, open_campaign, hr_client,
                                                            tmp_path):
    copies = tmp_path / "copies"
    copies.mkdir()
    taken, history, tied = [], {}, set()

    def copy_and_replay(moment, answered_by, drafts_by):
        n = len(taken)
        copy = take_copy(sqlite_file, copies / f"{n:03d}")
        taken.append(moment)
        found, tied_here = history_in(copy, state_now(store), superseded(store, drafts_by),
                                      copies / f"{n:03d}-scratch", answered_by)
        if found:
            history[moment] = found
        tied.update(tied_here)
        shutil.rmtree(copies / f"{n:03d}-scratch")

    answered_by, drafts_by = drive_campaign(client, store, copy_and_replay)
    closed = hr_client.post("/hr/campaigns/1/close", data={"csrf_token": csrf(hr_client, "/hr/campaigns/1")})
    assert closed.status_code == 302
    wait_for_jobs(store)  # the totals and the compaction are the closing job's
    copy_and_replay("closing", answered_by, drafts_by)

    assert len(answered_by) == len(links(store)) > 30 and len(taken) > 60
    assert not history, (
        f"{len(history)} of {len(taken)} copies hold history; replaying them ties {len(tied)} of "
        f"{len(answered_by)} submitted answers to their raters' invitations ({sorted(tied)}). "
        "The first and the last:\n"
        + "\n".join(f"after the {moment}:\n  " + "\n  ".join(found[:6])
                     for moment, found in list(history.items())[:1] + list(history.items())[-1:]))


# -- The replay finds history where files keep it -------------------------------------------------

def scratch_database(path: Path, journal_mode: str) -> sqlite3.Connection:
    """Tables shaped like the platform's two, with 200 invitations not yet done, each with a draft."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute(f"PRAGMA journal_mode={journal_mode}")
    db.execute("PRAGMA secure_delete=ON")
    db.execute("CREATE TABLE invitations (id INTEGER PRIMARY KEY, key TEXT UNIQUE, assessment_id INTEGER, "
               "rater_id INTEGER, relation TEXT, done BOOLEAN, draft BLOB)")
    db.execute("CREATE TABLE responses (id TEXT PRIMARY KEY, assessment_id INTEGER, is_self BOOLEAN, answers TEXT)"
               " WITHOUT ROWID")
    db.executemany("INSERT INTO invitations VALUES (?, ?, ?, ?, 'peer', 0, ?)",
                   [(i, f"{i:032x}", i // 6, i, bytes([i]) * 400) for i in range(1, 201)])
    return db


def test_the_replay_finds_the_states_a_write_ahead_log_keeps(tmp_path):
    """Without a checkpoint, the WAL keeps each commit: the attack traces the answer. This is the
    check above at work on files that do hold history, so that it cannot pass by reading nothing."""
    database = tmp_path / "wal.sqlite"
    db = scratch_database(database, "WAL")
    db.execute("BEGIN")  # a submit: the invitation done and its response, in one commit
    db.execute("UPDATE invitations SET done = 1 WHERE id = 7")
    db.execute("""INSERT INTO responses VALUES ('r1', 1, 0, '{"q": 4}')""")
    db.execute("COMMIT")
    copy = take_copy(database, tmp_path / "copy")
    current = state_of(as_sqlite_sees_it(copy, tmp_path / "recovered"), tmp_path / "current.sqlite")
    found, tied = history_in(copy, current, [], tmp_path / "scratch", {'{"q": 4}': 7})
    assert tied == {7}
    assert any(line.startswith("WAL up to frame") for line in found) and any(line.startswith("WAL: ") for line in found)
    db.close()


def test_the_replay_reads_a_rollback_journals_before_images(tmp_path):
    """A copy taken while a large write is under way: the file holds pages already changed, the
    journal the committed ones. The replay rebuilds the committed state from the journal."""
    database = tmp_path / "journal.sqlite"
    db = scratch_database(database, "DELETE")
    before = state_of(database.read_bytes(), tmp_path / "before.sqlite")
    db.execute("PRAGMA cache_size=5")  # spill changed pages to the file before the commit
    db.execute("BEGIN")
    db.execute("UPDATE invitations SET done = 1, draft = draft || x'00'")
    copy = take_copy(database, tmp_path / "copy")
    db.execute("ROLLBACK")
    db.close()
    files = files_of(copy, copy.parent)
    assert journal_pages(files["-journal"])
    states = dict(recovered_states(files, tmp_path))
    assert states["journal's before-images"] == before
    assert states["database file"] != before


def test_rows_deleted_without_secure_delete_are_found(tmp_path):
    database = tmp_path / "free.sqlite"
    db = scratch_database(database, "DELETE")
    db.execute("PRAGMA secure_delete=OFF")
    db.execute("DELETE FROM invitations WHERE id > 100 OR id = 7")
    db.close()
    found, _gaps = unused_space(database.read_bytes())
    assert any(f.startswith("free page") for f in found) and any("freed cell" in f for f in found)


def test_the_carver_reads_every_invitation_with_its_state(tmp_path):
    """Run over the whole file, the reader of left-behind rows finds each invitation as stored."""
    database = tmp_path / "carve.sqlite"
    db = scratch_database(database, "DELETE")
    db.execute("UPDATE invitations SET done = 1, draft = NULL WHERE id % 3 = 0")
    db.execute("INSERT INTO responses VALUES (?, 1, 0, ?)", ("0" * 32, '{"q": 4}'))
    db.close()
    rows = carved_rows(database.read_bytes())
    assert sorted(r for r in rows if r[0] == "invitation") == sorted(
        ("invitation", f"{i:032x}", i % 3 == 0, i % 3 != 0) for i in range(1, 201))
    assert ("response", "0" * 32) in rows


def test_a_write_ahead_log_left_by_an_earlier_version_is_folded_in_and_removed(tmp_path):
    """A database last used in WAL mode (a crash, or an earlier version) keeps its history in the
    -wal file until something checkpoints it: the platform's first connection does, and deletes it."""
    from survey.core.database import make_engine

    database = tmp_path / "old" / "survey.sqlite"
    database.parent.mkdir()
    db = scratch_database(database, "WAL")
    db.execute("UPDATE invitations SET done = 1 WHERE id = 7")
    left = take_copy(database, tmp_path / "left")  # as a killed process leaves it
    db.close()
    assert (left.parent / "survey.sqlite-wal").stat().st_size > 0
    engine = make_engine(f"sqlite:///{left}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM invitations WHERE done").scalar() == 1
    engine.dispose()
    assert [p.name for p in left.parent.iterdir()] == ["survey.sqlite"]


def test_the_platform_refuses_a_database_another_process_keeps_in_wal_mode(tmp_path):
    from survey.core.database import JournalModeError, make_engine

    database = tmp_path / "survey.sqlite"
    other = scratch_database(database, "WAL")
    engine = make_engine(f"sqlite:///{database}", busy_timeout=1)
    with pytest.raises(JournalModeError, match="another process"):
        engine.connect()
    other.close()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
    engine.dispose()


# -- PostgreSQL: the old row versions in the tables' files ----------------------------------------

@pytest.fixture
def postgres(store):
    assert store.engine.dialect.name == "postgresql", "marked postgresql_only"
    return store.engine


def heap_versions(engine, table: str, inspect_pages: bool) -> tuple[int, list[bytes]]:
    """How many row versions the table's file holds, live or dead, and their raw contents; read
    from the pages (pageinspect) when the server has it, or else from the statistics ANALYZE
    takes by reading every page of a table this small."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if inspect_pages:
            blocks = conn.execute(text(f"SELECT pg_relation_size('{table}') / current_setting('block_size')::int")).scalar()
            rows = conn.execute(text(
                f"SELECT t_data FROM generate_series(0, {blocks} - 1) AS b, "
                f"LATERAL heap_page_items(get_raw_page('{table}', b::int)) WHERE lp_flags = 1")).scalars().all()
            return len(rows), [bytes(r) for r in rows]
        conn.execute(text(f"ANALYZE {table}"))
        conn.execute(text("SELECT pg_stat_force_next_flush()"))
    with engine.connect() as conn:
        live, dead = conn.execute(text(
            "SELECT n_live_tup, n_dead_tup FROM pg_stat_user_tables WHERE relname = :t"), {"t": table}).one()
    return live + dead, []


@pytest.fixture
def pageinspect(postgres):
    """The page reader, if this server has it and we may install it; removed again afterwards."""
    with postgres.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        existed = conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pageinspect'")).scalar()
        try:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
        except Exception:  # not installed, or not a superuser: the statistics will do
            yield False
            return
    yield True
    if not existed:
        with postgres.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("DROP EXTENSION IF EXISTS pageinspect"))


@pytest.mark.postgresql_only  # PostgreSQL's heap: the run with SURVEY_TEST_DATABASE_URL
def test_closing_leaves_no_old_row_versions_on_postgresql(client, store, postgres, pageinspect, open_campaign,
                                                          hr_client):
    drafts_by = drive_campaign(client, store, lambda *_: None)[1]
    drafts = [d for sealed in drafts_by.values() for d in sealed]
    rows = {table: scalar(postgres, f"SELECT count(*) FROM {table}") for table in ("invitations", "responses")}
    before = {table: heap_versions(postgres, table, pageinspect) for table in rows}
    # The history is there while the campaign is open, so the checks below can fail.
    assert all(before[table][0] > rows[table] for table in rows), (before, rows)
    assert not pageinspect or any(d in c for d in drafts for c in before["invitations"][1])
    filenodes = {table: scalar(postgres, f"SELECT pg_relation_filenode('{table}')") for table in rows}

    closed = hr_client.post("/hr/campaigns/1/close", data={"csrf_token": csrf(hr_client, "/hr/campaigns/1")})
    assert closed.status_code == 302
    wait_for_jobs(store)  # the totals and the compaction are the closing job's

    for table in rows:
        versions, contents = heap_versions(postgres, table, pageinspect)
        assert versions == rows[table], f"{table}: {versions} row versions for {rows[table]} rows"
        assert not [d for d in drafts for c in contents if d in c], f"{table} still holds a draft"
        # The old file is gone with everything in it, not merely marked free for reuse.
        assert scalar(postgres, f"SELECT pg_relation_filenode('{table}')") != filenodes[table], f"{table} not rewritten"


def scalar(engine, sql: str):
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar()
