"""The classroom analogy: a question (query) spotlights the note (key) that holds its fact (value).

From the source notes: the teacher asks "What is the capital of France?". Your notes carry keyword
labels (keys: France, Japan, ...) and facts (values: Paris, Tokyo, ...). You compare the question
with every label, spotlight the best match, and pull out its fact: Paris.

Each note is labelled with a country and a topic (capital, language, currency). A question is
turned into a query vector by the keywords it mentions; the country counts more than the topic,
because "capital of France" is mostly about France.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from .lookup import Lookup, close_to_top, soft_lookup
from .sentence import tokenize

#: country -> (capital, language, currency)
FACTS: dict[str, tuple[str, str, str]] = {
    "France": ("Paris", "French", "euro"),
    "Japan": ("Tokyo", "Japanese", "yen"),
    "Italy": ("Rome", "Italian", "euro"),
    "Germany": ("Berlin", "German", "euro"),
    "Spain": ("Madrid", "Spanish", "euro"),
    "Egypt": ("Cairo", "Arabic", "Egyptian pound"),
    "Brazil": ("Brasília", "Portuguese", "real"),
    "Canada": ("Ottawa", "English and French", "Canadian dollar"),
    "India": ("New Delhi", "Hindi and English", "rupee"),
    "Kenya": ("Nairobi", "Swahili and English", "Kenyan shilling"),
}
TOPICS: tuple[str, ...] = ("capital", "language", "currency")

#: Words in a question that point at a country or a topic (lower-case).
COUNTRY_WORDS: dict[str, str] = {
    **{c.lower(): c for c in FACTS},
    "french": "France",
    "japanese": "Japan",
    "italian": "Italy",
    "german": "Germany",
    "spanish": "Spain",
    "egyptian": "Egypt",
    "brazilian": "Brazil",
    "canadian": "Canada",
    "indian": "India",
    "kenyan": "Kenya",
}
TOPIC_WORDS: dict[str, str] = {
    "capital": "capital",
    "city": "capital",
    "language": "language",
    "languages": "language",
    "speak": "language",
    "spoken": "language",
    "currency": "currency",
    "money": "currency",
    "pay": "currency",
}

#: How loudly a question says a country / a topic (query strength on that feature).
COUNTRY_STRENGTH = 6.0
TOPIC_STRENGTH = 3.0

#: The notes' label features: one per country, then one per topic.
NOTE_FEATURES: tuple[str, ...] = (*FACTS, *TOPICS)
COUNTRIES: tuple[str, ...] = tuple(FACTS)


class Note(NamedTuple):
    """A note's keyword label: the country and the topic it is about."""

    country: str
    topic: str


#: Every note, country by country, each country's topics in ``TOPICS`` order.
NOTES: tuple[Note, ...] = tuple(Note(c, t) for c in FACTS for t in TOPICS)
#: Each note's label as shown, e.g. "France · capital", and its fact, e.g. "Paris".
NOTE_LABELS: tuple[str, ...] = tuple(f"{n.country} · {n.topic}" for n in NOTES)
NOTE_FACTS: tuple[str, ...] = tuple(fact for facts in FACTS.values() for fact in facts)

EXAMPLE_QUESTIONS: tuple[str, ...] = (
    "What is the capital of France?",
    "Which language do they speak in Japan?",
    "What currency do people pay with in India?",
    "What is the capital of Kenya?",
    "Tell me about Germany",
    "What is the weather like today?",
)


def note_keys() -> NDArray[np.float64]:
    """``(n_notes, n_features)``: each note's label as country one-hot + topic one-hot."""
    keys = np.zeros((len(NOTES), len(NOTE_FEATURES)))
    for i, (country, topic) in enumerate(NOTES):
        keys[i, NOTE_FEATURES.index(country)] = 1.0
        keys[i, NOTE_FEATURES.index(topic)] = 1.0
    return keys


def question_vector(question: str) -> tuple[NDArray[np.float64], tuple[str, ...]]:
    """``(n_features,)`` query for a question, and the keywords it recognised (in order)."""
    q = np.zeros(len(NOTE_FEATURES))
    found: list[str] = []
    for word in tokenize(question):
        feature, strength = (
            (COUNTRY_WORDS[word], COUNTRY_STRENGTH)
            if word in COUNTRY_WORDS
            else (TOPIC_WORDS.get(word), TOPIC_STRENGTH)
        )
        if feature is not None and feature not in found:
            found.append(feature)
            q[NOTE_FEATURES.index(feature)] = strength
    return q, tuple(found)


@dataclass(frozen=True)
class Answer(Lookup):
    """The notes lit by a question: a ``Lookup`` whose keys are ``NOTES`` (country, topic).

    ``query`` is the keywords the question mentions, joined by ", " (empty when none).
    The grids lay the notes out as ``(n_countries, n_topics)``, rows ``COUNTRIES``, columns
    ``TOPICS``: the notes are stored country by country.
    """

    notes: tuple[Note, ...]

    @property
    def weight_grid(self) -> NDArray[np.float64]:
        return self.weights.reshape(len(COUNTRIES), len(TOPICS))  # (n_countries, n_topics)

    @property
    def fact_grid(self) -> tuple[tuple[str, ...], ...]:
        n = len(TOPICS)
        return tuple(self.values[i : i + n] for i in range(0, len(self.values), n))


def ask(question: str, *, temperature: float = 1.0) -> Answer:
    """Spotlight the note that answers ``question``: the notes' formula ``softmax(q K^T) V``.

    Unscaled, as in the source notes, so a question's keyword strengths read directly as scores.
    ``answer`` is the fact of the clearly brightest note, or None when no note stands out (a
    question that mentions no known keyword lights every note evenly).
    """
    query_vector, found = question_vector(question)
    keys_matrix = note_keys()  # (n_notes, n_features)
    values_matrix = np.eye(len(NOTE_FACTS))  # (n_notes, n_notes): one-hot facts
    return soft_lookup(
        ", ".join(found),
        NOTE_LABELS,
        NOTE_FACTS,
        query_vector,  # (n_features,)
        keys_matrix,
        values_matrix,
        temperature=temperature,
        scaled=False,
        known_query=bool(found),
        kind=Answer,
        notes=NOTES,
    )


def competing_notes(found: Answer) -> NDArray[np.intp]:
    """The notes that keep any one note from standing out: those close enough to the brightest
    (itself included), brightest first."""
    return close_to_top(found.weights)
