"""HR runs the campaign without learning who has answered: the e-mail page names the addressees of
invitations (every rater gets one) but counts reminders (only those not yet done get one), and no
list marks a rater as done."""
from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from sqlalchemy import select

from survey.core.models import Person, SentMessage


def test_the_email_page_never_names_who_was_reminded(hr_client, store, open_campaign):
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    with store.transaction() as session:
        people = {p.employee_id: p for p in session.scalars(select(Person))}
        for eid in ("S1", "S2", "S3", "S4", "S5", "H1", "D1"):
            session.add(SentMessage(campaign_id=1, rater_id=people[eid].id, kind="invitation", ok=True, at=now))
        session.add(SentMessage(campaign_id=1, rater_id=people["S3"].id, kind="reminder", ok=True, at=now))
        session.add(SentMessage(campaign_id=1, rater_id=people["S4"].id, kind="reminder", ok=False, error="refused",
                                at=now))
        session.execute(Person.__table__.update().where(Person.employee_id == "S2").values(email=""))
    html = hr_client.get("/hr/campaigns/1/email?lang=en").get_data(as_text=True)
    assert f"{format_date(now.date(), 'medium', locale='en')}: 1 sent, 1 failed" in html
    sent = html.split("<h2>Messages sent</h2>", 1)[1]
    assert sent.count("Servant 3") == sent.count("Servant 4") == sent.count("Servant 1") == 1  # the invitation
    assert "refused" not in sent
    without = html.split("Raters without an e-mail address", 1)[1].split("Messages sent", 1)[0]
    assert "Servant 2" in without and "open" not in without
