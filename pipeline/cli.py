"""The `intake` command line (CONTRACTS.md §2). Thin: parse, call a plain function, print."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False, help="辽宁社保材料受理核验")


def main() -> None:
    app()
