"""One voice for every sentence about the numbers, and every "predict, then reveal" question.

"Where does *bank* look most?" is asked and answered on five lessons; "a, b and c" is written on
all of them. Both live here, once, so the lessons cannot drift apart: the same row reads the
same on every page, a prediction marked right always agrees with the sentence beside it, and a
new lesson (attention between two sentences, say) extends this module instead of writing a
fourth copy.

What the core decides stays in the core: which weights tie on screen (``ac.largest``, one
tolerance, ``ac.SHOWN_PRECISION``), whether a row reads as even (``ac.is_even``). This module
only words what the core decided. Pure functions, no Streamlit (a test imports it with Streamlit
blocked): ``ui.predict`` draws the questions built here.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

import attention_core as ac

from .formats import distinct as distinct  # repeated words told apart by place
from .safe import md, shorten

#: A radio of more than this many words is a wall of text on a phone.
MAX_OPTIONS = 8
#: The choice for a row the chart shows as even (``ac.is_even``).
EVENLY = "no word stands out (an even spread)"
#: At most this many words to pick from (with ``EVENLY``, eight choices): a long sentence
#: offers its words with the largest weights, so the right ones are always among them.
MAX_WORD_OPTIONS = MAX_OPTIONS - 1
#: A choice shows a word to this many characters (a typed "word" can be very long).
OPTION_CHARS = 30
#: How the core's share bands (``ac.SHARE_BANDS``) read, one per pair of edges.
BAND_NAMES: tuple[str, ...] = (
    "less than a quarter",
    "a quarter to a half",
    "half to three quarters",
    "more than three quarters",
)
#: Said wherever two shares are too close to tell apart (``ac.SHOWN_PRECISION``).
TIE_ON_SCREEN = "a tie on screen (within half a percentage point)"


@dataclass(frozen=True)
class Question:
    """A prediction question about the view on screen.

    ``prompt`` (Markdown: escape user text with ``ui.safe.md``) names the settings it is about;
    ``options`` are the choices (plain text, shown literally); ``right`` the indices the core
    found right (several when the numbers tie on screen); ``why`` (Markdown) explains the answer
    from the numbers.
    """

    prompt: str
    options: tuple[str, ...]
    right: frozenset[int]
    why: str

    def __post_init__(self) -> None:
        if not self.right or not all(0 <= i < len(self.options) for i in self.right):
            raise ValueError(f"right answers {set(self.right)} out of {len(self.options)} options")

    @property
    def answer(self) -> str:
        """The right option(s), as a student reads them."""
        return " or ".join(f"*{md(self.options[i])}*" for i in sorted(self.right))


# ---- words in a sentence ---------------------------------------------------------------------


def joined(parts: Sequence[str], *, limit: int = 6) -> str:
    """The one "a, b and c" of the app (parts already written as Markdown): "a", "a and b",
    "a, b and c", or past ``limit`` parts "a, b, ... and 7 more"."""
    if len(parts) > limit:
        return ", ".join(parts[:limit]) + f" and {len(parts) - limit} more"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def listed(words: Sequence[str], *, limit: int = 6, chars: int = 40) -> str:
    """Words for a sentence, each in italics and escaped for Markdown: "*a*", "*a* and *b*",
    "*a*, *b* and *c*", or past ``limit`` words "*a*, *b*, ... and 7 more"."""
    return joined([f"*{md(word, chars)}*" for word in words], limit=limit)


def named(labels: Sequence[str], positions: Iterable[int], *, limit: int = 4) -> str:
    """The words at ``positions``, escaped for Markdown, each once: "*river*", "*a* and *b*",
    "*a*, *b*, *c* and 3 more"."""
    words = list(dict.fromkeys(labels[j] for j in positions))
    return listed(words, limit=limit, chars=OPTION_CHARS)


def asker(labels: Sequence[str], focus: int) -> str:
    """The word a question is about, as its sentences name it: "*bank*", or "*the* (word 3)"
    when the sentence has it more than once."""
    word = f"*{md(labels[focus], OPTION_CHARS)}*"
    return word + (f" (word {focus + 1})" if list(labels).count(labels[focus]) > 1 else "")


def shares(row: np.ndarray, labels: Sequence[str], positions: Sequence[int]) -> str:
    """The weights of the words at ``positions`` as shares: "83%", "25% each" (a tie), or
    "40% to 41%" (a tie on screen: within ``ac.SHOWN_PRECISION``)."""
    weights = [float(row[j]) for j in positions]
    low, high = ac.percent(min(weights)), ac.percent(max(weights))
    if low != high:
        return f"{low} to {high}"
    return low + (" each" if len({labels[j] for j in positions}) > 1 else "")


def _apart(tops: Sequence[float], runner: float) -> tuple[list[str], str]:
    """The top shares and the next one as percents, precise enough that the next one never
    reads like one of the top ones ("30%" and "30%" for 0.304 and 0.296 would contradict the
    answer): whole percents (``ac.percent``) when they differ, else up to six decimals."""
    shown, after = [ac.percent(v) for v in tops], ac.percent(runner)
    for decimals in range(1, 7):
        if after not in shown:
            break
        shown = [f"{100 * v:.{decimals}f}%" for v in tops]
        after = f"{100 * runner:.{decimals}f}%"
    return shown, after


# ---- where does a word look? -----------------------------------------------------------------


def looks_most(
    row: Sequence[float] | np.ndarray,
    keys: Sequence[str],
    *,
    asking: str,
    itself: int | None = None,
    silent: str | None = None,
    noun: str = "word",
) -> str:
    """Where one query looks, in words, from its weights ``row (n,)`` over the ``keys (n,)`` —
    the row the chart then draws (Markdown; labels escaped). The one sentence of its kind.

    ``asking`` names the query as the sentence should ("*bank*", from ``asker``). ``itself`` is
    the position of the query's own token among the keys — self-attention, where a query is one
    of the keys. Leave it None when the keys are another sequence (attention between two
    sentences): then no key is ever "itself", whatever its spelling. ``silent``: why the row is
    even when the query is all zeros (said instead of "spreads").

    The core decides: the keys within ``ac.SHOWN_PRECISION`` of the largest weight all count
    (``ac.largest``), and a row no higher than that above an even share is even
    (``ac.is_even``). "*bank* looks most at *river*: 45%. The next is *money* (12%). It gives
    itself 10%."
    """
    row = np.asarray(row, dtype=np.float64)
    if row.shape != (len(keys),) or not len(keys):
        raise ValueError(f"{len(keys)} keys for weights of shape {row.shape}")
    if silent is not None and len(row) == 1:
        return f"{silent}; with no other {noun} to look at, it gives itself 100%."
    seen = row > 0  # a causal mask gives the words after it exactly 0
    if silent is not None and np.ptp(row[seen]) <= ac.ROUNDING:  # a zero query: all alike
        which = f"every {noun}" if seen.all() else f"every {noun} it may see"
        return f"{silent}, so {which} gets the same weight, {ac.percent(row.max())}."
    if len(row) > 1 and ac.is_even(row):  # one key alone is where it looks, not a spread
        low, high = ac.percent(row.min()), ac.percent(row.max())
        if len(ac.largest(row)) == len(row):
            each = low if low == high else f"{low} to {high}"
            return f"{asking} spreads its attention evenly: every {noun} gets {each}."
        least = [j for j in range(len(row)) if row[j] == row.min()]
        return (
            f"{asking} spreads its attention about evenly: no {noun} gets more than "
            f"{100 * row.max():.1f}%, within half a percentage point of an even share "
            f"({100 / len(row):.1f}%); the least, {low}, goes to {_places(keys, least, itself)}."
        )
    top = sorted(ac.largest(row))
    rest = [j for j in range(len(row)) if j not in top]
    runner = max(rest, key=lambda j: row[j]) if rest else None
    if runner is not None:  # the top shares, written so the next one never reads the same
        most, next_share = _apart([float(row[j]) for j in top], float(row[runner]))
        by_weight = sorted(range(len(top)), key=lambda k: row[top[k]])
        low, high = most[by_weight[0]], most[by_weight[-1]]
    else:
        low, high = ac.percent(row[top].min()), ac.percent(row[top].max())
    amount = f"{low} to {high}" if low != high else low + (" each" if len(top) > 1 else "")
    text = f"{asking} looks most at {_places(keys, top, itself)}: {amount}"
    if len(top) > 1:
        exact = row[top].min() >= row[top].max() * (1 - ac.ROUNDING)
        text += ", an exact tie." if exact else f", {TIE_ON_SCREEN}."
    else:
        text += "."
    if runner is not None:
        text += f" The next is {_places(keys, [runner], itself)} ({next_share})."
    if itself is not None and itself not in top and runner != itself:
        text += f" It gives itself {ac.percent(row[itself])}."
    return text


def _places(keys: Sequence[str], positions: Sequence[int], itself: int | None) -> str:
    """The keys at ``positions`` for a "looks most" sentence: "itself" for the query's own
    token, a repeated word told apart by its place ("*bank* (word 5)"), "a, b and c"."""
    return joined(["itself" if j == itself else asker(keys, j) for j in positions], limit=4)


@dataclass(frozen=True)
class WordChoice:
    """The choices for "where does this word look most?" and which of them are right.

    ``options``: distinct words as shown (sentence order, capped), then ``EVENLY`` when the
    sentence has two words or more; ``right``: indices into ``options``; ``top``: the positions
    the core finds largest (``ac.largest``); ``even``: the row reads as even (``ac.is_even``).
    """

    options: tuple[str, ...]
    right: frozenset[int]
    top: tuple[int, ...]
    even: bool


def where_it_looks(labels: Sequence[str], row: Sequence[float] | np.ndarray) -> WordChoice:
    """The choices for one row of weights ``row (n,)`` over the words ``labels (n,)``.

    A word that occurs twice is one choice, right when any of its places is. When the row is
    even (two words or more), "no word stands out" is the right answer — what ``looks_most``
    then says; the words are then right only if they are all one word ("word word word").
    """
    weights = np.asarray(row, dtype=np.float64)
    if len(weights) != len(labels) or not len(labels):
        raise ValueError(f"{len(labels)} labels for {len(weights)} weights")
    top = tuple(sorted(ac.largest(weights)))
    even = len(labels) > 1 and ac.is_even(weights)
    shown = [shorten(label, OPTION_CHARS) for label in labels]
    first: dict[str, int] = {}
    most: dict[str, float] = {}
    for j, word in enumerate(shown):
        first.setdefault(word, j)
        most[word] = max(most.get(word, -np.inf), float(weights[j]))
    words = list(first)  # sentence order
    if len(words) > MAX_WORD_OPTIONS:  # keep the words with the largest weights (ties: first)
        keep = set(sorted(words, key=lambda w: (-most[w], first[w]))[:MAX_WORD_OPTIONS])
        words = [w for w in words if w in keep]
    options = (*words, EVENLY) if len(labels) > 1 else tuple(words)
    found = {shown[j] for j in top}
    if even:
        right = {len(words)} | ({0} if len(words) == 1 else set())
    else:
        right = {i for i, w in enumerate(words) if w in found}
    return WordChoice(options, frozenset(right), top, even)


# ---- questions whose options are the words (or tokens) on screen ------------------------------


def offered(
    n: int, right: Collection[int], *, first: Iterable[int] = (), limit: int = MAX_OPTIONS
) -> list[int]:
    """Which of ``n`` words to offer, in reading order: every right one (up to ``limit``), then
    the ones named in ``first`` (e.g. the asking word itself, ``[CLS]``), then the rest from the
    start of the sentence, until there are ``limit``. Out-of-range indices in ``first`` are
    skipped. The result holds at least one right word whenever ``right`` is not empty."""
    wanted = [*sorted(right), *(i for i in first if 0 <= i < n), *range(n)]
    return sorted(list(dict.fromkeys(wanted))[:limit])


def word_question(
    prompt: str,
    names: Sequence[str],
    row: Sequence[float] | np.ndarray,
    why: str,
    *,
    first: Iterable[int] = (),
    noun: str = "word",
) -> Question:
    """ "Where does it look most?" offering the words (or tokens) ``names (n,)`` on screen,
    for the weights ``row (n,)`` the chart then draws, and "no word stands out" (with two or
    more): the core's largest are right (ties on screen all right, ``offered`` keeps them among
    the options), or, when the row is even (``ac.is_even``), only "no word stands out" — what
    ``looks_most`` then says, so verdict and sentence agree. Offered either way, so its
    presence gives nothing away (as ``where_it_looks`` does for lessons 6 and 8)."""
    row = np.asarray(row, dtype=np.float64)
    several = len(row) > 1
    even = several and ac.is_even(row)
    right = ac.largest(row)
    shown = offered(len(names), right, first=first, limit=MAX_OPTIONS - several)
    options = tuple(names[j] for j in shown)
    if several:
        options += (EVENLY if noun == "word" else f"no {noun} stands out (an even spread)",)
    if even:
        return Question(prompt, options, frozenset({len(options) - 1}), why)
    return Question(prompt, options, frozenset(shown.index(j) for j in right if j in shown), why)


def asking_token(pieces: Sequence[str], special: Sequence[bool]) -> int:
    """The token a question about a real model's sentence follows: the first one that is a
    word with two meanings (*bank*, *bat*, *spring*: ``ac.AMBIGUOUS_WORDS``), else the last
    token of the text (the one before ``[SEP]``), else ``[CLS]`` (an empty text)."""
    words = [i for i, s in enumerate(special) if not s]
    return next((i for i in words if pieces[i] in ac.AMBIGUOUS_WORDS), words[-1] if words else 0)


# ---- "roughly how much?" and "which key wins?" -----------------------------------------------


def how_much(prompt: str, share: float, why: str) -> Question:
    """A "roughly how much?" question about ``share`` (0 to 1): the core's bands are the
    options, and the band(s) holding ``share`` on screen are right."""
    return Question(prompt, BAND_NAMES, ac.bands(share), why)


def contest_options(
    race: ac.Contest, labels: Sequence[str], tie_label: str
) -> tuple[tuple[str, ...], frozenset[int]]:
    """A "which key wins?" question's options (the offered keys' labels, then ``tie_label``)
    and the positions of the right ones among them: the core's winners, and the tie when keys
    look tied on screen."""
    right = {at for at, i in enumerate(race.offered) if i in race.winners}
    if race.tie:
        right.add(len(race.offered))
    return (*(labels[i] for i in race.offered), tie_label), frozenset(right)


def which_wins(
    race: ac.Contest, names: Sequence[str], *, noun: str, setting: str, why: str
) -> Question:
    """ "<setting>: which <noun> wins?" over a contest (``ac.contest``): the keys it offers,
    then "no single <noun>: several tie"; right are the core's winners and, when keys look
    tied on screen, the tie. ``why``: ``why_it_wins`` (and the lesson's own words)."""
    options, right = contest_options(
        race, names, f"No single {noun}: several tie for the most weight"
    )
    return Question(
        prompt=f"{setting}: which {noun} wins (gets more weight than any other)?",
        options=options,
        right=right,
        why=why,
    )


def why_it_wins(
    race: ac.Contest,
    names: Sequence[str],
    weights: Any,
    score: Callable[[int], str],
    *,
    noun: str,
    order: Sequence[int],
    reason: str,
    before: str = "",
) -> str:
    """Why a lookup's contest (``ac.contest``) ends as the chart shows, in words (Markdown).

    On an exact tie, the keys that share the top: the same score, the same weight, "so no
    single ``noun`` wins". Otherwise the leader and the runner-up (``order``: key positions,
    heaviest first) with ``score(i)`` ("score 4.85", "q · k = 0.5") and their weights, why the
    leader leads (``reason``), and the keys close enough to look tied on screen. A flat row
    (every key alike, nothing to compare) is the lesson's own sentence, said before this.
    """
    if not race.winners:  # an exact tie at the top: nobody wins
        top = race.top[0]
        return (
            f"{listed([names[i] for i in race.top])} score the same ({score(top)}): they get "
            f"the same weight, {ac.percent(weights[top])} each, so no single {noun} wins."
        )
    lead, second = (int(i) for i in order[:2])
    text = (
        f"{before}*{md(names[lead])}* ({score(lead)}) gets the most weight, "
        f"{ac.percent(weights[lead])}: {reason}. The runner-up, *{md(names[second])}* "
        f"({score(second)}), gets {ac.percent(weights[second])}."
    )
    if race.close:
        verb = "is" if len(race.close) == 1 else "are"
        text += (
            f" {listed([names[i] for i in race.close])} {verb} within half a percentage point "
            "of it, too close to tell apart by eye: they count too."
        )
    return text


# ---- how a row is spread, and the noisy room --------------------------------------------------


def spread_headline(spread: ac.Spread, labels: Sequence[str]) -> str:
    """One sentence about a row of weights (``ac.describe_spread``), quoting the numbers that
    make it true."""
    names = [labels[i] for i in spread.top]
    if spread.kind == "even":
        return (
            "Even average: every key counts about the same (the largest weight is "
            f"{spread.ratio:.2f}× the smallest)"
        )
    if spread.kind == "hard":
        return (
            f"Hard lookup (arg-max): *{md(names[0])}* takes {ac.percent(spread.top_weight)} of "
            "the weight"
        )
    if spread.kind == "tie":
        low, high = ac.percent(spread.top_low), ac.percent(spread.top_weight)
        each = f"{high} each" if low == high else f"{low} to {high}"
        exact = spread.top_low >= spread.top_weight * (1 - ac.ROUNDING)
        share = "get the same weight and share" if exact else "look tied on screen and share"
        return (
            f"A tie at the top: {listed(names)} {share} the spotlight ({each}, "
            f"{ac.percent(spread.top_share)} together)"
        )
    return (
        f"Soft lookup: *{md(names[0])}* leads with {ac.percent(spread.top_weight)}, the others "
        f"still count ({ac.percent(1.0 - spread.top_share)} together)"
    )


def room_summary(room: ac.Room) -> str:
    """Lesson 1's sentence on who gets your attention, true of the room's weights."""
    n_other = len(room.voices) - 1
    others = "the other voice gets" if n_other == 1 else f"the {n_other} other voices share"
    if room.friend_has_most:
        lead = "most of your attention"
    elif room.friend_leads:
        lead = "more than any other voice, but less than all the chatter together"
    else:
        lead = "no more than the others"
    friend, top_chatter = ac.percent(room.friend_share), ac.percent(room.loudest_chatter)
    if friend == top_chatter:  # rounding must not hide who leads: one more decimal
        friend = f"{100 * room.friend_share:.1f}%"
        top_chatter = f"{100 * room.loudest_chatter:.1f}%"
    loudest = "" if n_other == 1 else f"; the loudest of them gets {top_chatter}"
    return (
        f"Your friend gets {friend}: {lead}. "
        f"{others.capitalize()} {ac.percent(room.chatter_share)}{loudest}."
    )
