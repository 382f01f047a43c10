"""Evaluation of the toolkit's stages against annotated gold data (one module per stage)."""
