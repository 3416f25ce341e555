"""Stage 5 of the pipeline: what people read. Pure functions of saved results; never imports the tagger.

- ``registry`` (``RENDERERS``: text, markdown, html, json, one interface) over ``text``, ``markdown``, ``html``
  (with ``charts``, ``flamegraph`` and ``templates/``), all reading the same cells (``views``, formatted by
  ``cells``); ``fit`` lays tables out for the terminal's width, ``palette`` fixes every colour;
- ``gate_reports`` (JUnit XML and markdown of a gate report);
- ``bmf`` (Bencher Metric Format of runs) and ``trend`` (with ``trend_charts``: the ``bench history`` page).
"""
