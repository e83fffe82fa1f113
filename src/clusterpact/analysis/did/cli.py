"""Command line: ``clusterpact evaluate did ...`` (or ``python -m clusterpact.analysis.did.cli``).

Estimates ATT(g, t) and every aggregation and writes them as one JSON file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from clusterpact.analysis._inputs import InputError
from clusterpact.analysis._progress import TerminalProgress

from ._api import att_gt
from ._options import AGGREGATE_KINDS, BASE_PERIODS, CONTROL_GROUPS, METHODS

DESCRIPTION = (
    "Staggered difference-in-differences (Callaway & Sant'Anna 2021): group-time "
    "average treatment effects ATT(g, t) and their simple, dynamic (event-study), "
    "group and calendar aggregations, written as JSON."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``did`` options to ``parser``."""
    parser.add_argument("--data", required=True, help="input panel, .parquet or .csv")
    parser.add_argument("--y", required=True, help="outcome column")
    parser.add_argument("--unit", required=True, help="unit (firm) identifier column")
    parser.add_argument("--time", required=True, help="period column")
    parser.add_argument(
        "--group", required=True, help="first treatment period column (0 or empty: never treated)"
    )
    parser.add_argument("--covariates", default="", help="comma-separated covariate columns")
    parser.add_argument("--control", choices=CONTROL_GROUPS, default="never_treated")
    parser.add_argument("--method", choices=METHODS, default="dr")
    parser.add_argument("--base-period", choices=BASE_PERIODS, default="varying")
    parser.add_argument("--anticipation", type=int, default=0, metavar="N")
    parser.add_argument("--cluster", default=None, help="cluster column (whole units)")
    parser.add_argument(
        "--bootstrap", type=int, default=0, metavar="B", help="multiplier bootstrap draws"
    )
    parser.add_argument("--seed", type=int, default=None, metavar="S")
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--out", required=True, help="result JSON file")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``did`` subcommand to an argparse ``subparsers`` object.

    The handler is stored as the ``func`` default: ``args.func(args)`` returns
    the exit code.
    """
    parser = subparsers.add_parser(
        "did", help="staggered difference-in-differences", description=DESCRIPTION
    )
    add_arguments(parser)
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the estimation described by parsed ``args``; 0 on success, 2 on bad input."""
    covariates = [c.strip() for c in args.covariates.split(",") if c.strip()]
    progress = None if args.quiet else TerminalProgress(sys.stderr)
    try:
        result = att_gt(
            args.data,
            y=args.y,
            unit=args.unit,
            time=args.time,
            group=args.group,
            covariates=covariates,
            control_group=args.control,
            method=args.method,
            base_period=args.base_period,
            anticipation=args.anticipation,
            cluster=args.cluster,
            bootstrap=args.bootstrap,
            seed=args.seed,
            alpha=args.alpha,
            progress=progress,
        )
        payload = result.to_dict()
        payload["aggregates"] = {kind: result.aggregate(kind).to_dict() for kind in AGGREGATE_KINDS}
        Path(args.out).write_text(json.dumps(payload, indent=2, allow_nan=False) + "\n")
    except (InputError, OSError) as error:
        if progress is not None:
            sys.stderr.write("\n")  # end the unfinished progress line
        if isinstance(error, InputError):
            print(f"error: {error}", file=sys.stderr)
        else:
            print(f"error: cannot write {args.out}: {error.strerror}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    """Standalone entry point; returns the exit code (argparse usage errors give 2)."""
    parser = argparse.ArgumentParser(prog="clusterpact evaluate did", description=DESCRIPTION)
    add_arguments(parser)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
