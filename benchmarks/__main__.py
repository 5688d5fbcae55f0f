"""``python -m benchmarks run|calibrate``: the benchmark entry point.

* ``run [--quick] [--with-100k] [--out DIR] [FILES...]``: quality per tier and speed, dedup
  beside its baselines, as terminal tables, JSON, Markdown and PNG plots
  (:mod:`benchmarks.run`);
* ``calibrate FILE.jsonl [...]``: sweep the thresholds on labeled data and recommend a setting
  (:mod:`benchmarks.calibrate`).

``python -m benchmarks.quality`` and ``python -m benchmarks.speed`` still run each part alone.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    """The ``run`` and ``calibrate`` subcommands."""
    from benchmarks import calibrate, run

    parser = argparse.ArgumentParser(prog="python -m benchmarks",
                                     description="Benchmarks of dedup: quality, speed, thresholds.")
    sub = parser.add_subparsers(dest="command", required=True)
    run.add_arguments(sub.add_parser("run", help="quality per tier and speed, with baselines",
                                     description=run.__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter))
    calibrate.add_arguments(sub.add_parser(
        "calibrate", help="sweep thresholds on labeled JSONL and recommend a setting",
        description=calibrate.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the subcommand."""
    from benchmarks import calibrate, run

    args = build_parser().parse_args(argv)
    return run.main(args) if args.command == "run" else calibrate.main(args)


if __name__ == "__main__":
    sys.exit(main())
