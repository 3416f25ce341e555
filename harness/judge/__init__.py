"""Stage 4 of the pipeline: judge RunResults.

- ``compare`` (``Comparison``, computed once and frozen) over ``tables`` (summary, verdict and endpoint frames),
  ``equivalence``, ``verdict`` (the merge decision tree, changes in words) and ``noise`` (busy-machine warnings);
- ``gate`` (the CI regression gate against a baseline RunResult), ``budgets`` (limits to assert in a test),
  ``history`` (runs across commits, with the gate's limits);
- ``pstats_rows`` (cProfile dumps as rows), ``frame_kinds`` (the bench's own frames, folded into one row),
  ``flame`` (flame trees unfolded from the call graph, and their differential) and ``profile_summary``
  (``bench stats``/``bench calibrate`` on any cProfile file).

Reads RunResults and the files they name; imports ``measure.result`` and the latency profile type of ``replay``.
"""
