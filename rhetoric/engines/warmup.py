"""Imported by the local engine's fork server (see :func:`rhetoric.engines.local._context`) before it
forks any worker: analyses one short article we wrote, with the shipped lexicons and no model, so
the tables every worker would otherwise build on its first chunk — camel-tools' normalisation table,
the word classes, the shipped lexicons' automaton and naming pairs, the quote-cue tables — are
built once, in the server, while the main process is still loading the model. The workers are
forked from the server and start warm; a worker given other lexicons builds its own as before.

Best effort: if anything here fails, the workers build the tables themselves and report any real
problem with the chunk that meets it."""
from __future__ import annotations

_ARTICLE = ("قال المتحدث باسم الوزارة في بيان إن «النضال المقدس ضد الإمبريالية مستمر». "
            "وأضاف أن الحكومة ستواصل المحادثات الأسبوع المقبل.\nوذكرت الوكالة أن الاجتماع انتهى.")


def warm_up() -> None:
    import pandas as pd

    from ..analysis import load_lexicon_set
    from .local import process_chunk

    documents = pd.DataFrame({"doc_id": ["warm-up"], "title": ["عنوان"], "text": [_ARTICLE], "outlet": ["warm-up"]})
    process_chunk(documents, load_lexicon_set(None), None, 5, "outlet", 5)


try:
    warm_up()
except Exception:  # noqa: BLE001 - optional: the workers do the same work on their first chunk
    pass
