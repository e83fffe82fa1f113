import json

import pytest
from django.core.management import call_command

from clusterpact.evaluation import domain, pipeline
from clusterpact.evaluation.models import EvaluationRun, RunStatus
from clusterpact.evaluation.tasks import run_evaluation

from .conftest import EFFECT


@pytest.fixture
def finished_run(synthetic_dataset, evaluator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = domain.start_run(
            dataset=synthetic_dataset,
            user=evaluator,
            parameters=pipeline.RunParameters(seed=1),
        )
    run.refresh_from_db()
    return run


@pytest.mark.django_db
def test_a_run_recovers_the_membership_effect_on_tfp(finished_run):
    assert finished_run.status == RunStatus.DONE, finished_run.error
    result = finished_run.result
    tfp = {row["term"]: row["estimate"] for row in result["tfp"]["coefficients"]}
    assert tfp["log_employment"] == pytest.approx(0.65, abs=0.06)
    assert tfp["log_capital"] == pytest.approx(0.30, abs=0.06)
    overall = next(
        a for a in result["analyses"] if a["outcome"] == "tfp" and a["scope"] == "overall"
    )
    simple = overall["aggregates"]["simple"]
    assert abs(simple["att"] - EFFECT) < max(3 * simple["se"], 0.02)
    assert simple["ci_lower"] > 0
    assert finished_run.progress == 1.0
    assert finished_run.data_sha256 == finished_run.dataset.sha256
    assert result["parameters"]["seed"] == 1 and result["library_version"]


@pytest.mark.django_db
def test_a_run_covers_clusters_and_size_classes_and_skips_small_groups(finished_run):
    analyses = finished_run.result["analyses"]
    keys = {(a["outcome"], a["scope"], a["key"]) for a in analyses}
    assert ("tfp", "cluster", "alpha") in keys and ("employment", "size_class", "small") in keys
    large = next(a for a in analyses if a["scope"] == "size_class" and a["key"] == "large")
    assert large["status"] == "skipped"
    assert "member firms" in large["reason"]


@pytest.mark.django_db
def test_the_result_holds_no_enterprise_number(finished_run, synthetic_registry):
    text = json.dumps(finished_run.result)
    numbers = synthetic_registry["enterprise_number"].to_list()
    assert not [n for n in numbers if n in text]


@pytest.mark.django_db
def test_tfp_is_skipped_with_a_reason_without_the_inputs(synthetic_dataset, evaluator):
    params = pipeline.RunParameters(tfp_method="op", by_cluster=False, by_size_class=False)
    run = EvaluationRun.objects.create(
        dataset=synthetic_dataset, parameters=params.as_dict(), data_sha256="x", library_version="x"
    )
    assert domain.execute_run(run.pk) == "done"
    run.refresh_from_db()
    assert run.result["tfp"] is None
    assert "investment" in run.result["tfp_skipped"]
    assert {a["outcome"] for a in run.result["analyses"]} == {"value_added", "employment"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_worker_processes_a_queued_run(synthetic_dataset, evaluator):
    params = pipeline.RunParameters(outcomes=("employment",), by_cluster=False, by_size_class=False)
    run = EvaluationRun.objects.create(
        dataset=synthetic_dataset, parameters=params.as_dict(), data_sha256="x", library_version="x"
    )
    run_evaluation.using(backend="worker").enqueue(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED
    call_command("db_worker", "--batch", "--backend", "worker", "--no-startup-delay", "--no-reload")
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert run.result["analyses"][0]["status"] == "done"
