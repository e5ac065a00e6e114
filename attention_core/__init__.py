"""Spotlight's math: attention in pure NumPy, plus the toy worlds the lessons explore.

Nothing here imports Streamlit, Plotly or pandas: the pages ask, this package answers, and every
intermediate step comes back so it can be drawn.
"""

from .attention import (
    Attention,
    MultiHead,
    attention,
    causal_mask,
    check_temperature,
    entropy,
    multi_head_attention,
    softmax,
    split_heads,
)
from .bert import BertConfig, BertOutput, BertWeights, encode, erf, gelu
from .classroom import EXAMPLE_QUESTIONS, NOTE_FACTS, NOTE_LABELS, ask
from .dictionary import (
    DICTIONARY_FEATURES,
    DICTIONARY_KEYS,
    DICTIONARY_VALUES,
    ENCODINGS,
    KNOWN_WORDS,
    UNSEEN_WORDS,
    lookup,
    meaning,
)
from .head_roles import (
    BEHAVIOURS,
    HeadBehaviours,
    NamedHead,
    behaviour_shares,
    cosine_by_layer,
    head_behaviours,
)
from .lookup import Lookup, is_clear_match
from .query_space import SPACE_AXES, SPACE_KEYS, SPACE_LIMIT, Probe, probe
from .room import MAX_VOICES, MIN_VOICES, Room, listen
from .sentence import (
    MAX_TOKENS,
    Projection,
    Refinement,
    cosine,
    embed,
    feature_names,
    focus_word,
    nearest_words,
    project_2d,
    refine,
    tokenize,
    word_vector,
)
from .vocabulary import AMBIGUOUS_WORDS, FEATURES, VOCABULARY

__all__ = [
    "AMBIGUOUS_WORDS",
    "BEHAVIOURS",
    "DICTIONARY_FEATURES",
    "DICTIONARY_KEYS",
    "DICTIONARY_VALUES",
    "ENCODINGS",
    "EXAMPLE_QUESTIONS",
    "FEATURES",
    "KNOWN_WORDS",
    "MAX_TOKENS",
    "MAX_VOICES",
    "MIN_VOICES",
    "NOTE_FACTS",
    "NOTE_LABELS",
    "SPACE_AXES",
    "SPACE_KEYS",
    "SPACE_LIMIT",
    "UNSEEN_WORDS",
    "VOCABULARY",
    "Attention",
    "BertConfig",
    "BertOutput",
    "BertWeights",
    "HeadBehaviours",
    "Lookup",
    "MultiHead",
    "NamedHead",
    "Probe",
    "Projection",
    "Refinement",
    "Room",
    "ask",
    "attention",
    "behaviour_shares",
    "causal_mask",
    "check_temperature",
    "cosine",
    "cosine_by_layer",
    "embed",
    "encode",
    "entropy",
    "erf",
    "feature_names",
    "focus_word",
    "gelu",
    "head_behaviours",
    "is_clear_match",
    "listen",
    "lookup",
    "meaning",
    "multi_head_attention",
    "nearest_words",
    "probe",
    "project_2d",
    "refine",
    "softmax",
    "split_heads",
    "tokenize",
    "word_vector",
]
