"""The result page and its downloads, on one finished run shared by the tests of this module."""

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from clusterpact.evaluation import domain, pipeline
from clusterpact.evaluation.models import RunStatus


@pytest.fixture
def run(synthetic_dataset, evaluator, django_capture_on_commit_callbacks):
    params = pipeline.RunParameters(bootstrap=99, seed=2, by_size_class=False)
    with django_capture_on_commit_callbacks(execute=True):
        run = domain.start_run(dataset=synthetic_dataset, user=evaluator, parameters=params)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    return run


@pytest.mark.django_db
def test_result_page_downloads_and_public_pages(client, evaluator, run, synthetic_registry):
    numbers = synthetic_registry["enterprise_number"].to_list()
    client.force_login(evaluator)

    page = client.get(run.get_absolute_url()).content.decode()
    assert "<svg" in page and "<title>" in page and "<desc>" in page
    assert "ATT(g,t)" in page
    assert run.data_sha256 in page and run.library_version in page
    assert "log_employment" in page  # the TFP estimates
    assert "style=" not in page.split("<main", 1)[1]
    assert not [n for n in numbers if n in page]

    other = client.get(
        run.get_absolute_url(), {"outcome": "employment", "scope": "cluster", "key": "alpha"}
    )
    assert "Alpha Cluster" in other.content.decode()

    response = client.get(reverse("evaluation:run-download", args=[run.pk, "json"]))
    document = json.loads(response.content)
    assert document["run"]["data_sha256"] == run.data_sha256
    assert document["run"]["parameters"]["seed"] == 2
    assert not [n for n in numbers if n in response.content.decode()]

    response = client.get(reverse("evaluation:run-download", args=[run.pk, "xlsx"]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert {"Run", "Summary", "ATT(g,t)", "Event study", "TFP"} <= set(workbook.sheetnames)

    response = client.get(reverse("evaluation:run-download", args=[run.pk, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")

    client.logout()
    home = client.get(reverse("home")).content.decode()
    assert "Synthetic panel" not in home and not [n for n in numbers if n in home]
    assert client.get(run.get_absolute_url()).status_code == 302
