"""Location quotients, size, focus and stars on a table computed by hand; the SBS reader."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterpact.analysis.specialisation import (
    SAMPLE_CSV,
    InputError,
    SbsError,
    StarThresholds,
    location_quotients,
    read_sbs_csv,
    stars,
)

# Regions A, B, C; sectors X, Y. Region totals 100, 100, 200; sector totals 30, 370; all 400.
EMPLOYMENT = pl.DataFrame(
    {
        "region": ["A", "A", "B", "B", "C", "C"],
        "sector": ["X", "Y", "X", "Y", "X", "Y"],
        "employees": [5.0, 95.0, 20.0, 80.0, 5.0, 195.0],
    }
)


def _by_pair(frame: pl.DataFrame) -> dict[tuple[str, str], dict]:
    return {(r["region"], r["sector"]): r for r in frame.iter_rows(named=True)}


def test_location_quotient_size_and_focus_by_hand():
    rows = _by_pair(location_quotients(EMPLOYMENT))
    # lq = (e_rs / e_r) / (e_s / e): B in X = (20/100) / (30/400) = 8/3.
    assert rows["B", "X"]["lq"] == pytest.approx(8 / 3)
    assert rows["A", "X"]["lq"] == pytest.approx(2 / 3)
    assert rows["C", "X"]["lq"] == pytest.approx(1 / 3)
    assert rows["A", "Y"]["lq"] == pytest.approx(0.95 / 0.925)
    assert rows["C", "Y"]["lq"] == pytest.approx(0.975 / 0.925)
    assert rows["B", "X"]["size"] == pytest.approx(2 / 3)
    assert rows["C", "Y"]["size"] == pytest.approx(195 / 370)
    assert rows["C", "X"]["focus"] == pytest.approx(0.025)
    assert rows["A", "Y"]["focus"] == pytest.approx(0.95)


def test_duplicate_rows_are_summed():
    doubled = pl.concat([EMPLOYMENT, EMPLOYMENT])
    assert location_quotients(doubled)["lq"].to_list() == pytest.approx(
        location_quotients(EMPLOYMENT)["lq"].to_list()
    )
    assert location_quotients(doubled)["employees"].sum() == 800


def test_stars_with_the_default_thresholds():
    rows = _by_pair(stars(location_quotients(EMPLOYMENT)))
    # Size: top ⌈10 % × 3⌉ = 1 region per sector: B in X, C in Y.
    # Specialisation: lq ≥ 2 only for B in X. Focus: top ⌈10 % × 6⌉ = 1 pair: C in Y (0.975).
    expected = {
        ("A", "X"): (False, False, False, 0),
        ("A", "Y"): (False, False, False, 0),
        ("B", "X"): (True, True, False, 2),
        ("B", "Y"): (False, False, False, 0),
        ("C", "X"): (False, False, False, 0),
        ("C", "Y"): (True, False, True, 2),
    }
    for pair, (size, specialisation, focus, count) in expected.items():
        row = rows[pair]
        assert (row["size_star"], row["specialisation_star"], row["focus_star"], row["stars"]) == (
            size,
            specialisation,
            focus,
            count,
        ), pair


def test_ties_share_the_best_rank_at_the_threshold():
    thresholds = StarThresholds(size_top_share=0.5, lq_min=1.0, focus_top_share=0.5)
    rows = _by_pair(stars(location_quotients(EMPLOYMENT), thresholds))
    # ⌈0.5 × 3⌉ = 2: in X, A and C tie on rank 2 (size 1/6 each) and both get the star.
    assert [rows[r, "X"]["size_star"] for r in "ABC"] == [True, True, True]
    assert [rows[r, "Y"]["size_star"] for r in "ABC"] == [True, False, True]
    # lq ≥ 1: B in X, A in Y, C in Y.
    assert sorted(p for p, r in rows.items() if r["specialisation_star"]) == [
        ("A", "Y"),
        ("B", "X"),
        ("C", "Y"),
    ]
    # ⌈0.5 × 6⌉ = 3 pairs by focus: C/Y 0.975, A/Y 0.95, B/Y 0.8.
    assert sorted(p for p, r in rows.items() if r["focus_star"]) == [
        ("A", "Y"),
        ("B", "Y"),
        ("C", "Y"),
    ]
    assert rows["C", "Y"]["stars"] == 3


def test_zero_employment_gets_no_star_and_no_quotient():
    frame = pl.concat(
        [EMPLOYMENT, pl.DataFrame({"region": ["D"], "sector": ["X"], "employees": [0.0]})]
    )
    rows = _by_pair(stars(location_quotients(frame)))
    assert rows["D", "X"]["lq"] is None
    assert rows["D", "X"]["size"] == 0.0
    assert rows["D", "X"]["stars"] == 0


def test_thresholds_and_inputs_are_checked():
    with pytest.raises(InputError, match="size_top_share must lie between 0 and 1"):
        StarThresholds(size_top_share=1.5)
    with pytest.raises(InputError, match="row 2: 'employees' must not be negative"):
        location_quotients(EMPLOYMENT.with_columns(pl.Series("employees", [1.0, -1, 1, 1, 1, 1])))
    with pytest.raises(InputError, match="'employees'"):
        location_quotients(EMPLOYMENT.drop("employees"))


OLD_LAYOUT = """\
DATAFLOW,LAST UPDATE,freq,nace_r2,indic_sb,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG
ESTAT:SBS_R_NUTS06_R2(1.0),08/02/24 23:00:00,A,C,V16110,BE21,2019,98000,
ESTAT:SBS_R_NUTS06_R2(1.0),08/02/24 23:00:00,A,C,V16110,BE21,2020,97000,
ESTAT:SBS_R_NUTS06_R2(1.0),08/02/24 23:00:00,A,C,V11210,BE21,2020,5000,
ESTAT:SBS_R_NUTS06_R2(1.0),08/02/24 23:00:00,A,C,V16110,BE2,2020,400000,
ESTAT:SBS_R_NUTS06_R2(1.0),08/02/24 23:00:00,A,C,V16110,BE23,2020,61000,
ESTAT:SBS_R_NUTS06_R2(1.0),08/02/24 23:00:00,A,J,V16110,BE21,2020,21000,
ESTAT:SBS_R_NUTS06_R2(1.0),08/02/24 23:00:00,A,J,V16110,BE23,2020,,c
ESTAT:SBS_R_NUTS06_R2(1.0),08/02/24 23:00:00,A,J,V16110,BEZZ,2020,12,
"""


def test_reads_the_old_layout_picking_employment_nuts2_and_the_latest_year():
    # Left out: the 2019 row, the local-units indicator V11210, the NUTS-1 row BE2,
    # the confidential cell and the Extra-Regio code BEZZ.
    frame = read_sbs_csv(OLD_LAYOUT.encode())
    assert frame.to_dicts() == [
        {"region": "BE21", "sector": "C", "employees": 97000.0},
        {"region": "BE21", "sector": "J", "employees": 21000.0},
        {"region": "BE23", "sector": "C", "employees": 61000.0},
    ]
    earlier = read_sbs_csv(OLD_LAYOUT.encode(), year=2019)
    assert earlier.to_dicts() == [{"region": "BE21", "sector": "C", "employees": 98000.0}]
    assert read_sbs_csv(OLD_LAYOUT.encode(), nuts_level=1)["region"].to_list() == ["BE2"]


NEW_LAYOUT = """\
DATAFLOW,LAST UPDATE,freq,indic_sbs,nace_r2,size_emp,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS
ESTAT:SBS_R_NUTS2021(1.0),12/03/25 11:00:00,A:Annual,EMP_LOC_NR:Persons employed in local units,C:Manufacturing,TOTAL:Total,BE10:Bruxelles,2022,15000,,
ESTAT:SBS_R_NUTS2021(1.0),12/03/25 11:00:00,A:Annual,EMP_LOC_NR:Persons employed in local units,C:Manufacturing,GE250:250 or more,BE10:Bruxelles,2022,9000,,
ESTAT:SBS_R_NUTS2021(1.0),12/03/25 11:00:00,A:Annual,EMP_LOC_NR:Persons employed in local units,C10:Food,TOTAL:Total,BE10:Bruxelles,2022,4000,,
ESTAT:SBS_R_NUTS2021(1.0),12/03/25 11:00:00,A:Annual,EMP_LOC_NR:Persons employed in local units,J:Information,TOTAL:Total,BE10:Bruxelles,2022,30000,,
"""


def test_reads_the_successor_layout_with_labels_totals_and_sector_groups(tmp_path):
    path = tmp_path / "sbs.csv"
    path.write_text(NEW_LAYOUT, encoding="utf-8")
    frame = read_sbs_csv(path, sectors=["C", "J"])
    assert frame.to_dicts() == [
        {"region": "BE10", "sector": "C", "employees": 15000.0},
        {"region": "BE10", "sector": "J", "employees": 30000.0},
    ]
    grouped = read_sbs_csv(path, sector_groups={"C": "industry", "J": "industry", "C10": "food"})
    assert grouped.to_dicts() == [
        {"region": "BE10", "sector": "food", "employees": 4000.0},
        {"region": "BE10", "sector": "industry", "employees": 45000.0},
    ]


def test_bad_files_name_the_line_and_the_column():
    bad_value = OLD_LAYOUT.replace("97000", "ninety")
    with pytest.raises(InputError, match=r"line 3: column 'OBS_VALUE' holds 'ninety'"):
        read_sbs_csv(bad_value.encode())
    bad_year = OLD_LAYOUT.replace(",2019,", ",20x9,")
    with pytest.raises(InputError, match=r"line 2: column 'TIME_PERIOD' holds '20x9'"):
        read_sbs_csv(bad_year.encode())
    empty_geo = OLD_LAYOUT.replace("V16110,BE23,2020,61000", "V16110,,2020,61000")
    with pytest.raises(InputError, match=r"line 6: column 'geo' is empty"):
        read_sbs_csv(empty_geo.encode())
    with pytest.raises(InputError, match="SBS file not found"):
        read_sbs_csv("no-such-file.csv")
    repeated = OLD_LAYOUT + "ESTAT:SBS_R_NUTS06_R2(1.0),08/02/24 23:00:00,A,C,V16110,BE21,2020,1,\n"
    with pytest.raises(
        InputError, match=r"line 10: a second value for region 'BE21' and sector 'C'"
    ):
        read_sbs_csv(repeated.encode())
    with pytest.raises(InputError, match="lacks the column.*geo"):
        read_sbs_csv(OLD_LAYOUT.replace("geo", "region").encode())
    with pytest.raises(InputError, match="no employment values for 2015"):
        read_sbs_csv(OLD_LAYOUT.encode(), year=2015)
    with pytest.raises(InputError, match="no employment indicator"):
        read_sbs_csv(OLD_LAYOUT.replace("V16110", "V12110").encode())


def test_errors_carry_a_code_and_the_line_and_column_for_translated_pages():
    with pytest.raises(SbsError) as caught:
        read_sbs_csv(OLD_LAYOUT.replace("97000", "ninety").encode())
    assert caught.value.code == "not_a_number"
    assert caught.value.params == {"line": 3, "column": "OBS_VALUE", "value": "ninety"}
    with pytest.raises(SbsError) as caught:
        read_sbs_csv(b"\xff\xfe\x00garbage")
    assert caught.value.code == "unreadable"
    with pytest.raises(SbsError) as caught:
        read_sbs_csv(b"")
    assert caught.value.code == "unreadable"
    ragged = OLD_LAYOUT.replace("V16110,BE23,2020,61000,", "V16110,BE23,2020,61000,,extra")
    with pytest.raises(SbsError, match="line 6 has 10 fields where the header has 9") as caught:
        read_sbs_csv(ragged.encode())
    assert caught.value.params == {"line": 6, "found": 10, "expected": 9}


def test_the_shipped_sample_reads_and_gives_stars():
    frame = read_sbs_csv(SAMPLE_CSV)
    assert frame["region"].n_unique() >= 11  # the eleven Belgian NUTS-2 regions and neighbours
    assert 8 <= frame["sector"].n_unique() <= 12
    assert set(frame.filter(pl.col("region").str.starts_with("BE"))["region"]) >= {
        "BE10",
        "BE21",
        "BE35",
    }
    rated = stars(location_quotients(frame))
    assert rated["stars"].max() >= 2
    assert rated["lq"].min() > 0


_REGIONS = ["BE10", "BE21", "NL41", "DEA2", "LU00"]
_SECTORS = ["C", "F", "G", "J", "M"]


@settings(max_examples=60, deadline=None)
@given(
    cells=st.dictionaries(
        st.tuples(st.sampled_from(_REGIONS), st.sampled_from(_SECTORS)),
        st.one_of(st.none(), st.integers(0, 2_000_000)),
        min_size=1,
    ),
    labelled=st.booleans(),
    indicator_column=st.sampled_from(["indic_sb", "indic_sbs"]),
)
def test_any_export_reads_back_to_its_values(cells, labelled, indicator_column):
    code = "V16110" if indicator_column == "indic_sb" else "EMP_LOC_NR"
    label = ":label, with a comma" if labelled else ""
    lines = [
        f"DATAFLOW,LAST UPDATE,freq,nace_r2,{indicator_column},geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG"
    ]
    for (region, sector), value in cells.items():
        text, flag = ("", "c") if value is None else (str(value), "")
        lines.append(
            f'ESTAT:X(1.0),01/01/25 00:00:00,A,"{sector}{label}","{code}{label}",'
            f'"{region}{label}",2022,{text},{flag}'
        )
    expected = sorted(
        (
            {"region": r, "sector": s, "employees": float(v)}
            for (r, s), v in cells.items()
            if v is not None
        ),
        key=lambda row: (row["region"], row["sector"]),
    )
    if not expected:
        with pytest.raises(InputError, match="no employment values"):
            read_sbs_csv("\n".join(lines).encode())
        return
    assert read_sbs_csv("\n".join(lines).encode()).to_dicts() == expected
