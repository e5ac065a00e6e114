"""Lesson 11's sentences about the real model's numbers, built from the numbers themselves.

Every claim here is computed from what is on screen (and tested as a property over sentences,
layers and heads): nothing says "the meanings drift apart" unless the cosines do. Percentages
are rounded *down*, so a head shown at "50%" really gives at least half of its attention.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

import attention_core as ac
from attention_core.block import GELU_MIN, UpdateSizes
from attention_core.head_roles import BEHAVIOURS, HeadBehaviours
from attention_core.sampling import NextWord
from attention_core.search import Search
from model_store import Tokens

from .formats import two_places
from .questions import TIE_ON_SCREEN, joined
from .safe import md


def percent_down(share: float) -> str:
    """A share in 0..1 as a whole percent, rounded down: 0.996 -> "99%", 1.0 -> "100%"."""
    return f"{math.floor(share * 100 + 1e-9)}%"


def head_name(layer: int, head: int) -> str:
    """A head as students count it (from 1), from the core's 0-based indices."""
    return f"layer {layer + 1}, head {head + 1}"


def split_words(tokens: Tokens) -> list[tuple[str, tuple[str, ...]]]:
    """The words WordPiece cut into several pieces: (the word as typed, its pieces), each once."""
    return list(dict.fromkeys((w.text, w.pieces) for w in tokens.words() if len(w.pieces) > 1))


def token_chips(tokens: Tokens) -> str:
    """The tokens as a row of badges (Markdown): [CLS]/[SEP] orange, ``##`` pieces blue."""

    def chip(piece: str, special: bool) -> str:
        colour = "orange" if special else ("blue" if piece.startswith("##") else "gray")
        return f":{colour}-badge[{md(piece, 30)}]"

    return " ".join(chip(p, bool(s)) for p, s in zip(tokens.pieces, tokens.special, strict=True))


