"""The real model of lesson 11 (all-MiniLM-L6-v2): fetch it, check it, load it, tokenize with it.

Everything that touches files, the network or a tokenizer lives here, so ``attention_core`` stays
pure NumPy. The page's whole use of it::

    model = model_store.load()  # once per server process (st.cache_resource); never downloads
    reading = model.read("I sat on the river bank")  # tokens + every layer and head

and, when ``load`` raises ``ModelUnavailable``, a button that calls
``model_store.fetch(progress=...)``. In a terminal: ``python -m model_store fetch``.
"""

from .model import (
    Model,
    Reading,
    Tokens,
    Word,
    WordDrift,
    clean_text,
    load,
    load_from,
    make_tokenizer,
    tokenize,
)
from .pins import DOWNLOAD_MB, MAX_TOKENS, MODEL_NAME
from .sources import (
    FETCH_COMMAND,
    Located,
    ModelFileRejected,
    ModelUnavailable,
    Progress,
    cache_dir,
    fetch,
    find_on_disk,
    status,
)

__all__ = [
    "DOWNLOAD_MB",
    "FETCH_COMMAND",
    "MAX_TOKENS",
    "MODEL_NAME",
    "Located",
    "Model",
    "ModelFileRejected",
    "ModelUnavailable",
    "Progress",
    "Reading",
    "Tokens",
    "Word",
    "WordDrift",
    "cache_dir",
    "clean_text",
    "fetch",
    "find_on_disk",
    "load",
    "load_from",
    "make_tokenizer",
    "status",
    "tokenize",
]
