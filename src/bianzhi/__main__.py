"""`python -m bianzhi …` is the `bianzhi` command (for a venv whose scripts
folder is not on PATH)."""

from bianzhi.cli.main import main

main(prog_name="bianzhi")
