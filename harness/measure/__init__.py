"""Stage 3 of the pipeline: run a subject on a replay and measure it into a ``RunResult``.

- ``run_spec`` (``RunSpec``: what to run, on which workload, under which profiler);
- ``runner`` (one run in this process), ``isolation`` (in a spawned process), ``parallel`` (several at once);
- ``probes`` (what crossed the wire; ``occupancy``: its time in flight), ``profilers`` (with ``pstats_keys``:
  portable file names), ``memory``, ``environment`` (machine and commit);
- ``result`` (``RunResult``, the one record that crosses to the judge and the renderers), ``repeats`` (repeated
  runs as one RunResult) and ``run_folders``;
- ``subjects`` (a mode or NAME=COMMAND), ``program_runner`` (a program over loopback HTTP, with
  ``process_tree`` and ``program_profiles``);
- ``open_replay`` (``Replay``: a replay open for any client) and ``subject_runs`` (``run``), the Python API's
  measuring half, and ``pytest_plugin`` (the ``immich_replay`` fixture).

Imports the shared base, ``library``, ``replay`` and ``autotag``'s public names.
"""
