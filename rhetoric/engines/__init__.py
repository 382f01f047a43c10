"""Execution engines. The per-document stages (:func:`rhetoric.analysis.run_stages`) are independent
across documents, so an engine only decides where chunks of documents run; the comparison step
(:class:`rhetoric.analysis.Analysis`) is the same whatever the engine."""
