"""The ``clusterpact`` command.

``clusterpact run``      migrate, load the demo if the database is empty, serve on 127.0.0.1:8000
                         and run the background worker beside it.
``clusterpact demo``     load the demo landscape and demo accounts (idempotent).
``clusterpact evaluate`` statistics on a data file (``did``, ``tfp``) without the web application.
``clusterpact manage``   any Django management command, e.g. ``clusterpact manage createsuperuser``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import subprocess
import sys


def _setup_django(debug_default: bool = False) -> None:
    if debug_default:
        os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterpact.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)


def _run(args: argparse.Namespace) -> int:
    _setup_django(debug_default=True)
    from django.core.management import call_command

    from clusterpact.demo.loader import demo_is_loaded, load_demo, print_demo_accounts

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not args.no_demo and not demo_is_loaded():
        load_demo(stdout=sys.stdout)
    if not args.no_demo:
        print_demo_accounts(sys.stdout)
    print(f"clusterpact serves http://{args.host}:{args.port}/ (Ctrl+C stops it)", flush=True)
    worker = _start_worker()
    # A service manager stops with SIGTERM: leave through `finally` so the worker stops too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        call_command(
            "runserver", f"{args.host}:{args.port}", use_reloader=False, use_threading=True
        )
    finally:
        _stop_worker(worker)
    return 0


def _start_worker() -> subprocess.Popen:
    """The background worker (evaluations) as a child process with the server's environment."""
    command = [sys.executable, "-m", "clusterpact.cli", "manage", "db_worker", "--no-reload"]
    return subprocess.Popen(command, env=os.environ.copy())


def _stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is not None:
        return
    # SIGTERM lets the worker finish its bookkeeping; a stuck one is killed.
    worker.terminate()
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def _demo(args: argparse.Namespace) -> int:
    _setup_django(debug_default=True)
    from django.core.management import call_command

    from clusterpact.demo.loader import load_demo, print_demo_accounts

    call_command("migrate", interactive=False, verbosity=0)
    load_demo(stdout=sys.stdout)
    print_demo_accounts(sys.stdout)
    return 0


def _manage(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["clusterpact manage", *args.arguments])
    return 0


EVALUATE_MODULES = {"did": "clusterpact.analysis.did.cli", "tfp": "clusterpact.analysis.tfp.cli"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clusterpact", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser(
        "run", help="serve the product with demo data on the embedded database"
    )
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", default="8000")
    run.add_argument("--no-demo", action="store_true", help="do not load the demo landscape")
    run.set_defaults(handler=_run)

    demo = commands.add_parser("demo", help="load the demo landscape and demo accounts")
    demo.set_defaults(handler=_demo)

    manage = commands.add_parser("manage", help="run a Django management command")
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=_manage)

    evaluate = commands.add_parser("evaluate", help="estimate on a data file (no web application)")
    evaluate.add_argument("estimator", choices=sorted(EVALUATE_MODULES))
    evaluate.add_argument("arguments", nargs=argparse.REMAINDER)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) >= 2 and argv[0] == "evaluate" and argv[1] in EVALUATE_MODULES:
        # Each estimator owns its options and its error handling (exit code 2 on bad input).
        return importlib.import_module(EVALUATE_MODULES[argv[1]]).main(argv[2:])
    args = build_parser().parse_args(argv)
    return args.handler(args) or 0


if __name__ == "__main__":
    sys.exit(main())
