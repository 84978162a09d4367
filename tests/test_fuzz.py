"""Whatever a browser, a script or an attacker sends to a respondent link, the answer is never a 500."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import first_token, full_answers

FIELD = st.one_of(st.sampled_from(["action", "ethics.1", "communication.2", "lang"]),
                  st.text(max_size=40))
VALUE = st.one_of(st.sampled_from(["save", "submit", "1", "5", "0", "6", "-1", "3.0", ""]), st.text(max_size=200))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(form=st.dictionaries(FIELD, VALUE, max_size=30), complete=st.booleans(), path_noise=st.text(max_size=30))
def test_no_form_input_gives_a_server_error(client, store, open_campaign, form, complete, path_noise):
    token = first_token(store, relation="other")
    if complete:  # every question answered, so the noise reaches the submit itself
        form = {**full_answers(client.get(f"/r/{token}").get_data(as_text=True)), **form}
    assert client.post(f"/r/{token}", data=form).status_code < 500
    assert client.get(f"/r/{token}{path_noise}").status_code < 500
    assert client.post(f"/r/{path_noise or 'x'}", data=form).status_code < 500
