"""The closing table of bench/run: each benchmark prints one ``TABLE|`` line per target it
measures, and ``python bench/table.py < output`` lines them up as a Markdown table, ready for
docs/performance.md."""
from __future__ import annotations

import sys

MARK = "TABLE|"


def row(what: str, target: str, measured: str, met: bool) -> None:
    print(f"{MARK}{what}|{target}|{measured}|{'met' if met else 'NOT MET'}", flush=True)


def main() -> None:
    rows = [line.rstrip("\n")[len(MARK):].split("|") for line in sys.stdin if line.startswith(MARK)]
    header = ["what", "target", "measured", "status"]
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(4)]
    for cells in [header, ["-" * w for w in widths]] + rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |")


if __name__ == "__main__":
    main()
