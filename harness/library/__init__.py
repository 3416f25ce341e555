"""Stage 1 of the pipeline: what a run replays.

- ``snapshot``: the ``Library`` model (assets, albums, tags, memberships) and its state digest;
- ``cassette``: reading vcrpy v1 cassettes into interactions; ``recorded_timings``: their durations;
  ``timings_sidecar``: the ``.timings.json`` beside a cassette; ``vcr_persister``: vcrpy itself reading them;
- ``crawl`` (the request sequence), ``crawl_reader`` (a crawl's interactions -> a ``Library``), ``record`` (a live
  crawl recorded through vcrpy);
- ``synthetic``: deterministic libraries shaped like the reference workload (``synthetic_duplicates``: their
  duplicate groups);
- ``workload``: ``WorkloadSpec``, the serialisable description of what to replay.

Imports only the shared base (``harness.errors``, ``harness.endpoints``, ...) and ``autotag.rules``.
"""
