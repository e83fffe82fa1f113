"""``clusterpact evaluate tfp``: estimate a production function from a data file.

The main command line calls :func:`register` on its ``evaluate`` subparsers;
:func:`main` runs the same command on its own::

    python -m clusterpact.analysis.tfp.cli --data panel.parquet --method acf \\
        --output va --free labour --state capital --proxy materials \\
        --unit firm --time year --bootstrap 100 --seed 1 --out result.json
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from clusterpact.analysis._inputs import InputError
from clusterpact.analysis._progress import TerminalProgress

from ._options import FORMS, FUNCTIONS, METHODS
from .estimation import estimate

#: Exit status for bad input (argparse uses the same).
EXIT_BAD_INPUT = 2


def _columns(text: str) -> list[str]:
    items = [c.strip() for c in text.split(",") if c.strip()]
    if not items:
        raise argparse.ArgumentTypeError("expected one or more comma-separated column names")
    return items


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``tfp`` options to ``parser``."""
    parser.add_argument("--data", required=True, help="Parquet or CSV file, one row per firm-year")
    parser.add_argument("--method", required=True, choices=METHODS, help="estimator")
    parser.add_argument("--output", required=True, help="log output or log value added column")
    parser.add_argument("--free", required=True, type=_columns, help="free inputs, e.g. l")
    parser.add_argument("--state", required=True, type=_columns, help="state inputs, e.g. k")
    parser.add_argument("--proxy", help="proxy column: investment (op) or materials (lp/acf/wrdg)")
    parser.add_argument("--unit", required=True, help="firm identifier column")
    parser.add_argument("--time", required=True, help="year column")
    parser.add_argument("--form", default="value_added", choices=FORMS)
    parser.add_argument("--function", default="cobb_douglas", choices=FUNCTIONS)
    parser.add_argument("--intermediate", help="intermediate input column (gross_output form)")
    parser.add_argument("--bootstrap", type=int, default=0, help="bootstrap replications")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--starts", type=int, default=5, help="random optimiser starts")
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--out", required=True, help="where to write the result as JSON")
    parser.add_argument("--productivity-out", help="write firm-year productivity to this Parquet")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``tfp`` subcommand to an ``add_subparsers()`` object."""
    parser = subparsers.add_parser(
        "tfp",
        help="production function and firm productivity (OLS, FE, OP, LP, ACF, Wooldridge)",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    add_arguments(parser)
    parser.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Execute a parsed ``tfp`` command; print ``error: ...`` and return 2 on bad input."""
    try:
        result = estimate(
            args.data,
            method=args.method,
            output=args.output,
            free=args.free,
            state=args.state,
            proxy=args.proxy,
            unit=args.unit,
            time=args.time,
            form=args.form,
            function=args.function,
            intermediate=args.intermediate,
            bootstrap=args.bootstrap,
            seed=args.seed,
            starts=args.starts,
            alpha=args.alpha,
            progress=None if args.quiet else TerminalProgress(sys.stderr),
        )
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        out = Path(args.out)
        out.write_text(json.dumps(result.to_dict(), indent=2, allow_nan=False) + "\n")
        if args.productivity_out:
            result.productivity.write_parquet(args.productivity_out)
    except OSError as exc:
        print(f"error: cannot write output: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(result.summary())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Standalone entry point; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="clusterpact evaluate tfp", description="Estimate a production function and firm TFP."
    )
    add_arguments(parser)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its message
        return int(exc.code) if isinstance(exc.code, int) else EXIT_BAD_INPUT
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
