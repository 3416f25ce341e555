"""Renderers of a ``Comparison``: terminal text (rich), GitHub markdown, self-contained HTML."""
