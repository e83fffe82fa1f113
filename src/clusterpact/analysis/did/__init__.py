"""Staggered difference-in-differences (Callaway & Sant'Anna 2021).

>>> from clusterpact.analysis.did import att_gt
>>> result = att_gt(frame, y="lemp", unit="countyreal", time="year", group="first.treat")
>>> result.aggregate("dynamic").table

See ``docs/methods/did.md`` for the method, equations and how to read outputs.
"""

from clusterpact.analysis._inputs import InputError

from ._api import att_gt
from ._options import AggregateKind, BasePeriod, ControlGroup, Method
from .results import AggregateResult, ATTGTResult, PretrendTest

__all__ = [
    "ATTGTResult",
    "AggregateKind",
    "AggregateResult",
    "BasePeriod",
    "ControlGroup",
    "InputError",
    "Method",
    "PretrendTest",
    "att_gt",
]
