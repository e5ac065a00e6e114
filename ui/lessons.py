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
from attention_core.sampling import NEXT_WORD_LOGITS

from .params import CAUSAL, SCALED, Param, temperature


def inspected_word(which: str) -> Param:
    """The page-managed ``word`` of a sentence lesson: the 1-based position of the word
    ``which`` (the rest of its meaning, e.g. "whose attention row is shown; default: ...")."""
    return Param(
        "word",
        "Inspect the word",
        "int",
        None,
        f"position (1 = first word) of the word {which}",
        low=1,
        high=ac.MAX_TOKENS,
        step=1,
        bound=False,
    )


@dataclass(frozen=True, kw_only=True)
class Lesson:
    """One page of the story.

    ``file`` is the page in ``lessons/``; its number prefix ("3_softmax.py") is the lesson's place
    in the story, written nowhere else. ``params`` are its controls (the share-link contract),
    ``presets`` map a name to the control values it sets, ``live_chart`` is the key of the chart
    that redraws when the temperature moves (the browser tests and benchmarks watch it), and
    ``main_control`` the control that moves it.
    """

    title: str
    icon: str
    url_path: str
    file: str
    summary: str
    params: tuple[Param, ...]
    presets: dict[str, dict[str, Any]] = field(default_factory=dict)
    live_chart: str | None = None
    #: The key of the control the lesson is about, the one that moves ``live_chart`` most
    #: (default: the temperature, else the first control), or of a container of controls that
    #: go together (lesson 4: the query's x and y). On a phone it docks at the bottom of the
    #: screen, so it stays in sight of its chart; the layout tests check the two are on screen
    #: together, and that no chart of the lesson ends up under the dock.
    main_control_key: str | None = None
    #: The key of the lesson's main chart, the one a student watches while moving the main
    #: control (default: ``live_chart``).
    main_chart_key: str | None = None

    @property
    def main_control(self) -> str:
        keys = [p.key for p in self.params if p.bound]
        return self.main_control_key or ("t" if "t" in keys else keys[0])

    @property
    def main_chart(self) -> str:
        chart = self.main_chart_key or self.live_chart
        assert chart, f"{self.title}: name its live_chart in the registry"
        return chart

    #: The lesson runs the real model (lesson 11): tests fetch its weights first (in CI) or skip.
    needs_model: bool = False
    #: Charts of live measurements (lesson 14's timings): their numbers differ from one server
    #: process to the next, so a view restored on another replica redraws them with its own.
    measured_charts: tuple[str, ...] = ()

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
        Param(
            "dk",
            "Dimensions d_k",
            "int",
            64,
            "“Why √d_k”: the number of dimensions of the random queries and keys",
            low=2,
            high=512,
            step=1,
            help="How many numbers each query and key holds (64 per head in Vaswani et al.).",
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
    # The query is what the lesson moves: its two coordinates, docked together on a phone
    # (the lesson keeps them in a container of this key), in sight of the map of keys.
    main_control_key="query-position",
    main_chart_key="query-space",  # the map of keys, drawn first
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

#: The 2-D views of the sentence page: two named features (each preset opens on the pair its
#: ambiguous word is torn between), or PCA.
VIEWS = ("nature-money", "nature-animal", "nature-action", "animal-action", "money-person", "pca")
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
        inspected_word(
            "whose attention row is shown; default: the first ambiguous word, else the last"
        ),
        Param("view", "2-D view", "choice", "nature-money", "axes of the 2-D plot", options=VIEWS),
        temperature(),
        SCALED,
        CAUSAL,
        Param(
            "layers",
            "Layers (refine again)",
            "int",
            6,
            "how many times the same attention is applied, in the depth section",
            low=1,
            high=ac.MAX_LAYERS,
            step=1,
        ),
        Param(
            "residual",
            "Residual: x + attention(x)",
            "bool",
            False,
            "each layer adds its result to the word's vector instead of replacing it",
        ),
        Param(
            "layernorm",
            "Layer norm",
            "bool",
            False,
            "after each layer, rescale every word to mean 0 and variance 1",
        ),
    ),
    presets={
        "River bank": {"text": SENTENCE_PRESETS["River bank"], "view": "nature-money"},
        "Money bank": {"text": SENTENCE_PRESETS["Money bank"], "view": "nature-money"},
        "Spring": {"text": SENTENCE_PRESETS["Spring, the season"], "view": "nature-action"},
        "Bat": {"text": SENTENCE_PRESETS["Bat, the animal"], "view": "animal-action"},
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

#: The heads lesson 8 offers, by the short name its link uses (``head=person-action``).
PROJECTION_HEADS: tuple[str, ...] = ("none", "person-action", "action-place", "topic")
TEACHER_SENTENCE = "the teacher wrote on the board"
#: Link strengths run from 0 (the head asks nothing: an even spread) to 3 (a sharp question).
LINK_RANGE = (0.0, 3.0)


def link_key(link: ac.Link) -> str:
    """The link parameter of a W_Q link: ``q_person_action`` is the entry W_Q[person, action]."""
    return f"q_{link.source}_{link.target}"


#: Lesson 8's slider per named W_Q link, with the head it belongs to (by its short name).
LINK_PARAMS: dict[str, tuple[str, Param]] = {
    link_key(link): (
        name,
        Param(
            link_key(link),
            f"W_Q {link.label}",
            "float",
            float(link.strength),
            f"strength of the {link.label} link of W_Q (head {name})",
            low=LINK_RANGE[0],
            high=LINK_RANGE[1],
            step=0.1,
            help=f"How strongly a word's {link.source} feeds its query's {link.target}: "
            f"0 = the {ac.HEADS[name].name} head asks nothing.",
        ),
    )
    for name in PROJECTION_HEADS[1:]
    for link in ac.HEADS[name].query
}

PROJECTIONS = Lesson(
    title="Ask for something else: W_Q, W_K, W_V",
    icon=":material/swap_horiz:",
    url_path="projections",
    file="lessons/8_learned_questions.py",
    live_chart="projections-head",
    # The link of the head the lesson opens on: slide it to 0 and the question goes away.
    main_control_key="q_person_action",
    summary="Learned matrices let a word ask for something other than what it is.",
    params=(
        Param(
            "text",
            "Sentence",
            "text",
            TEACHER_SENTENCE,
            "the sentence (any text)",
            max_chars=MAX_TEXT_CHARS,
        ),
        Param(
            "head",
            "Head (the question every word asks)",
            "choice",
            "person-action",
            "which hand-built head: none (Q = K = V = X), person-action, action-place, topic",
            options=PROJECTION_HEADS,
        ),
        *(param for _, param in LINK_PARAMS.values()),
        inspected_word(
            "whose question is followed; default: the first ambiguous word with a question, "
            "else the first word with a question, else the first ambiguous word, else the last"
        ),
        temperature(),
        SCALED,
    ),
    presets={
        "Person → action": {"text": TEACHER_SENTENCE, "head": "person-action"},
        "No projection": {"text": TEACHER_SENTENCE, "head": "none"},
        "Action → place": {"text": "the girl ran to the school", "head": "action-place"},
        "Topic (still symmetric)": {"text": SENTENCE_PRESETS["River bank"], "head": "topic"},
    },
)

#: Lesson 9's heads, each a switch in the link under its short name, and which start on.
MANY_HEADS: dict[str, bool] = {"nature": True, "money": True, "topic": False, "action-place": False}
BANK_SENTENCE = "I paid money at the bank by the river"

HEADS_LESSON = Lesson(
    title="Many heads",
    icon=":material/view_column:",
    url_path="heads",
    file="lessons/9_many_heads.py",
    live_chart="heads-head-1",
    summary="Several questions at once, each head a slice of the width; W_O writes them back.",
    params=(
        Param(
            "text",
            "Sentence",
            "text",
            BANK_SENTENCE,
            "the sentence (any text)",
            max_chars=MAX_TEXT_CHARS,
        ),
        *(
            Param(
                name,
                f"{ac.HEADS[name].name} head",
                "bool",
                on,
                f"head {ac.HEADS[name].name!r} on: {ac.HEADS[name].question}",
            )
            for name, on in MANY_HEADS.items()
        ),
        inspected_word(
            "followed through the heads; default: the first ambiguous word, else the last"
        ),
        temperature(),
        SCALED,
    ),
    presets={
        "Two heads, two things": {"text": BANK_SENTENCE},
        "One topic head": {"text": BANK_SENTENCE, "nature": False, "money": False, "topic": True},
        "Only the nature head": {"text": BANK_SENTENCE, "money": False},
        "All four heads": {"text": BANK_SENTENCE, "topic": True, "action-place": True},
    },
)

#: Lesson 10's sentences: the famous pair, and one whose shuffles are not all reversals.
ORDER_SENTENCES = ("dog bites man", "the dog bites the man")
#: Lesson 10's heads: plain ``Q = K = V = X̃``, or ``ac.previous_word_head``.
ORDER_HEADS = ("plain", "previous-word")
#: Lesson 10's shuffles are numbered 0 .. SHUFFLES - 1 (``ac.shuffle_order(n, number)``); a short
#: sentence has fewer shuffles, and its numbers go round.
SHUFFLES = ac.SHUFFLES
#: The shuffle number of *man bites dog* from *dog bites man*: the lesson opens on it.
REVERSAL = ac.numbered_shuffles(3).index((2, 1, 0))
ORDER = Lesson(
    title="Word order",
    icon=":material/reorder:",
    url_path="order",
    file="lessons/10_word_order.py",
    live_chart="order-shuffled",
    # Positions are what the lesson adds to attention: they decide whether a shuffle changes
    # the refined words (the temperature only sharpens what is already there).
    main_control_key="pos",
    summary="Attention alone is blind to word order; positions added to the words and the causal "
    "mask give it back.",
    params=(
        Param(
            "text",
            "Sentence",
            "text",
            ORDER_SENTENCES[0],
            "the sentence to shuffle (any text)",
            max_chars=MAX_TEXT_CHARS,
        ),
        Param(
            "order",
            "Shuffle number",
            "int",
            REVERSAL,  # "dog bites man" -> "man bites dog"
            "which shuffle of the words: each number is one fixed shuffle; a sentence of n words "
            "has n! − 1 of them, so for short ones the numbers go round (3 words: 5 shuffles)",
            low=0,
            high=SHUFFLES - 1,
            step=1,
            help="Each number stands for one fixed shuffle of the words, so a link brings back "
            "the same shuffle. A short sentence has fewer shuffles than numbers, and its numbers "
            "go round (3 words have 5 shuffles: 0, 5, 10, ... are the same). The button shows "
            "the next shuffle, and every one before any comes back.",
        ),
        Param(
            "pos",
            "Position strength",
            "float",
            0.0,
            "strength s of the sinusoidal positions added to the words, X + s·PE "
            "(0 = no positions; 1 is the paper's)",
            low=0.0,
            high=3.0,
            step=0.25,
            help="How strongly each word's place in the sentence is added to its 8 numbers "
            "(X + s·PE, as in Vaswani et al.). 0: attention knows nothing about order.",
        ),
        Param(
            "head",
            "Attention",
            "choice",
            ORDER_HEADS[0],
            "plain Q = K = V = X + s·PE, or the previous-word head",
            options=ORDER_HEADS,
            help="plain: every word (plus its place) is its own query, key and value. "
            "previous-word: a hand-built head whose query asks for the place just before its own.",
        ),
        CAUSAL,
        temperature(),
        Param(
            "step",
            "Words written so far",
            "int",
            None,
            "how many words the generation step-through has written (1 = the first word); "
            "default: all of them",
            low=1,
            high=ac.MAX_TOKENS,
            step=1,
            bound=False,
        ),
    ),
    presets={
        "Blind to order": {"text": ORDER_SENTENCES[0]},
        "Positions see order": {"text": ORDER_SENTENCES[0], "pos": 1.0},
        "Who bit whom?": {"text": ORDER_SENTENCES[0], "pos": 1.0, "head": "previous-word"},
        "Look back only": {"text": ORDER_SENTENCES[0], "causal": True},
    },
)


#: Lesson 11's drift sentences: one word, two meanings (each word is one WordPiece token in both).
#: A preset reads the first sentence in sections 1 to 3 too.
DRIFT_PRESETS: dict[str, tuple[str, str, str]] = {
    "bank": ("I sat on the river bank", "I paid the money into the bank", "bank"),
    "money bank": ("I paid the cash into the bank", "I sat on the river bank", "bank"),
    "bat": ("a bat hunted moths in the dark", "he swung the bat and hit the ball", "bat"),
    "spring": (
        "the flowers bloom in spring after a cold winter",
        "the spring in the old mattress squeaked",
        "spring",
    ),
}
#: What lesson 11's meaning presets show in section 2: in the head the preset opens, its word
#: (the first sentence's ambiguous word) looks most at the second word, one that tells which
#: meaning is meant. The word was picked by hand; the head is the one of all 72 in which the word
#: looks most clearly at it (``python -m model_store heads SENTENCE WORD`` scans them; on the real
#: weights: bank -> cash 72%, next 16%; bat -> moths 62%, next 25%; spring -> bloom 61%, next
#: 24%). With *money*, *bank*'s best was 30% (next 21%), and in "a bat flew out of the dark cave
#: at night" *bat* looked at no word clearly: hence these sentences. tests/test_page_real.py
#: checks it all on the weights.
REAL_LOOKS: dict[str, tuple[str, str]] = {
    "Money bank": ("bank", "cash"),
    "Bat": ("bat", "moths"),
    "Spring": ("spring", "bloom"),
}
_MINILM = BertConfig()  # all-MiniLM-L6-v2's sizes: 6 layers x 12 heads


def _real_preset(drift: str, layer: int, head: int, text: str | None = None) -> dict[str, Any]:
    """A lesson 11 preset: the drift sentences ``drift``, the head (counted from 1), and the
    sentence of sections 1 to 3 (default: the drift's first sentence)."""
    a, b, word = DRIFT_PRESETS[drift]
    return {"text": text or a, "layer": layer, "head": head, "a": a, "b": b, "follow": word}


#: The sentence the real model reads (lessons 11 and 13).
REAL_SENTENCE = Param(
    "text",
    "Your sentence",
    "text",
    SENTENCE_PRESETS["River bank"],
    "the sentence the model reads (any text; the first 128 tokens are read)",
    max_chars=MAX_TEXT_CHARS,
)

REAL = Lesson(
    title="A real transformer",
    icon=":material/memory:",
    url_path="real",
    file="lessons/11_real_transformer.py",
    live_chart="real-head",
    main_control_key="layer",
    needs_model=True,
    summary="Your sentence through all-MiniLM-L6-v2: every layer and head, on the same attention.",
    params=(
        REAL_SENTENCE,
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
        "River bank": _real_preset("bank", 1, 3),  # a previous-token head
        "Money bank": _real_preset("money bank", 6, 12),  # the heads: see REAL_LOOKS
        "Split words": _real_preset(
            "bank", 2, 9, "Transformers tokenize unbelievably long words"
        ),  # its strongest head on the other pieces of a word
        "Bat": _real_preset("bat", 6, 12),
        "Spring": _real_preset("spring", 1, 2),
    },
)

#: Lesson 12's learning rates, the stops of its slider: 0.01 is the measured good one (Adam);
#: from 0.1 on the loss shoots up; 0.00003 barely moves in 1,000 steps (``ac.PRESETS``).
LEARNING_RATES: tuple[float, ...] = (
    0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.5,
)  # fmt: skip
#: Lesson 12's tasks, as its link writes them.
TRAINING_TASKS: tuple[str, ...] = tuple(ac.TASKS)

TRAINING = Lesson(
    title="Watch a head learn",
    icon=":material/model_training:",
    url_path="learn",
    file="lessons/12_watch_a_head_learn.py",
    live_chart="learn-pattern",
    main_control_key="step",
    summary="Random weights, a loss, a gradient, a step downhill: one head learns where to look.",
    params=(
        Param(
            "task",
            "Task",
            "choice",
            ac.DEFAULT_TASK,
            "previous: say the word before you; recall: say the digit of the card whose letter "
            "matches the last one",
            options=TRAINING_TASKS,
            help="previous: every place must say the word one place back. recall: seven cards "
            "(a letter and a digit), then a letter again; the last place must say that card's "
            "digit.",
        ),
        Param(
            "seed",
            "Random start (seed)",
            "int",
            0,
            "picks the random starting weights, the training batches and the exam",
            low=0,
            high=99,
            step=1,
            help="The same seed always trains the same way: a link restores the exact numbers.",
        ),
        Param(
            "lr",
            "Learning rate",
            "grid",
            ac.PRESETS["good"].lr,
            "how far each step moves every number (Adam)",
            grid=LEARNING_RATES,
            help="How far each training step moves every learned number. Too small: it barely "
            "moves. Too large: every step overshoots and the loss shoots up.",
        ),
        temperature(
            help="The attention softmax's temperature while it learns. Hot (high): every place "
            "starts looking everywhere, and the scores must grow much larger before the pattern "
            "sharpens."
        ),
        Param(
            "step",
            "Training steps taken",
            "int",
            0,
            f"how many training steps (0 = the random start, at most {ac.MAX_STEPS:,})",
            low=0,
            high=ac.MAX_STEPS,
            step=1,
            help="Each step: a batch of 16 (recall: 32) fresh sequences, the loss, its gradient, "
            "one step downhill. Step 0 is the random start.",
        ),
        Param(
            "word",
            "Follow the place",
            "int",
            None,
            "position (1 = first place) of the example sequence's place whose attention is "
            "followed and asked about; default: place 5 (previous), the last place (recall)",
            low=1,
            high=ac.SEQUENCE_LENGTH,
            step=1,
            bound=False,
        ),
    ),
    presets={
        "A good learning rate": {"step": 100},
        "Too large: it diverges": {"lr": ac.PRESETS["diverges"].lr, "step": 100},
        "Too small: it barely moves": {"lr": ac.PRESETS["barely_moves"].lr, "step": 1000},
        "Hot attention learns slowly": {"t": ac.PRESETS["slow_temperature"].temperature,
                                        "step": 100},
        "Recall a card": {"task": "recall", "step": 100},
    },
)  # fmt: skip
#: Lesson 13's notes, written from lesson 5's facts (``ac.NOTE_FACTS``): (country, topic) each.
BLOCK_NOTES: tuple[tuple[str, str], ...] = (
    ("France", "capital"),
    ("Japan", "language"),
    ("India", "currency"),
    ("Kenya", "capital"),
    ("Germany", "currency"),
)


def note_text(country: str, topic: str) -> str:
    """Lesson 5's note on ``topic`` of ``country`` as a sentence: "The capital of France is
    Paris."."""
    fact = ac.NOTE_FACTS[ac.NOTES.index(ac.Note(country, topic))]
    if topic == "capital":
        return f"The capital of {country} is {fact}."
    if topic == "language":
        return f"In {country} people speak {fact}."
    return f"In {country} people pay with the {fact}."


#: Lesson 13's next-word example has this many words: top-k at this many keeps them all.
NEXT_WORDS = len(NEXT_WORD_LOGITS)
BLOCK = Lesson(
    title="One whole block, and what comes out",
    icon=":material/view_agenda:",
    url_path="block",
    file="lessons/13_whole_block.py",
    live_chart="block-next-word",
    # The chatbot's temperature: the dial students know from chatbots, beside ours.
    main_control_key="out_t",
    needs_model=True,
    summary="Attention, add & norm, feed-forward, add & norm; sentence vectors for search; a "
    "chatbot's output temperature, top-k and top-p.",
    params=(
        REAL_SENTENCE,
        Param(
            "word",
            "Follow the token",
            "int",
            None,
            "position (1 = [CLS]) of the token followed through the layers; default: the last "
            "token before [SEP]",
            low=1,
            high=128,
            step=1,
            bound=False,
        ),
        Param(
            "layer",
            f"Layer (1 to {_MINILM.num_layers})",
            "int",
            1,
            "the layer whose feed-forward units are shown, counted from 1",
            low=1,
            high=_MINILM.num_layers,
            step=1,
            help="Counted from 1 here; the code counts from 0 (layer 1 is units[0]).",
        ),
        Param(
            "question",
            "Your question",
            "text",
            ac.EXAMPLE_QUESTIONS[0],
            "the question searched for in the notes (any text)",
            max_chars=200,
        ),
        *(
            Param(
                f"n{i}",
                f"Note {i}",
                "text",
                note_text(country, topic),
                f"note {i} to search (any text; empty: no note)",
                max_chars=200,
            )
            for i, (country, topic) in enumerate(BLOCK_NOTES, 1)
        ),
        Param(
            "out_t",
            "Output temperature (the chatbot's)",
            "temperature",
            1.0,
            "the chatbot's temperature: divides the next-word logits before softmax",
            help="The chatbot's temperature: it divides the next-word scores (logits) before "
            "softmax. Low: nearly always the likeliest word. High: unlikely words too.",
        ),
        Param(
            "top_k",
            f"Top-k ({NEXT_WORDS} = keep every word)",
            "int",
            NEXT_WORDS,
            "keep only the k likeliest next words",
            low=1,
            high=NEXT_WORDS,
            step=1,
        ),
        Param(
            "top_p",
            "Top-p (1 = keep every word)",
            "float",
            1.0,
            "keep the fewest likeliest words whose probabilities add up to at least p",
            low=0.05,
            high=1.0,
            step=0.05,
        ),
        temperature(
            help="Lessons 1–3's dial, inside attention: it divides the query-key scores. "
            "Real models keep it at 1; it is not the chatbot's temperature.",
        ),
        Param(
            "draw",
            "Draw number",
            "int",
            0,
            "which reproducible set of random draws is shown (the button picks the next)",
            low=0,
            high=999,
            step=1,
        ),
    ),
    presets={
        "River bank": {"text": SENTENCE_PRESETS["River bank"]},
        "Money bank": {"text": SENTENCE_PRESETS["Money bank"]},
        "Language in Japan": {"question": ac.EXAMPLE_QUESTIONS[1]},
        "Careful chatbot": {"out_t": 0.5, "top_p": 0.8},
        "Wild chatbot": {"out_t": 2.0},
        "Top 3 only": {"top_k": 3},
    },
)

# ---- Lesson 14 (issue 25): attention between two sentences ----------------------------------

#: Lesson 14's sentence pair: the French the encoder reads and the English the decoder writes.
TRANSLATE_PAIR = ("le chat rouge dort ci-dessous", "the red cat is sleeping below")
#: Two *le*: without places, *the* cannot tell them apart.
TWO_LE_PAIR = ("le petit chien rouge mange le gâteau", "the small red dog eats the cake")
#: The most characters a lesson 14 sentence box takes (the first ``ac.MAX_WORDS`` words count).
SENTENCE_CHARS = 300
TRANSLATE = Lesson(
    title="Attention between two sentences",
    icon=":material/g_translate:",
    url_path="translate",
    file="lessons/14_translation.py",
    live_chart="translate-cross",
    measured_charts=("translate-cost",),
    summary="Translating ci-dessous: English queries look at French keys (cross-attention); "
    "padding masks; why the cost grows with n².",
    params=(
        Param(
            "fr",
            "French sentence (the encoder reads it)",
            "text",
            TRANSLATE_PAIR[0],
            f"the French sentence: keys and values (any text; the first {ac.MAX_WORDS} words)",
            max_chars=SENTENCE_CHARS,
        ),
        Param(
            "en",
            "English translation (the decoder writes it)",
            "text",
            TRANSLATE_PAIR[1],
            f"the English sentence: the queries (any text; the first {ac.MAX_WORDS} words)",
            max_chars=SENTENCE_CHARS,
        ),
        Param(
            "word",
            "Follow the English word",
            "int",
            None,
            "position (1 = first word) of the English word whose row is followed; default: "
            "*below* if the sentence has it, else the last word",
            low=1,
            high=ac.MAX_WORDS,
            step=1,
            bound=False,
        ),
        Param(
            "pos",
            "Position strength",
            "float",
            1.0,
            "strength s of the sinusoidal positions added to both sentences, X + s·PE "
            "(0 = no positions; 1 is the paper's)",
            low=0.0,
            high=3.0,
            step=0.25,
            help="How strongly each word's place is added to its 8 numbers, in both sentences "
            "(each counts from place 0), as in lesson 10.",
        ),
        temperature(),
        Param(
            "mask",
            "Padding mask",
            "bool",
            True,
            "in the batch, keep every query off the padded places (false: weight leaks onto "
            "the padding)",
            help="A batch pads the shorter sentence with <pad> up to the longer one. The mask "
            "gives the padded places weight 0; switch it off to see weight leak onto them.",
        ),
    ),
    presets={
        "Ci-dessous": {"fr": TRANSLATE_PAIR[0], "en": TRANSLATE_PAIR[1]},
        "Two le, no places": {"fr": TWO_LE_PAIR[0], "en": TWO_LE_PAIR[1], "pos": 0.0},
        "Places tell them apart": {"fr": TWO_LE_PAIR[0], "en": TWO_LE_PAIR[1], "pos": 1.0},
        "Padding leaks": {"fr": TRANSLATE_PAIR[0], "en": TRANSLATE_PAIR[1], "mask": False},
    },
)

#: Every lesson, in story order (the number that starts its file name).
LESSONS: tuple[Lesson, ...] = tuple(
    sorted(
        (
            ROOM,
            DICTIONARY,
            SOFTMAX,
            QUERY,
            CLASSROOM,
            SENTENCE,
            MATH,
            PROJECTIONS,
            HEADS_LESSON,
            ORDER,
            REAL,
            TRAINING,
            BLOCK,
            TRANSLATE,
        ),
        key=lambda x: x.number,
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

#: Classroom mode: charts, numbers and notes stay hidden until the student commits a prediction
#: (``predict=true``, a "guess first" link a teacher sends). Read from the link on every lesson.
PREDICT = Param(
    "predict",
    "Predict first",
    "bool",
    False,
    "ask the lesson's question first: the chart and numbers appear once you commit an answer",
)

#: Classroom mode: the controls a teacher's link hides (``hide=s1,s2``; ``presets`` hides the
#: presets row). A hidden control still applies its link value.
HIDE = Param(
    "hide",
    "Hidden controls",
    "text",
    "",
    "controls to hide, by their link names, separated by commas (presets: the presets row)",
    max_chars=300,
)

#: What a ``hide`` list may name besides a lesson's controls.
HIDE_PRESETS = "presets"

#: Class poll: the class code in every link of a class poll (students' and teacher's). The poll
#: checks it (``classpoll.parse_code``); any text is taken here, and a bad one gets a message.
CLASS = Param(
    "class",
    "Class poll",
    "text",
    "",
    "the code of a live class poll (made by *Start a class poll* in the share box)",
    max_chars=64,
)

#: Class poll: the teacher's key, only in the teacher's own link (it reveals and moves on).
TEACHER = Param(
    "teacher",
    "Teacher key",
    "text",
    "",
    "the teacher's key of the class poll: only in the teacher's own link, never a student's",
    max_chars=64,
)

#: Link values every lesson reads besides its own controls.
APP_PARAMS: tuple[Param, ...] = (PROJECTOR, PREDICT, HIDE, CLASS, TEACHER)
