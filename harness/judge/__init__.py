"""Stage 4 of the pipeline: judge RunResults.

- ``compare`` (``Comparison``, computed once and frozen), ``equivalence``, ``verdict`` (the merge decision tree);
- ``gate`` (the CI regression gate against a baseline RunResult), ``budgets`` (limits to assert in a test),
  ``history`` (runs across commits, with the gate's limits);
- ``pstats_rows`` (cProfile dumps as rows) and ``profile_summary`` (``bench stats``/``bench calibrate`` on any
  cProfile file).

Reads RunResults and the files they name; imports ``measure.result`` and the latency profile type of ``replay``.
"""
