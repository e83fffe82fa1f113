"""Option aliases for the staggered DiD estimator, validated in one place."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, get_args

from clusterpact.analysis._inputs import InputError

ControlGroup = Literal["never_treated", "not_yet_treated"]
Method = Literal["dr", "ipw", "reg"]
BasePeriod = Literal["varying", "universal"]
AggregateKind = Literal["simple", "dynamic", "group", "calendar"]

CONTROL_GROUPS: tuple[str, ...] = get_args(ControlGroup)
METHODS: tuple[str, ...] = get_args(Method)
BASE_PERIODS: tuple[str, ...] = get_args(BasePeriod)
AGGREGATE_KINDS: tuple[str, ...] = get_args(AggregateKind)

# R did spells the control groups without the underscore; accept both so that
# people porting R scripts are not tripped up.
_CONTROL_ALIASES = {"nevertreated": "never_treated", "notyettreated": "not_yet_treated"}


def choice(value: str, allowed: tuple[str, ...], argument: str) -> str:
    if value not in allowed:
        raise InputError(
            f"{argument} must be one of {', '.join(repr(a) for a in allowed)}; got {value!r}"
        )
    return value


@dataclass(frozen=True)
class Options:
    """Validated estimation options for :func:`att_gt`."""

    control_group: ControlGroup
    method: Method
    base_period: BasePeriod
    anticipation: int
    bootstrap: int
    seed: int | None
    alpha: float

    @classmethod
    def validate(
        cls,
        *,
        control_group: str,
        method: str,
        base_period: str,
        anticipation: int,
        bootstrap: int,
        seed: int | None,
        alpha: float,
    ) -> Options:
        control_group = _CONTROL_ALIASES.get(control_group, control_group)
        choice(control_group, CONTROL_GROUPS, "control_group")
        choice(method, METHODS, "method")
        choice(base_period, BASE_PERIODS, "base_period")
        anticipation = whole_number(anticipation, "anticipation")
        bootstrap = whole_number(bootstrap, "bootstrap")
        if bootstrap == 1:
            raise InputError("bootstrap must be 0 (analytic standard errors) or at least 2 draws")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise InputError(f"seed must be an integer or None; got {seed!r}")
        alpha = significance(alpha)
        return cls(
            control_group=control_group,  # type: ignore[arg-type]
            method=method,  # type: ignore[arg-type]
            base_period=base_period,  # type: ignore[arg-type]
            anticipation=anticipation,
            bootstrap=bootstrap,
            seed=seed,
            alpha=alpha,
        )


def whole_number(value: object, argument: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(f"{argument} must be a non-negative whole number; got {value!r}")
    return int(value)


def significance(alpha: object) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)):
        raise InputError(f"alpha must be a number strictly between 0 and 1; got {alpha!r}")
    alpha = float(alpha)
    if not (math.isfinite(alpha) and 0.0 < alpha < 1.0):
        raise InputError(f"alpha must be a number strictly between 0 and 1; got {alpha!r}")
    return alpha
