import pytest
from django.urls import reverse

from clusterpact.evaluation import domain, pipeline
from clusterpact.evaluation.models import Dataset, EvaluationRun, RunStatus

from .test_upload import GOOD


@pytest.fixture
def dataset(evaluator):
    return domain.register_dataset(
        content=GOOD.encode(),
        filename="panel.csv",
        name="Small panel",
        roles={
            "enterprise_number": "enterprise_number",
            "year": "year",
            "value_added": "value_added",
        },
        user=evaluator,
    )


@pytest.fixture
def queued_run(dataset, evaluator):
    return EvaluationRun.objects.create(
        dataset=dataset,
        parameters=pipeline.RunParameters().as_dict(),
        data_sha256=dataset.sha256,
        library_version="test",
        started_by=evaluator,
        progress=0.4,
        progress_label="TFP: estimating (acf)",
    )


def _urls(dataset, run):
    return [
        reverse("evaluation:index"),
        reverse("evaluation:dataset-detail", args=[dataset.pk]),
        reverse("evaluation:run-detail", args=[run.pk]),
        reverse("evaluation:run-progress", args=[run.pk]),
    ]


def login(client, user):
    client.force_login(user)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["evaluator", "officer", "admin_user"])
def test_evaluators_and_the_agency_open_every_page(request, client, role, dataset, queued_run):
    login(client, request.getfixturevalue(role))
    for url in _urls(dataset, queued_run):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["manager_a", "applicant", "reviewer"])
def test_other_roles_get_404_everywhere(request, client, role, dataset, queued_run):
    login(client, request.getfixturevalue(role))
    for url in _urls(dataset, queued_run):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("evaluation:dataset-upload")).status_code == 404
    assert client.post(reverse("evaluation:run-start", args=[dataset.pk])).status_code == 404
    assert (
        client.get(reverse("evaluation:run-download", args=[queued_run.pk, "json"])).status_code
        == 404
    )


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_login(client, dataset, queued_run):
    for url in _urls(dataset, queued_run):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_wrong_methods_are_refused(client, evaluator, dataset, queued_run):
    login(client, evaluator)
    assert client.post(reverse("evaluation:index")).status_code == 405
    assert client.get(reverse("evaluation:dataset-upload")).status_code == 405
    assert client.get(reverse("evaluation:run-start", args=[dataset.pk])).status_code == 405
    assert client.post(reverse("evaluation:run-detail", args=[queued_run.pk])).status_code == 405


@pytest.mark.django_db
def test_missing_objects_are_404(client, evaluator):
    login(client, evaluator)
    assert client.get(reverse("evaluation:dataset-detail", args=[999])).status_code == 404
    assert client.get(reverse("evaluation:run-detail", args=[999])).status_code == 404


@pytest.mark.django_db
def test_upload_through_the_page_stores_the_panel(client, evaluator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, evaluator)
    data = {
        "name": "Uploaded",
        "file": SimpleUploadedFile("p.csv", GOOD.encode(), content_type="text/csv"),
        "column_enterprise_number": "enterprise_number",
        "column_year": "year",
        "column_value_added": "value_added",
        "column_employment": "employment",
        "column_capital": "capital",
        "column_materials": "materials",
    }
    response = client.post(reverse("evaluation:dataset-upload"), data)
    dataset = Dataset.objects.get(name="Uploaded")
    assert response.status_code == 302 and response["Location"] == dataset.get_absolute_url()
    assert dataset.uploaded_by == evaluator


@pytest.mark.django_db
def test_upload_problems_are_shown_and_nothing_is_stored(client, evaluator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, evaluator)
    data = {
        "name": "Broken",
        "file": SimpleUploadedFile("p.csv", (GOOD + "0123456789,2019,1,1,1,1\n").encode()),
        "column_enterprise_number": "enterprise_number",
        "column_year": "year",
    }
    response = client.post(reverse("evaluation:dataset-upload"), data)
    assert response.status_code == 400
    assert "verkeerd controlegetal: 89 in plaats van 49" in response.content.decode()
    assert not Dataset.objects.filter(name="Broken").exists()


@pytest.mark.django_db
def test_progress_partial_polls_with_htmx_and_has_an_accessible_bar(client, evaluator, queued_run):
    login(client, evaluator)
    page = client.get(reverse("evaluation:run-detail", args=[queued_run.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert '<progress id="run-progress-bar" max="100" value="40" aria-valuemin="0"' in page
    assert 'http-equiv="refresh"' not in page
    assert f'href="{queued_run.get_absolute_url()}"' in page  # the plain refresh link
    assert "style=" not in page and "<script>" not in page


@pytest.mark.django_db
def test_finished_run_tells_htmx_to_reload(client, evaluator, queued_run):
    EvaluationRun.objects.filter(pk=queued_run.pk).update(status=RunStatus.FAILED, error="boom")
    login(client, evaluator)
    url = reverse("evaluation:run-progress", args=[queued_run.pk])
    response = client.get(url, headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"
    assert "boom" in response.content.decode()
    assert "hx-get" not in response.content.decode()


@pytest.mark.django_db
def test_starting_a_run_from_the_page_queues_and_runs_it(
    client, evaluator, synthetic_dataset, django_capture_on_commit_callbacks
):
    login(client, evaluator)
    data = {
        "outcomes": ["employment"],
        "tfp_method": "acf",
        "control_group": "never_treated",
        "did_method": "dr",
        "bootstrap": "0",
        "seed": "5",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluation:run-start", args=[synthetic_dataset.pk]), data)
    run = EvaluationRun.objects.get()
    assert response["Location"] == run.get_absolute_url()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert run.parameters["outcomes"] == ["employment"] and run.parameters["seed"] == 5
    assert run.task_id


@pytest.mark.django_db
def test_run_form_refuses_a_method_whose_proxy_is_missing(client, evaluator, dataset):
    login(client, evaluator)
    data = {
        "outcomes": ["tfp"],
        "tfp_method": "op",
        "control_group": "never_treated",
        "did_method": "dr",
        "bootstrap": "0",
        "seed": "1",
    }
    response = client.post(reverse("evaluation:run-start", args=[dataset.pk]), data)
    assert response.status_code == 400
    assert not EvaluationRun.objects.exists()
