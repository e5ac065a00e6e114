"""Spotlight's benchmarks: scripts that print figures (not timed tests).

Run everything with ``.venv/bin/python -m bench`` (``--help`` for the options); see bench/README.md.
"""
