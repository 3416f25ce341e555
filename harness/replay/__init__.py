"""Stage 2 of the pipeline: the replay, the seam between a subject and the library it works on.

- ``server`` (``ReplayServer``) dispatches each request to the handler registered for its endpoint
  (``routes``; handlers in ``server_info``, ``users``, ``tags``, ``albums``, ``album_writes``, ``assets``,
  ``asset_writes``, ``duplicates``) over the mutable ``state`` and its ``search_index``; ``wire`` encodes answers
  as Immich does;
- ``versions`` is the table of the Immich versions served (``--immich-version``), ``shapes`` turns a snapshot body
  into the served version's shape (2.x or 3.x);
- ``latency`` models each request's modeled seconds, ``clock`` keeps virtual time; ``faults`` decides the faults
  injected (``--faults``) and the transports, the gate and the app act them out;
- ``transports`` put the server behind httpx (sync and async, as httpx's ``_transports/``), ``http_app`` behind
  real HTTP on loopback; ``synthetic_cassette`` writes a synthetic library's crawl as a cassette.

Imports the shared base and ``harness.library``; never ``measure``, ``judge``, ``render`` or ``cli``.
"""
