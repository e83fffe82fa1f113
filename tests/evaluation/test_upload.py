import pytest
from django.utils import translation

from clusterpact.evaluation import domain
from clusterpact.evaluation.messages import panel_problem
from clusterpact.evaluation.models import Dataset
from clusterpact.evaluation.panels import PanelError, PanelProblem

from .conftest import ROLES

GOOD = (
    "enterprise_number,year,value_added,employment,capital,materials\n"
    "0123.456.749,2019,100,5,50,40\n"
    "BE 0123456749,2020,110,5,52,42\n"
    "200065765,2019,900,40,400,300\n"
)


def _upload(text: str, roles=ROLES, filename="panel.csv"):
    return domain.register_dataset(
        content=text.encode(), filename=filename, name="Panel", roles=roles
    )


def _problems(text: str, roles=ROLES) -> list[str]:
    """The problems as the uploader reads them (in English)."""
    with pytest.raises(PanelError) as caught:
        _upload(text, roles)
    with translation.override("en"):
        return [panel_problem(problem) for problem in caught.value.problems]


@pytest.mark.django_db
def test_upload_normalises_numbers_and_stores_parquet_with_counts_and_hash():
    dataset = _upload(GOOD)
    assert (dataset.n_rows, dataset.n_firms, dataset.n_years) == (3, 2, 2)
    assert (dataset.first_year, dataset.last_year) == (2019, 2020)
    assert dataset.columns == [
        "enterprise_number",
        "year",
        "value_added",
        "employment",
        "capital",
        "materials",
    ]
    frame = domain.read_panel(dataset)
    assert frame["enterprise_number"].to_list() == ["0123456749", "0123456749", "0200065765"]
    assert len(dataset.sha256) == 64


@pytest.mark.django_db
def test_semicolon_csv_is_read():
    assert _upload(GOOD.replace(",", ";")).n_rows == 3


@pytest.mark.django_db
def test_missing_column_is_named_with_the_columns_found():
    problems = _problems(GOOD, {**ROLES, "capital": "kapitaal"})
    assert problems == [
        "Column 'kapitaal' (capital) is not in the file; the file has: enterprise_number, "
        "year, value_added, employment, capital, materials."
    ]
    assert not Dataset.objects.exists()


@pytest.mark.django_db
def test_bad_enterprise_numbers_are_counted_with_examples_and_reasons():
    text = GOOD + "0123456789,2019,1,1,1,1\nabc,2019,1,1,1,1\n"
    (problem,) = _problems(text)
    assert problem.startswith(
        "2 rows have an invalid Belgian enterprise number in column 'enterprise_number'"
    )
    assert "row 5: '0123456789' has a wrong check number: 89 instead of 49" in problem
    assert "row 6: 'abc' is not a Belgian enterprise number" in problem


@pytest.mark.django_db
def test_non_numeric_value_column_is_reported_with_rows():
    text = GOOD + "0403170701,2019,n/a,3,3,3\n"
    assert _problems(text) == [
        "Column 'value_added' (value_added) must be numeric; 1 row is not (row 5: 'n/a')."
    ]


@pytest.mark.django_db
def test_duplicate_firm_years_are_reported():
    text = GOOD + "0123456749,2019,1,1,1,1\n"
    assert _problems(text) == [
        "2 rows repeat a firm-year (enterprise number and year must identify a row), "
        "e.g. 0123.456.749 in 2019."
    ]


@pytest.mark.django_db
def test_bad_years_are_reported():
    text = GOOD + "0403170701,2019.5,1,1,1,1\n"
    (problem,) = _problems(text)
    assert problem.startswith("Column 'year' (year) must hold whole years")


@pytest.mark.django_db
def test_several_problems_are_reported_together_and_nothing_is_stored(tmp_path):
    text = GOOD + "0123456789,2019,x,1,1,1\n"
    problems = _problems(text)
    assert len(problems) == 2
    assert not Dataset.objects.exists()
    assert not list((tmp_path / "media").rglob("*.parquet"))


@pytest.mark.django_db
def test_unsupported_file_type_is_refused():
    with pytest.raises(PanelError, match="Upload a .csv or .parquet file"):
        _upload(GOOD, filename="panel.xlsx")


def test_every_problem_code_has_a_sentence_in_the_readers_language():
    for code in PanelProblem.ENGLISH:
        problem = PanelProblem(
            code,
            {
                "error": "x",
                "column": "c",
                "role": "r",
                "columns": "a, b",
                "count": 2,
                "low": 1,
                "high": 2,
            },
        )
        with translation.override("en"):
            assert panel_problem(problem)
