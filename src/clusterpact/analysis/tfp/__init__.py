"""Production-function estimation and firm productivity (TFP).

>>> from clusterpact.analysis.tfp import estimate, simulate_panel
>>> panel = simulate_panel(1000, seed=1)
>>> result = estimate(panel, method="acf", output="y", free="l", state="k",
...                   proxy="m", unit="firm", time="year", seed=1)
>>> sorted(result.params)
['k', 'l']

Estimators: pooled OLS, within, Olley & Pakes (1996), Levinsohn & Petrin (2003),
Ackerberg, Caves & Frazer (2015) and Wooldridge (2009); Cobb-Douglas or translog;
value-added or gross-output form. See ``docs/methods/tfp.md``.
"""

from clusterpact.analysis._inputs import InputError

from ._options import FORMS, FUNCTIONS, METHODS, Form, Function, Method
from .estimation import estimate
from .results import Diagnostics, StartSummary, TFPResult
from .simulate import simulate_fixed_effects_panel, simulate_panel

__all__ = [
    "FORMS",
    "FUNCTIONS",
    "METHODS",
    "Diagnostics",
    "Form",
    "Function",
    "InputError",
    "Method",
    "StartSummary",
    "TFPResult",
    "estimate",
    "simulate_fixed_effects_panel",
    "simulate_panel",
]
