"""Errors the toolkit raises on bad input. The CLI prints them without a traceback."""


class RhetoricError(Exception):
    """Base class: a problem with the user's input or settings, with a message that says what to do."""


class CorpusError(RhetoricError, ValueError):
    """A corpus file or DataFrame cannot be read as documents (names the file, line or document)."""


class DatasetNotFound(RhetoricError, FileNotFoundError):
    """A named dataset is not in the data directory (says where it looked and where to get it)."""


class LexiconError(RhetoricError, ValueError):
    """A lexicon file is invalid (names the file and line)."""


class ModelError(RhetoricError, ValueError):
    """A model file is not a rhetoric model, is corrupt, or is untrusted."""
