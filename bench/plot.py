"""The chart for bench/RESULTS.md: run by bench/run.py with the tools venv's python (matplotlib).

    python plot.py RESULTS_JSON OUT_PNG
"""

from __future__ import annotations

import json
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

WHO = ["crosswheel", "scikit-build-core", "py-build-cmake", "floor"]
COLORS = {"crosswheel": "#1f77b4", "scikit-build-core": "#ff7f0e", "py-build-cmake": "#2ca02c",
          "floor": "#7f7f7f"}


def main() -> None:
    data = json.load(open(sys.argv[1]))
    results, imports = data["results"], data["imports"]

    def get(key: str, who: str, field: str = "wall") -> float | None:
        vals = [s[field] for s in results.get(f"{key}/{who}", []) if field in s]
        return statistics.median(vals) if vals else None

    big = [s.get("uncompressed") for s in results.get("bigdata/noop/floor", [])]
    big_mb = (max(x for x in big if x) / 1e6) if any(big) else 0
    panels = [
        ("No-op and small rebuilds, sdists (ms, lower is better)", 1e3, [
            ("capi\nno-op", "capi/noop", "wall"), ("pybind11\nno-op", "pybind11/noop", "wall"),
            ("capi\ntouch .c", "capi/touch", "wall"), ("capi\nsdist", "capi/sdist", "wall"),
            ("capi editable\nno-op import", "capi/editable", "wall"),
            ("pybind11\nsdist", "pybind11/sdist", "wall")]),
        ("Builds that compile (s)", 1, [
            ("capi\nclean", "capi/clean", "wall"), ("pybind11\nclean", "pybind11/clean", "wall"),
            ("pybind11\ntouch .cpp", "pybind11/touch", "wall")]),
        ("Backend overhead: hook wall − CMake time (ms)", 1e3, [
            ("capi\nno-op", "capi/noop", "overhead"),
            ("pybind11\nno-op", "pybind11/noop", "overhead"),
            ("capi\nclean", "capi/clean", "overhead"),
            ("pybind11\nclean", "pybind11/clean", "overhead"),
            ("capi\nsdist", "capi/sdist", "overhead")]),
        (f"Large ({big_mb:.0f} MB) wheel, backend import (ms)", 1e3, [
            ("large wheel\nclean", "bigdata/clean", "wall"),
            ("large wheel\nno-op", "bigdata/noop", "wall"),
            ("large wheel\nzip write", "bigdata/noop", "zip"),
            ("import\nbackend", "import", "import")]),
    ]
    fig, axes = plt.subplots(2, 2, figsize=(13, 8.5))
    for ax, (title, scale, groups) in zip(axes.flat, panels):
        width = 0.2
        for i, who in enumerate(WHO):
            xs, ys = [], []
            for g, (_label, key, field) in enumerate(groups):
                if key == "import":
                    v = (statistics.median(imports[who]["samples"]) if who in imports else None)
                else:
                    v = get(key, who, field)
                if v is None:
                    continue
                xs.append(g + (i - 1.5) * width)
                ys.append(v * scale)
            bars = ax.bar(xs, ys, width, label=who, color=COLORS[who])
            for b, y in zip(bars, ys):
                ax.annotate(f"{y:.0f}" if y >= 10 else f"{y:.2g}",
                            (b.get_x() + b.get_width() / 2, b.get_height()),
                            ha="center", va="bottom", fontsize=7, rotation=90,
                            xytext=(0, 2), textcoords="offset points")
        ax.set_xticks(range(len(groups)), [g[0] for g in groups], fontsize=9)
        ax.set_title(title, fontsize=11)
        ax.margins(y=0.18)
        ax.grid(axis="y", alpha=0.3)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=4, fontsize=10, frameon=False,
               bbox_to_anchor=(0.5, 0.93))
    info = data["info"]
    fig.suptitle(f"crosswheel vs scikit-build-core {info['scikit-build-core']} vs py-build-cmake "
                 f"{info['py-build-cmake']}: medians of {data['reps']} interleaved runs\n"
                 f"{info['cpu']}, {info['cores'].split()[0]} cores, Python {info['python']}, "
                 f"CMake {info['cmake'].split()[0]}, {info['date']}", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.915))
    fig.savefig(sys.argv[2], dpi=110)


if __name__ == "__main__":
    main()
