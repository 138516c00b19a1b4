"""Sphinx configuration: MyST Markdown pages, built with warnings as errors by tests/test_docs.py."""

from __future__ import annotations

project = "crosswheel"
author = "The crosswheel developers"
copyright = "the crosswheel developers"
extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
myst_heading_anchors = 3
html_theme = "alabaster"
html_theme_options = {"description": "CMake projects to wheels, natively and cross-compiled"}
