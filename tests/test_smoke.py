import pytest


@pytest.mark.django_db
def test_home_page_is_public_and_in_dutch_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b'lang="nl"' in response.content


@pytest.mark.django_db
def test_the_public_result_pages_linked_from_home_open_without_login(client):
    from django.urls import reverse

    home = client.get("/").content.decode()
    for name in ("pacts:public-comparison", "scenarios:public"):
        url = reverse(name)
        assert f'href="{url}"' in home
        assert client.get(url).status_code == 200
