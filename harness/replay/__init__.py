"""Stage 2 of the pipeline: the replay, the seam between a subject and the library it works on.

- ``server`` (``ReplayServer``) dispatches each request to the handler registered for its endpoint
  (``routes``; handlers in ``server_info``, ``tags``, ``albums``, ``assets``) over the mutable ``state`` and its
  ``search_index``; ``wire`` encodes answers as Immich does;
- ``latency`` models each request's modeled seconds, ``clock`` keeps virtual time;
- ``transports`` put the server behind httpx (sync and async, as httpx's ``_transports/``), ``http_app`` behind
  real HTTP on loopback; ``synthetic_cassette`` writes a synthetic library's crawl as a cassette.

Imports the shared base and ``harness.library``; never ``measure``, ``judge``, ``render`` or ``cli``.
"""
