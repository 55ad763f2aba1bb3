from conftest import client_for


def test_sanity(operator_a, participant_a, participant_b):
    c = client_for(operator_a)
    r = c.get("/area-riservata/partecipanti/")
    assert r.status_code == 200
    assert b"Benali" in r.content
    assert b"Haddad" not in r.content
