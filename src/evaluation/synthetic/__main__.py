"""``python -m evaluation.synthetic``: regenerate the example and its dirty copy."""

from evaluation.synthetic.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
