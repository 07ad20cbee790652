"""Private plumbing, measured in docs/performance.md: caches, forked workers, the collector pause, atomic files.

Nothing in cards/, review/ or formats/ imports it; the orchestrators (check.py, site/) put it around the core."""
