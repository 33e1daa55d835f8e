"""Command line of the synthetic example: ``python -m evaluation.synthetic``."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path

from evaluation.synthetic.design import DEFAULT_SEED
from evaluation.synthetic.dirty import generate_dirty
from evaluation.synthetic.example import generate_example
from evaluation.synthetic.own import generate_own_example

DESCRIPTION = "Synthetic example project: invented data with a documented, planted structure."


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate ``surveys/example``, ``surveys/example-dirty`` and ``surveys/example-own``.

    Parameters
    ----------
    argv : sequence of str, optional
        Command-line arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status 0.
    """
    parser = argparse.ArgumentParser(prog="python -m evaluation.synthetic",
                                     description=DESCRIPTION)
    # src/evaluation/synthetic/cli.py -> the repository root is parents[3]
    default = Path(__file__).resolve().parents[3] / "surveys"
    parser.add_argument("--out", type=Path, default=default,
                        help=f"folder holding example/, example-dirty/ and example-own/ "
                             f"(default {default})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    generate_example(args.out / "example", seed=args.seed)
    generate_dirty(args.out / "example", args.out / "example-dirty")
    generate_own_example(args.out / "example-own")
    return 0