def _many(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def tokens_summary(tokens: Tokens) -> str:
    """How many tokens, and of what: the pieces of the words (and which were split),
    punctuation, ``[UNK]``. Markdown, user text escaped; call it with at least one token
    between ``[CLS]`` and ``[SEP]`` (the page asks for a sentence before that)."""
    kinds = [w.kind for w in tokens.words()]
    words, marks, unknown = (kinds.count(k) for k in ("word", "mark", "unknown"))
    parts = ["`[CLS]`"]
    if words:
        parts.append("the pieces of " + _many(words, "word", "words"))
    if marks:
        parts.append(_many(marks, "punctuation mark or symbol", "punctuation marks or symbols"))
    if unknown:
        parts.append(f"{unknown} `[UNK]`")
    text = f"**{len(tokens)} tokens**: {', '.join([*parts, '`[SEP]`'])}."
    split = split_words(tokens)
    if split:
        shown = "; ".join(
            f"*{md(word, 30)}* → " + " ".join(md(p, 20) for p in pieces)
            for word, pieces in split[:6]
        )
        more = f" (and {len(split) - 6} more)" if len(split) > 6 else ""
        text += f" Split into pieces: {shown}{more}."
    elif words:  # an [UNK] is a word the vocabulary could not spell at all
        text += " No word was split" + (
            ": each is in the vocabulary whole." if not unknown else "."
        )
    if unknown:
        text += (
            " `[UNK]` stands for characters the vocabulary does not have (an emoji, say): the "
            "model cannot tell them apart."
        )
    return text


def head_summary(behaviours: HeadBehaviours, layer: int, head: int) -> str:
    """What one head mostly looks at, with its share (Markdown)."""
    named = behaviours.label(layer, head)
    if named is not None:
        return (
            f"**{head_name(layer, head).capitalize()}** mostly looks at "
            f"**{BEHAVIOURS[named.behaviour]}**: on average {percent_down(named.share)} of a "
            "token's attention goes there."
        )
    shares = {b: float(s[layer, head]) for b, s in behaviours.shares.items()}
    known = {b: s for b, s in shares.items() if not math.isnan(s)}
    best = max(known, key=known.get)
    return (
        f"**{head_name(layer, head).capitalize()}** does none of the simple things on its own: "
        f"its largest share is {percent_down(known[best])} on {BEHAVIOURS[best]} (less than "
        "half). It mixes several tokens, as lesson 6's words did."
    )


def presets_note(looks: Mapping[str, tuple[str, str]], presets: Mapping[str, Mapping]) -> str:
    """What each meaning preset opens (``looks``: preset -> its word, the word it looks at most
    there; ``presets``: the registry's values, heads counted from 1), as a note (Markdown)."""
    opens = "; ".join(
        f"**{name}** opens {head_name(presets[name]['layer'] - 1, presets[name]['head'] - 1)}, "
        f"where *{md(word, 30)}* looks most at *{md(target, 30)}*"
        for name, (word, target) in looks.items()
    )
    return (
        "Some heads look past the neighbours and `[CLS]`/`[SEP]`, at a word that carries "
        "meaning. The presets open, for their word, the head that does it most clearly of all "
        f"72 (found by scanning them): {opens}. Each time it is a word that tells which meaning "
        "is meant. Look at the other rows too: is the ambiguous word the only one looking "
        "there? Then keep the head and type a sentence of your own."
    )


def behaviours_list(behaviours: HeadBehaviours, *, limit: int = 6) -> str:
    """Every behaviour with the heads that mostly do it, strongest first (Markdown list)."""
    lines = []
    for key, target in BEHAVIOURS.items():
        heads = behaviours.heads(key)
        if np.isnan(behaviours.shares[key]).all():
            found = "nothing to look at in this sentence (no word is split into pieces)"
        elif not heads:
            found = "no head in this sentence"
        else:
            found = ", ".join(
                f"{head_name(h.layer, h.head)} ({percent_down(h.share)})" for h in heads[:limit]
            )
            if len(heads) > limit:
                found += f", and {len(heads) - limit} more"
        lines.append(f"- **{target}**: {found}")
    return "\n".join(lines)


def drift_summary(cosine: Sequence[float], word: str) -> str:
    """What the cosines of ``word`` say, layer by layer, in words (numbers as on the chart).

    ``cosine[0]`` is the embeddings (before any attention), ``cosine[k]`` layer ``k``."""
    shown = [float(two_places(c)) for c in cosine]  # what the chart's labels say
    w = f"*{md(word, 30)}*"
    text = (
        f"Before any attention (the embeddings), the two {w}s have a cosine of "
        f"**{two_places(cosine[0])}**"
    )
    text += " (the same word: almost the same vector)." if shown[0] >= 0.95 else "."
    low = int(np.argmin(shown))
    rises = [k for k in range(1, len(shown)) if shown[k] > shown[k - 1]]
    if not rises:
        text += " From there it never rises from one layer to the next."
    else:
        where = ", ".join(str(k) for k in rises)
        text += (
            f" It does not fall steadily: it goes up again at layer{'s' if len(rises) > 1 else ''}"
            f" {where}."
        )
    if low > 0:
        text += f" Lowest at layer {low}: **{two_places(cosine[low])}**."
    last = len(shown) - 1
    if shown[last] < shown[0]:
        # Lower, not "another meaning": every word drifts some as it takes in its sentence. A
        # change of meaning can only be read against a pair where the word means the same.
        verdict = (
            "lower than at the start: the two vectors drifted apart as each took in its own "
            "sentence. Any word drifts some; to see whether this is a change of meaning, compare "
            "the same word in two sentences where it means the same thing"
        )
    elif shown[last] > shown[0]:
        verdict = "closer than they started"
    else:
        verdict = "as close as they started"
    text += f" After the last layer: **{two_places(cosine[last])}**, {verdict}."
    return text


def shares_table(behaviours: HeadBehaviours) -> dict[str, list]:
    """Every head (1-based) with its share of each behaviour and its name, as table columns."""
    n_layers, n_heads = next(iter(behaviours.shares.values())).shape
    heads = [(la, he) for la in range(n_layers) for he in range(n_heads)]
    named = {(h.layer, h.head): h.behaviour for h in behaviours.named}
    return {
        "layer": [la + 1 for la, _ in heads],
        "head": [he + 1 for _, he in heads],
        **{
            f"to {target}": [
                "—" if np.isnan(s) else percent_down(float(s))
                for s in behaviours.shares[key].ravel()
            ]
            for key, target in BEHAVIOURS.items()
        },
        "mostly": [named.get(h, "") for h in heads],
    }


# ---- lesson 13: one whole block, and what comes out -------------------------------------------


def bigger_update(sizes: UpdateSizes, layer: int) -> frozenset[str]:
    """Which sublayer adds more to the token in ``layer`` (0-based): "attention",
    "feed-forward", or both when they tie on screen (the core's one tie rule, ``ac.largest``)."""
    pair = (float(sizes.attention[layer]), float(sizes.feed_forward[layer]))
    return frozenset(("attention", "feed-forward")[i] for i in ac.largest(pair))


def updates_summary(sizes: UpdateSizes, token: str) -> str:
    """Across the layers, which sublayer adds more to ``token``, and the largest single update
    (Markdown; percentages as on the chart)."""
    n = len(sizes.attention)
    bigger = [bigger_update(sizes, k) for k in range(n)]
    ffn = [k + 1 for k, b in enumerate(bigger) if b == {"feed-forward"}]
    att = [k + 1 for k, b in enumerate(bigger) if b == {"attention"}]
    tie = [k + 1 for k, b in enumerate(bigger) if len(b) == 2]
    w = f"*{md(token, 30)}*"

    def layers(ks: list[int]) -> str:
        return ("layer " if len(ks) == 1 else "layers ") + joined([str(k) for k in ks])

    parts = []
    if ffn:
        parts.append(f"the feed-forward network adds more in {layers(ffn)}")
    if att:
        parts.append(f"attention adds more in {layers(att)}")
    if tie:
        parts.append(f"the two are {TIE_ON_SCREEN} in {layers(tie)}")
    text = f"To {w}: " + "; ".join(parts) + "."
    stacked = np.stack([sizes.attention, sizes.feed_forward])  # (2, layers)
    which, layer = np.unravel_index(int(np.argmax(stacked)), stacked.shape)
    name = ("attention", "feed-forward network")[which]
    text += (
        f" The largest single update is layer {layer + 1}'s {name}: "
        f"**{ac.percent(float(stacked[which, layer]))}** of the size of the stream it joins."
    )
    return text


def units_summary(units: np.ndarray, top: Sequence[int], layer: int, token: str) -> str:
    """How many of one token's feed-forward units fire in ``layer`` (counted from 1), and the
    most active ones (Markdown; values to two decimals, as on the chart's hover)."""
    on = int((units > 0).sum())
    w = f"*{md(token, 30)}*"
    best = joined([f"#{i} ({two_places(units[i])})" for i in top])
    return (
        f"In layer {layer}, **{on:,} of {len(units):,}** units are above 0 for {w}; GELU "
        f"keeps the other {len(units) - on:,} between {two_places(GELU_MIN)} and 0. The most "
        f"active: {best}."
    )


def search_summary(found: Search, notes: Sequence[str]) -> str:
    """The note the question's vector is closest to, with its cosine and the runner-up's
    (Markdown; cosines to two decimals, as on the chart)."""
    best = sorted(found.best)
    named_notes = joined([f"note {i + 1}, *{md(notes[i], 60)}*" for i in best])
    scores = " to ".join(dict.fromkeys(two_places(found.scores[i]) for i in best))
    if len(best) == 1:
        text = f"The closest note is {named_notes}: cosine **{scores}**."
    else:
        text = f"The closest notes are {named_notes}, {TIE_ON_SCREEN}: cosine **{scores}**."
    rest = [i for i in range(len(notes)) if i not in found.best]
    if rest:
        runner = max(rest, key=lambda i: found.scores[i])
        text += f" The next is note {runner + 1}, at {two_places(found.scores[runner])}."
    return text


def attention_summary(keys: Sequence[str], weights: np.ndarray, t: float) -> str:
    """What the attention temperature does to lesson 3's keys (Markdown)."""
    top = sorted(ac.largest(weights))
    who = joined([f"*{md(keys[i], 20)}*" for i in top])
    return (
        f"Attention at T = {t:g}: {who} {'gets' if len(top) == 1 else 'each get'} "
        f"**{ac.percent(float(weights[top[0]]))}** of the weight. This dial is inside attention; "
        "real models keep it at 1."
    )


def sampling_summary(words: Sequence[str], found: NextWord, out_t: float, draws: np.ndarray) -> str:
    """What the output temperature, top-k and top-p leave, and what was drawn (Markdown)."""
    kept = np.flatnonzero(found.kept)
    top = sorted(ac.largest(found.probabilities))
    who = joined([f"*{md(words[i], 20)}*" for i in top])
    text = (
        f"Output at T = {out_t:g}: {who} {'gets' if len(top) == 1 else 'each get'} "
        f"**{ac.percent(float(found.probabilities[top[0]]))}** of the probability. "
    )
    if len(kept) == len(words):
        text += f"Top-k and top-p keep all {len(words)} words."
    else:
        text += (
            f"Top-k and top-p keep **{len(kept)} of {len(words)}** words ("
            + joined([f"*{md(words[i], 20)}*" for i in kept], limit=len(words))
            + "); the rest can never be drawn."
        )
    counts = np.bincount(draws, minlength=len(words))
    order = sorted(np.flatnonzero(counts), key=lambda i: (-counts[i], i))
    text += (
        f" {len(draws)} draws: "
        + joined([f"*{md(words[i], 20)}* ×{counts[i]}" for i in order], limit=len(words))
        + "."
    )
    return text
