"""clusterpact's estimator against csdid (the Python port of R did) on simulated panels."""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
import pytest

from clusterpact.analysis.did import att_gt
from clusterpact.analysis.did.simulate import simulate_staggered_panel

csdid_att_gt = pytest.importorskip("csdid.att_gt")

ESTIMATE_TOL = 1e-8
# Analytic SEs agree to ~1e-12 in practice; the comparison is kept loose on
# purpose, since the two implementations sum influence functions differently.
SE_REL_TOL = 1e-6
R_CONTROL = {"never_treated": "nevertreated", "not_yet_treated": "notyettreated"}


def _csdid(
    frame,
    *,
    covariates,
    control_group,
    method,
    base_period="varying",
    anticipation=0,
    unbalanced=False,
):
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        model = csdid_att_gt.ATTgt(
            yname="y",
            tname="year",
            idname="firm",
            gname="first_treat",
            data=frame.to_pandas(),
            xformla="y~x" if covariates else None,
            control_group=R_CONTROL[control_group],
            anticipation=anticipation,
            allow_unbalanced_panel=unbalanced,
        )
        return model.fit(est_method=method, base_period=base_period, bstrap=False)


def _aggte(model, kind):
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        model.aggte(typec=kind)
    return model.atte


@pytest.fixture(scope="module")
def balanced():
    return simulate_staggered_panel(1200, 6, effect=1.0, seed=11)


@pytest.fixture(scope="module")
def unbalanced():
    return simulate_staggered_panel(1000, 5, effect=1.0, seed=12, unbalanced_share=0.12)


def _compare(ours, theirs):
    assert ours.table["g"].to_list() == list(np.asarray(theirs.results["group"]).astype(int))
    assert ours.table["t"].to_list() == list(np.asarray(theirs.results["year"]).astype(int))
    np.testing.assert_allclose(
        ours.table["att"].to_numpy(), np.asarray(theirs.results["att"]), rtol=0, atol=ESTIMATE_TOL
    )
    se_theirs = np.asarray(theirs.results["se"], dtype=float)
    se_ours = ours.table["se"].to_numpy().astype(float)
    finite = np.isfinite(se_theirs)
    np.testing.assert_array_equal(np.isfinite(se_ours), finite)
    np.testing.assert_allclose(se_ours[finite], se_theirs[finite], rtol=SE_REL_TOL)


@pytest.mark.parametrize("method", ["dr", "ipw", "reg"])
@pytest.mark.parametrize("control_group", ["never_treated", "not_yet_treated"])
@pytest.mark.parametrize("panel", ["balanced", "unbalanced"])
def test_att_gt_with_covariate_matches_csdid(request, method, control_group, panel):
    frame = request.getfixturevalue(panel)
    ours = att_gt(
        frame,
        y="y",
        unit="firm",
        time="year",
        group="first_treat",
        covariates=["x"],
        method=method,
        control_group=control_group,
    )
    theirs = _csdid(
        frame,
        covariates=True,
        control_group=control_group,
        method=method,
        unbalanced=panel == "unbalanced",
    )
    _compare(ours, theirs)
    for kind in ("simple", "dynamic", "group", "calendar"):
        agg, ref = ours.aggregate(kind), _aggte(theirs, kind)
        assert agg.att == pytest.approx(ref["overall_att"], abs=ESTIMATE_TOL)
        assert agg.se == pytest.approx(ref["overall_se"], rel=SE_REL_TOL)
        if kind != "simple":
            np.testing.assert_allclose(
                agg.table["att"].to_numpy(), np.asarray(ref["att_egt"]), atol=ESTIMATE_TOL
            )
            np.testing.assert_allclose(
                agg.table["se"].to_numpy(),
                np.ravel(np.asarray(ref["se_egt"], dtype=float)),
                rtol=SE_REL_TOL,
            )


@pytest.mark.parametrize(
    ("base_period", "anticipation", "control_group"),
    [
        ("universal", 0, "never_treated"),
        ("universal", 0, "not_yet_treated"),
        ("varying", 1, "never_treated"),
        ("universal", 1, "not_yet_treated"),
        ("varying", 1, "not_yet_treated"),
    ],
)
def test_base_period_and_anticipation_match_csdid(
    balanced, base_period, anticipation, control_group
):
    ours = att_gt(
        balanced,
        y="y",
        unit="firm",
        time="year",
        group="first_treat",
        covariates="x",
        base_period=base_period,
        anticipation=anticipation,
        control_group=control_group,
    )
    theirs = _csdid(
        balanced,
        covariates=True,
        control_group=control_group,
        method="dr",
        base_period=base_period,
        anticipation=anticipation,
    )
    _compare(ours, theirs)
    dyn, ref = ours.aggregate("dynamic"), _aggte(theirs, "dynamic")
    assert dyn.att == pytest.approx(ref["overall_att"], abs=ESTIMATE_TOL)
    np.testing.assert_allclose(
        dyn.table["att"].to_numpy(), np.asarray(ref["att_egt"]), atol=ESTIMATE_TOL
    )


def test_covariate_adjustment_recovers_the_known_effect():
    frame = simulate_staggered_panel(40_000, 6, effect=0.5, seed=5)
    naive = att_gt(frame, y="y", unit="firm", time="year", group="first_treat")
    for method in ("dr", "ipw", "reg"):
        adjusted = att_gt(
            frame,
            y="y",
            unit="firm",
            time="year",
            group="first_treat",
            covariates="x",
            method=method,
        ).aggregate("simple")
        assert abs(adjusted.att - 0.5) < 4 * adjusted.se
    # Adoption depends on x, which also drives trends: the unadjusted DiD is biased.
    assert abs(naive.aggregate("simple").att - 0.5) > 0.05
