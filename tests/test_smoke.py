import pytest


@pytest.mark.django_db
def test_home_page_is_public_and_in_dutch_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b'lang="nl"' in response.content
