"""The estimator's options, spelled once and validated in one place."""

from __future__ import annotations

from typing import Literal, get_args

from clusterpact.analysis._inputs import InputError

Method = Literal["ols", "fe", "op", "lp", "acf", "wrdg"]
Form = Literal["value_added", "gross_output"]
Function = Literal["cobb_douglas", "translog"]

METHODS: tuple[str, ...] = get_args(Method)
FORMS: tuple[str, ...] = get_args(Form)
FUNCTIONS: tuple[str, ...] = get_args(Function)

#: Estimators that recover productivity from a proxy (control-function estimators).
PROXY_METHODS: frozenset[str] = frozenset({"op", "lp", "acf", "wrdg"})

METHOD_NAMES: dict[str, str] = {
    "ols": "Pooled OLS",
    "fe": "Within (fixed-effects) OLS",
    "op": "Olley & Pakes (1996)",
    "lp": "Levinsohn & Petrin (2003)",
    "acf": "Ackerberg, Caves & Frazer (2015)",
    "wrdg": "Wooldridge (2009) one-step GMM",
}

#: Fewest firms any estimator accepts; below this a block bootstrap and the
#: polynomial first stages have nothing to work with.
MIN_UNITS = 10
#: Fewest firm-years with an observed previous year that the dynamic (proxy)
#: estimators accept, on top of the number of parameters.
MIN_LAG_PAIRS = 20
#: Polynomial degree of the first stage (proxy inversion) and of the law of motion.
DEFAULT_DEGREE = 3


def _choice(value: object, allowed: tuple[str, ...], argument: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise InputError(f"unknown {argument} {value!r}: choose one of {', '.join(allowed)}")
    return value


def validate_options(
    *,
    method: object,
    form: object,
    function: object,
    proxy: str | None,
    intermediate: str | None,
    bootstrap: object,
    starts: object,
    alpha: object,
) -> tuple[Method, Form, Function]:
    """Check every option of :func:`~clusterpact.analysis.tfp.estimate` and return the literals.

    The identification rules live here so that the command line, the web adapter and
    the Python API refuse the same combinations with the same words.
    """
    m = _choice(method, METHODS, "method")
    f = _choice(form, FORMS, "form")
    fn = _choice(function, FUNCTIONS, "function")
    if m in PROXY_METHODS and proxy is None:
        what = "investment" if m == "op" else "an intermediate input (materials)"
        raise InputError(
            f"method {m!r} needs a proxy column: pass proxy=<column> with {what} in logs"
        )
    if f == "gross_output":
        if intermediate is None:
            raise InputError(
                "form 'gross_output' needs intermediate=<column>: the log intermediate "
                "input (materials) that enters the production function"
            )
        if m in {"lp", "acf", "wrdg"} and proxy == intermediate:
            raise InputError(
                f"method {m!r} with form 'gross_output' is not identified when the proxy "
                f"{proxy!r} is also the intermediate input of the production function "
                "(Gandhi, Navarro & Rivers 2020; Ackerberg, Caves & Frazer 2015, sec. 4.3): "
                "use form 'value_added', or a different proxy column"
            )
    elif intermediate is not None:
        raise InputError("intermediate= is only used with form 'gross_output'")
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int) or bootstrap < 0:
        raise InputError(f"bootstrap must be a non-negative integer, got {bootstrap!r}")
    if bootstrap == 1:
        raise InputError("bootstrap=1 cannot estimate a standard error: use 0 or at least 2")
    if isinstance(starts, bool) or not isinstance(starts, int) or starts < 1:
        raise InputError(f"starts must be a positive integer, got {starts!r}")
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise InputError(f"alpha must be between 0 and 1, got {alpha!r}")
    return m, f, fn  # type: ignore[return-value]
