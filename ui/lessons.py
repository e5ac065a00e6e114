"""The lessons, in story order: title, icon, URL path, controls and presets.

The router builds the navigation from this list, the home page links to every lesson from it, and
each page reads its controls from it, so a lesson's share-link contract lives in one place.

The lesson files live in ``lessons/``, not ``pages/``, on purpose: a folder named ``pages/`` next
to the entry script puts a freshly started Streamlit server in its legacy multipage mode, and the
first visitor who opens a deep link such as ``/dictionary?t=0.2`` gets a "Page not found" dialog
(or, if the URL matches a file name, that file run without the router). Without that folder every
link, cold or warm, runs the router and ``st.navigation`` routes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import attention_core as ac
from attention_core.bert import BertConfig

from .params import SCALED, Param, temperature


@dataclass(frozen=True, kw_only=True)
class Lesson:
    """One page of the story.

    ``file`` is the page in ``lessons/``; its number prefix ("3_softmax.py") is the lesson's place
    in the story, written nowhere else. ``params`` are its controls (the share-link contract),
    ``presets`` map a name to the control values it sets, ``live_chart`` is the key of the chart
    that redraws when the temperature moves (the browser tests and benchmarks watch it).
    """

    title: str
    icon: str
    url_path: str
    file: str
    summary: str
    params: tuple[Param, ...]
    presets: dict[str, dict[str, Any]] = field(default_factory=dict)
    live_chart: str | None = None
    #: The lesson runs the real model (lesson 11): tests fetch its weights first (in CI) or skip.
    needs_model: bool = False

    @property
    def number(self) -> int:
        return int(PurePosixPath(self.file).name.split("_", 1)[0])

    def param(self, key: str) -> Param:
        return next(p for p in self.params if p.key == key)


#: Sentences offered on the sentence and math pages.
SENTENCE_PRESETS: dict[str, str] = {
    "River bank": "I sat on the river bank",
    "Money bank": "I paid the money into the bank",
    "Spring, the season": "the flowers bloom in spring after a cold winter",
    "Bat, the animal": "a bat flew out of the dark cave at night",
}
MAX_TEXT_CHARS = 1_000
#: The range of lesson 3's score sliders (its chart keeps this range while you drag).
SCORE_RANGE = (-5.0, 5.0)

ROOM = Lesson(
    title="Why attention? The noisy room",
    icon=":material/campaign:",
    url_path="why",
    file="lessons/1_noisy_room.py",
    live_chart="room-chart",
    summary="At a loud party you still hear your friend: focus on the signal, ignore the noise.",
    params=(
        temperature(
            help="How hard you focus. Low: you hear only your friend. "
            "High: you listen to everyone at once."
        ),
        Param(
            "voices",
            "Voices in the room",
            "int",
            12,
            "how many people are talking",
            low=ac.MIN_VOICES,
            high=ac.MAX_VOICES,
            step=1,
        ),
    ),
    presets={
        "Focused": {"t": 0.2, "voices": 12},
        "Everyday": {"t": 1.0, "voices": 12},
        "Distracted": {"t": 10.0, "voices": 12},
        "Packed party": {"t": 1.0, "voices": 40},
    },
)

DICTIONARY = Lesson(
    title="A soft dictionary: query, key, value",
    icon=":material/translate:",
    url_path="dictionary",
    file="lessons/2_soft_dictionary.py",
    live_chart="dictionary-weights",
    summary="Look up a French word that is not in the dictionary and still find its meaning.",
    params=(
        Param(
            "word",
            "Query word",
            "text",
            "ci-dessous",
            "the French word to look up (any text)",
            max_chars=60,
            help="Pick a suggestion or type any word. Words we have no embedding for "
            "match nothing.",
        ),
        Param(
            "enc",
            "Encoding",
            "choice",
            "embedding",
            "how words become vectors: embedding or one-hot",
            options=("embedding", "one-hot"),
        ),
        temperature(),
        SCALED,
    ),
    presets={
        "Unseen word (ci-dessous)": {"word": "ci-dessous", "enc": "embedding", "t": 1.0},
        "One-hot fails": {"word": "ci-dessous", "enc": "one-hot", "t": 1.0},
        "Hard lookup": {"word": "chaton", "enc": "embedding", "t": 0.1},
        "Even average": {"word": "chaton", "enc": "embedding", "t": 20.0},
    },
)

SOFTMAX = Lesson(
    title="Softmax and temperature",
    icon=":material/thermostat:",
    url_path="temperature",
    file="lessons/3_softmax.py",
    live_chart="softmax-weights",
    summary="Scores become probabilities; temperature decides how sharp the spotlight is.",
    params=(
        *(
            Param(
                f"s{i + 1}",
                word,
                "float",
                score,
                f"score of the key {word!r}",
                low=SCORE_RANGE[0],
                high=SCORE_RANGE[1],
                step=0.1,
            )
            for i, (word, score) in enumerate(
                (("sous", 3.0), ("près", 1.5), ("dans", 1.0), ("sur", 0.5), ("loin", -1.0))
            )
        ),
        temperature(),
        Param(
            "compare",
            "Overlay several temperatures",
            "bool",
            False,
            "draw 0.1, 1 and 10 next to the chosen temperature",
        ),
    ),
    presets={
        "Hard lookup": {"t": 0.05},
        "Everyday": {"t": 1.0},
        "Even average": {"t": 20.0},
        "A tie at the top": {"s1": 2.0, "s2": 2.0, "s3": 0.0, "s4": -1.0, "s5": -2.0, "t": 0.1},
    },
)

QUERY = Lesson(
    title="Move the query",
    icon=":material/open_with:",
    url_path="query",
    file="lessons/4_move_the_query.py",
    live_chart="query-weights",
    summary="Steer a query through a space of keys and watch the weights follow it.",
    params=(
        *(
            Param(
                f"q{axis}",
                f"Query {axis} ({name})",
                "float",
                start,
                f"query {axis} coordinate",
                low=-ac.SPACE_LIMIT,
                high=ac.SPACE_LIMIT,
                step=0.1,
            )
            for axis, name, start in zip("xy", ac.SPACE_AXES, (1.0, 0.0), strict=True)
        ),
        temperature(),
        SCALED,
    ),
    presets={
        "Near the kitten": {"qx": 1.0, "qy": 0.0, "t": 1.0},
        "Between animals and objects": {"qx": 0.0, "qy": 1.5, "t": 1.0},
        "Hard lookup": {"qx": 1.5, "qy": -0.3, "t": 0.1},
        "Even average": {"qx": 1.5, "qy": -0.3, "t": 20.0},
    },
)

CLASSROOM = Lesson(
    title="Notes in class",
    icon=":material/school:",
    url_path="classroom",
    file="lessons/5_notes_in_class.py",
    live_chart="classroom-notes",
    summary="The teacher asks a question; you spotlight the matching note and read its fact.",
    params=(
        Param(
            "question",
            "The teacher asks",
            "text",
            ac.EXAMPLE_QUESTIONS[0],
            "the question (any text)",
            max_chars=200,
        ),
        temperature(),
    ),
    presets={
        "Capital of France": {"question": "What is the capital of France?", "t": 1.0},
        "Language in Japan": {"question": "Which language do they speak in Japan?"},
        "A vague question": {"question": "Tell me about Germany"},
        "Nothing matches": {"question": "What is the weather like today?"},
    },
)

VIEWS = ("nature-money", "nature-animal", "money-person", "pca")
SENTENCE = Lesson(
    title="Refine a sentence",
    icon=":material/auto_fix_high:",
    url_path="sentence",
    file="lessons/6_refine_a_sentence.py",
    live_chart="sentence-heatmap",
    summary="Every word looks at every word and comes back carrying its context.",
    params=(
        Param(
            "text",
            "Sentence",
            "text",
            SENTENCE_PRESETS["River bank"],
            "the sentence to refine (any text)",
            max_chars=MAX_TEXT_CHARS,
        ),
        Param(
            "word",
            "Inspect the word",
            "int",
            None,
            "position (1 = first word) of the word whose attention row is shown; "
            "default: the first ambiguous word, else the last",
            low=1,
            high=ac.MAX_TOKENS,
            step=1,
            bound=False,
        ),
        Param("view", "2-D view", "choice", "nature-money", "axes of the 2-D plot", options=VIEWS),
        temperature(),
        SCALED,
        Param(
            "causal",
            "Causal mask",
            "bool",
            False,
            "each word may only attend to itself and earlier words",
        ),
    ),
    presets={
        "River bank": {"text": SENTENCE_PRESETS["River bank"]},
        "Money bank": {"text": SENTENCE_PRESETS["Money bank"]},
        "Spring": {"text": SENTENCE_PRESETS["Spring, the season"]},
        "Bat": {"text": SENTENCE_PRESETS["Bat, the animal"]},
    },
)

MATH = Lesson(
    title="The math, step by step",
    icon=":material/functions:",
    url_path="math",
    file="lessons/7_the_math.py",
    live_chart="math-weights",
    summary="The same formula with real numbers: Q Kᵀ, divide by √d_k, softmax, times V.",
    params=(
        # Not "text": Streamlit drops a link parameter bound on the page you come from, so the
        # sentence page's link here ("See the math for this sentence") needs its own name.
        Param(
            "sentence",
            "Sentence",
            "text",
            "the river bank",
            "the sentence to compute",
            max_chars=MAX_TEXT_CHARS,
        ),
        temperature(),
        SCALED,
    ),
    presets={
        "Three words": {"sentence": "the river bank"},
        "River bank": {"sentence": SENTENCE_PRESETS["River bank"]},
        "Money bank": {"sentence": SENTENCE_PRESETS["Money bank"]},
        "Unscaled (the notes)": {"sentence": "the river bank", "scaled": False},
    },
)

#: Lesson 11's drift sentences: one word, two meanings (each word is one WordPiece token in both).
DRIFT_PRESETS: dict[str, tuple[str, str, str]] = {
    "bank": ("I sat on the river bank", "I paid the money into the bank", "bank"),
    "bat": ("a bat flew out of the dark cave at night", "he swung the bat and hit the ball", "bat"),
    "spring": (
        "the flowers bloom in spring after a cold winter",
        "the spring in the old mattress squeaked",
        "spring",
    ),
}
_MINILM = BertConfig()  # all-MiniLM-L6-v2's sizes: 6 layers x 12 heads


def _real_preset(text: str, layer: int, head: int, drift: str = "bank") -> dict[str, Any]:
    a, b, word = DRIFT_PRESETS[drift]
    return {"text": text, "layer": layer, "head": head, "a": a, "b": b, "follow": word}


REAL = Lesson(
    title="A real transformer",
    icon=":material/memory:",
    url_path="real",
    file="lessons/11_real_transformer.py",
    live_chart="real-head",
    needs_model=True,
    summary="Your sentence through all-MiniLM-L6-v2: every layer and head, on the same attention.",
    params=(
        Param(
            "text",
            "Your sentence",
            "text",
            SENTENCE_PRESETS["River bank"],
            "the sentence the model reads (any text; the first 128 tokens are read)",
            max_chars=MAX_TEXT_CHARS,
        ),
        Param(
            "layer",
            f"Layer (1 to {_MINILM.num_layers})",
            "int",
            1,
            "the layer of the head shown, counted from 1",
            low=1,
            high=_MINILM.num_layers,
            step=1,
            help="Counted from 1 here; the code counts from 0 (layer 1 is weights[0]).",
        ),
        Param(
            "head",
            f"Head (1 to {_MINILM.num_heads})",
            "int",
            3,
            "the head shown, counted from 1",
            low=1,
            high=_MINILM.num_heads,
            step=1,
            help="Counted from 1 here; the code counts from 0 (head 1 is weights[:, 0]).",
        ),
        Param(
            "a",
            "First sentence",
            "text",
            DRIFT_PRESETS["bank"][0],
            "the word's first context (any text)",
            max_chars=MAX_TEXT_CHARS,
        ),
        Param(
            "b",
            "Second sentence",
            "text",
            DRIFT_PRESETS["bank"][1],
            "the word's second context (any text)",
            max_chars=MAX_TEXT_CHARS,
        ),
        Param(
            "follow",
            "The word to follow",
            "text",
            "bank",
            "a word that is one token in both sentences",
            max_chars=40,
        ),
    ),
    presets={
        "River bank": _real_preset(SENTENCE_PRESETS["River bank"], 1, 3),
        "Money bank": _real_preset(SENTENCE_PRESETS["Money bank"], 2, 9),
        "Split words": _real_preset("Transformers tokenize unbelievably long words", 2, 9),
        "Bat": _real_preset(SENTENCE_PRESETS["Bat, the animal"], 3, 8, "bat"),
        "Spring": _real_preset(SENTENCE_PRESETS["Spring, the season"], 6, 1, "spring"),
    },
)

#: Every lesson, in story order (the number that starts its file name).
LESSONS: tuple[Lesson, ...] = tuple(
    sorted(
        (ROOM, DICTIONARY, SOFTMAX, QUERY, CLASSROOM, SENTENCE, MATH, REAL), key=lambda x: x.number
    )
)

#: App-wide control, drawn by the router in the sidebar of every page.
PROJECTOR = Param(
    "projector",
    "Projector mode",
    "bool",
    False,
    "large text, thick lines and high contrast for a classroom projector",
    help="Larger text, thicker lines and bolder colours, legible from the back of a room.",
)
