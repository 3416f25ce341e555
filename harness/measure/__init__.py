"""Stage 3 of the pipeline: run a subject on a replay and measure it into a ``RunResult``.

- ``run_spec`` (``RunSpec``: what to run, on which workload, under which profiler);
- ``runner`` (one run in this process), ``isolation`` (in a spawned process), ``parallel`` (several at once);
- ``probes`` (what crossed the wire; ``occupancy``: its time in flight), ``profilers``, ``memory``, ``environment``;
- ``result`` (``RunResult``, the one record that crosses to the judge and the renderers), ``repeats`` (repeated
  runs as one RunResult) and ``run_folders``.

Imports the shared base, ``library``, ``replay`` and ``autotag``'s public names.
"""
