"""Print the calibration figures of generated data sets:
`python -m placement.generate [PROFILE ...] [--seed N]` (default: linfen nanpiao)."""

from __future__ import annotations

import argparse
import time

from placement.generate import PROFILES, format_figures, generate, summary_figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m placement.generate")
    parser.add_argument("profiles", nargs="*", default=["linfen", "nanpiao"],
                        choices=sorted(PROFILES))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    for profile in args.profiles:
        start = time.perf_counter()
        tables = generate(profile, args.seed)
        seconds = time.perf_counter() - start
        print(f"== {profile} (seed {args.seed}, generated in {seconds:.2f} s)")
        print(format_figures(summary_figures(tables)))


if __name__ == "__main__":
    main()
