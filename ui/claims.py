"""What lessons 8 and 9 say about their heads, in words: each sentence is read off the core's
result it describes and chooses its wording from that result, so it is true at every setting.

"Where does a word look most" is ``ui.questions.looks_most`` (one voice for every lesson); what is
here is special to hand-built heads. Pure functions of core results (no Streamlit): the page
prints them, the tests check them as properties over sentences and controls. ``labels`` are the
words as shown; they are escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import attention_core as ac

from .formats import two_places
from .questions import asker, listed, looks_most, named, shares
from .safe import md

# ---- lesson 8: one head ---------------------------------------------------------------------


def inspect_first(p: ac.Projected) -> int:
    """The word lesson 8 follows first: the first ambiguous word with a question, else the first
    word with a question, else the first ambiguous word, else the last."""
    asking = [i for i in range(len(p.tokens)) if p.asks[i]]
    ambiguous = [i for i in asking if p.tokens[i] in ac.AMBIGUOUS_WORDS]
    return (ambiguous or asking or [ac.focus_word(p.tokens)])[0]


def silence(p: ac.Projected, focus: int, labels: Sequence[str]) -> str | None:
    """Why the inspected word asks nothing with this head (``p.why_silent``), or None when it
    asks something: "*teacher* asks nothing: the link person → action is at 0"."""
    word = asker(labels, focus)
    why = p.why_silent(focus)
    if why == "asks":
        return None
    if why == "no features":
        return f"{word} has no features in this toy world (all zeros), so it asks nothing"
    if why == "links at 0" and all(link.strength == 0 for link in p.head.query):
        return f"This head's links are all at 0, so {word} asks nothing"
    if why == "links at 0":
        x, at = p.x[focus], {name: j for j, name in enumerate(p.head.dims)}
        off = [link.label for link in p.head.query if x[at[link.source]] != 0]
        are = "is" if len(off) == 1 else "are"
        return (
            f"{word} asks nothing: the link{'s' if len(off) > 1 else ''} of W_Q that "
            f"{'read' if len(off) > 1 else 'reads'} its features ({listed(off)}) {are} at 0"
        )
    if why == "looked for":
        return (
            f"{word} asks nothing with this head (no link of W_Q reads its features); it is "
            "what the other words look *for*"
        )
    return f"{word} has none of the features this head asks about, so it asks nothing"


def question_line(p: ac.Projected, focus: int, labels: Sequence[str]) -> str:
    """Where the inspected word looks with this head, next to where it looks with Q = K = X."""
    word = asker(labels, focus)
    quiet = silence(p, focus, labels)
    silent = f"{quiet}: its query is all zeros, every key scores 0" if quiet else None
    head = looks_most(p.weights[focus], labels, asking=word, itself=focus, silent=silent)
    plain = looks_most(p.plain.weights[focus], labels, asking=word, itself=focus)
    return f"**With this head:** {head}  \n**With no projection (Q = K = V = X):** {plain}"


def askers_line(p: ac.Projected, labels: Sequence[str]) -> str:
    """Which words ask something (a non-zero query), and what the others do."""
    asking = np.flatnonzero(p.asks)
    if asking.size == 0:
        return (
            "No word of this sentence has a question with this head (every query is zero), so "
            "every word spreads its attention evenly."
        )
    silent = np.flatnonzero(~p.asks)
    line = f"Words with a question here: {listed([labels[j] for j in asking], limit=8)}"
    if silent.size == 1:
        line += ". The other word asks nothing (a zero query) and spreads evenly"
    elif silent.size:
        line += f". The {silent.size} other words ask nothing (a zero query) and spread evenly"
    return line + "."


def most_asymmetric_pair(scores: np.ndarray) -> tuple[int, int]:
    """``(i, j)`` where the score of ``i → j`` differs most from ``j → i`` (i asks more)."""
    gap = scores - scores.T  # (n, n)
    i, j = np.unravel_index(int(np.argmax(gap)), gap.shape)
    return int(i), int(j)


def _is_diagonal(w: np.ndarray) -> bool:
    return bool(np.array_equal(w, np.diag(np.diag(w))))


def symmetry_line(p: ac.Projected, labels: Sequence[str]) -> str:
    """Is the score matrix ``Q Kᵀ`` symmetric, and why: guarded by ``p.symmetric``."""
    s = p.attention.scores
    if not p.symmetric:
        i, j = most_asymmetric_pair(s)
        return (
            f"The score matrix Q Kᵀ is **not symmetric**: {asker(labels, i)} → "
            f"{asker(labels, j)} scores {two_places(s[i, j])}, but {asker(labels, j)} → "
            f"{asker(labels, i)} scores {two_places(s[j, i])}. The question a word asks (its "
            "query) is no longer the label it shows (its key), so looking for someone and being "
            "looked for are different things."
        )
    if not p.asks.any():
        return (
            "The score matrix is symmetric, but only because it is all zeros: no word asks "
            "anything with this head."
        )
    if np.array_equal(p.w_q, p.w_k):
        why = (
            "The score matrix Q Kᵀ is **symmetric**: W_Q = W_K, so Q = K and *a* → *b* scores "
            "exactly what *b* → *a* scores, as in lessons 6 and 7."
        )
    elif ac.is_symmetric(p.w_q @ p.w_k.T):
        same = _is_diagonal(p.w_q) and _is_diagonal(p.w_k)
        why = (
            "W_Q ≠ W_K, and yet the score matrix Q Kᵀ is **still symmetric**: W_Q W_Kᵀ is a "
            "symmetric matrix for this head"
            + (" (it asks for a feature and its keys offer that same feature)" if same else "")
            + ", so *a* → *b* scores what *b* → *a* scores. Different matrices are not enough; "
            "the question has to point somewhere else."
        )
    else:
        why = (
            "W_Q W_Kᵀ is not symmetric, but on this sentence the score matrix still is: its "
            "words do not show the difference (try one with words of both kinds the head links)."
        )
    return why + _rows_apart(p, labels)


def _rows_apart(p: ac.Projected, labels: Sequence[str]) -> str:
    """Why symmetric scores still draw asymmetric weights, quoting the pair that differs most
    (nothing when the weights are symmetric too)."""
    w = p.weights
    gap = np.abs(w - w.T)  # (n, n)
    i, j = np.unravel_index(int(np.argmax(gap)), gap.shape)
    if ac.percent(w[i, j]) == ac.percent(w[j, i]):
        return ""
    a, b = asker(labels, int(i)), asker(labels, int(j))
    return (
        f" The weights are not symmetric, though: {a} → {b} gets {ac.percent(w[i, j])}, {b} → "
        f"{a} gets {ac.percent(w[j, i])}. Softmax turns each row into shares on its own (a row "
        "adds up to 1 over the words its word sees), so one score can be a large share of one "
        "row and a small share of another."
    )


# ---- lesson 9: many heads -------------------------------------------------------------------


def head_lines(r: ac.NamedHeads, focus: int, labels: Sequence[str]) -> list[str]:
    """For each head: where the inspected word looks in it (and whether the head is on)."""
    word = asker(labels, focus)
    lines = []
    for head, on, weights in zip(r.heads, r.active, r.weights, strict=True):
        row = weights[focus]
        name = f"**{head.name}**" + ("" if on else " (off)")
        lines.append(f"{name}: " + looks_most(row, labels, asking=word, itself=focus))
    return lines


def heads_verdict(r: ac.NamedHeads, focus: int, labels: Sequence[str]) -> str:
    """Where the heads look, as far as the numbers on screen show it: one head has one query and
    must split between words that answer it equally well; two heads can each find their own.
    Ties and even rows are the core's (``ac.largest``, ``ac.is_even``)."""
    word = asker(labels, focus)
    on = [h for h in range(len(r.heads)) if r.active[h]]
    if not on:
        return (
            "Every head is off: W_O has nothing to write back, so every refined word is all zeros."
        )

    def top(h: int) -> list[int]:
        return sorted(ac.largest(r.weights[h, focus]))

    asking = [h for h in on if not ac.is_even(r.weights[h, focus])]
    found: dict[int, int] = {}
    for h in asking:
        if len(top(h)) == 1:
            found.setdefault(top(h)[0], h)
    split = [h for h in asking if len(top(h)) > 1]
    parts = []
    if len(found) >= 2:
        (j1, h1), (j2, h2) = list(found.items())[:2]
        parts.append(
            f"Two heads, two things: {word} looks most at *{md(labels[j1], 30)}* in "
            f"**{r.heads[h1].name}** and at *{md(labels[j2], 30)}* in **{r.heads[h2].name}**, "
            "and W_O writes what both found back into the word."
        )
    for h in split:
        best = top(h)
        parts.append(
            f"One head, one question: **{r.heads[h].name}** has to split {word} evenly between "
            f"{named(labels, best)} ({shares(r.weights[h, focus], labels, best)}); it cannot "
            "look fully at both."
        )
    if not parts:
        if len(on) == 1:
            parts.append(
                f"One head on: {word} gets one question's answer. Turn on another head to look "
                "for a second thing."
            )
        else:
            parts.append(f"Here the heads that are on do not look at different words for {word}.")
    return " ".join(parts)


def _writers(both: ac.BothAtOnce, r: ac.NamedHeads) -> list[int]:
    """The heads that write a visible amount (two decimals) of either feature into the word."""
    return [h for h in range(len(r.heads)) if both.by_head[h].max() >= ac.SHOWN_PRECISION]


def carried_line(r: ac.NamedHeads, focus: int, labels: Sequence[str]) -> str | None:
    """What the refined word carries of nature and money, against the most one head can ever
    hand over (``ac.both_at_once``): the lesson's point, read off the numbers. None when every
    head is off (the verdict says so)."""
    if not any(r.active):
        return None
    both = ac.both_at_once(r, focus)
    word = asker(labels, focus)
    (a, b), most = both.features, two_places(both.one_head_most)
    if both.one_head_most < ac.SHOWN_PRECISION:
        return f"No word here has any {a} or {b}, so no head can hand {word} either."
    x, y = (two_places(v) for v in both.amounts)
    total = two_places(both.together)
    carries = f"The refined {word} carries {a} **{x}** and {b} **{y}** ({total} together)"
    limit = (
        f"one head hands over a weighted average of its words' values, and no word here has "
        f"more than {most} of {a} and {b} together"
    )
    writers = _writers(both, r)
    if both.beyond_one_head:
        credit = "; ".join(
            f"{f} from "
            + " and ".join(
                f"**{r.heads[h].name}** ({two_places(both.by_head[h, k])})"
                for h in writers
                if both.by_head[h, k] >= ac.SHOWN_PRECISION
            )
            for k, f in enumerate(both.features)
            if both.amounts[k] >= ac.SHOWN_PRECISION
        )
        return (
            f"{carries}: more than any one head can give it, at any temperature ({limit}). "
            f"Several heads did it: {credit}."
        )
    if not writers:
        return f"{carries}: none of the heads that are on writes {a} or {b} into {word}."
    if len(writers) == 1:
        return (
            f"{carries}, all from **{r.heads[writers[0]].name}**. One head can never give more "
            f"than {most} of the two together, at any temperature: {limit}."
        )
    names = " and ".join(f"**{r.heads[h].name}**" for h in writers)
    return (
        f"{carries}, from {names}: no more than one head alone could give here (up to {most}; "
        f"{limit}). At this setting the heads add nothing one head could not."
    )


def width_line(r: ac.NamedHeads) -> str:
    """How wide each head is and why, from the arrays, and the link to lesson 11's MiniLM."""
    m = r.result
    d_model, (h, _, d_head) = m.x.shape[1], m.q.shape
    spare = [f"**{head.name}**" for head in r.heads if "unused" in head.slots]
    line = (
        f"**How wide is a head?** d_model / h = {d_model} / {h} = **{d_head}** numbers: the "
        f"{h} heads share the {d_model} features, so W_Q, W_K and W_V are {d_model} × "
        f"{h * d_head} in all, and the {h} heads cost what one full-width head costs. Each head "
        f"divides its scores by √{d_head} (its own d_k), not √{d_model}."
    )
    if spare:
        line += (
            f" {', '.join(spare[:-1]) + ' and ' if len(spare) > 1 else ''}{spare[-1]} "
            f"need{'s' if len(spare) == 1 else ''} only one of {d_head} numbers (a question "
            "of one number); a learned head uses all of its width, and nobody can "
            "name its numbers."
        )
    return line + (
        " The real model of lesson 11, all-MiniLM-L6-v2, does the same: 384 = 12 heads × 32, "
        "hence the √32 in its scores."
    )


def shapes_line(r: ac.NamedHeads) -> str:
    """The shapes, from the arrays: n × d_model → h × n × d_head → n × h·d_head → n × d_model."""
    m = r.result
    n, d_model = m.x.shape
    h, _, d_head = m.q.shape
    return (
        f"X is {n} × {d_model} (words × features) → {h} heads, each {n} × {d_head}: "
        f"{h} × {n} × {d_head} → side by side, {m.concat.shape[0]} × {m.concat.shape[1]} → "
        f"× W_O ({m.w_o.shape[0]} × {m.w_o.shape[1]}) → {m.output.shape[0]} × "
        f"{m.output.shape[1]}, one refined vector per word again."
    )


def closest_line(r: ac.NamedHeads, focus: int, labels: Sequence[str]) -> str:
    """Which vocabulary words the inspected word is closest to, alone and after the heads.

    A word without features (a small word, or every head off) is close to nothing: say so
    rather than name the first words of the vocabulary."""
    word, shown = r.tokens[focus], f"**{md(labels[focus], 30)}**"

    def closest(vector: np.ndarray) -> str:
        return ", ".join(f"*{w}*" for w, _ in ac.nearest_words(vector, exclude=(word,)))

    alone, mixed = r.result.x[focus], r.output[focus]
    line = (
        f"{shown} alone is closest to {closest(alone)}"
        if np.any(alone)
        else f"{shown} alone has no features in this toy world"
    )
    if np.any(mixed):
        return line + f";  \nafter the heads and W_O, closest to {closest(mixed)}."
    return line + ";  \nafter the heads and W_O it is all zeros: nothing to compare."


def one_vs_two(one: ac.NamedHeads, two: ac.NamedHeads, focus: int) -> str:
    """The misconception's numbers, from the core at the two presets: what the refined word
    carries with one topic head and with two heads, and one head's limit."""
    a, b = ac.both_at_once(one, focus), ac.both_at_once(two, focus)
    x, y = (f"{n} {two_places(v)}" for n, v in zip(a.features, a.amounts, strict=True))
    p, q = (f"{n} {two_places(v)}" for n, v in zip(b.features, b.amounts, strict=True))
    return (
        f"with one topic head the refined *bank* carries {x} and {y}, and no single head can "
        f"ever give it more than {two_places(a.one_head_most)} of the two together; with the "
        f"**Nature** and **Money** heads it carries {p} and {q}"
    )


# ---- lesson 14: attention between two sentences ----------------------------------------------
# The rows are English words, the columns French words: two sequences, so no column is ever the
# row's own word, whatever its spelling or place ("looks most" is called with ``itself=None``).


def followed_english(tr: ac.Translation) -> int:
    """The English word lesson 14 follows first: *below* (the story's word), else the last."""
    return tr.target.index("below") if "below" in tr.target else max(len(tr.target) - 1, 0)


def cross_look(tr: ac.Translation, focus: int) -> str:
    """Where the English word ``focus`` looks among the French words (the one "looks most")."""
    asking = asker(list(tr.target), focus)
    return looks_most(tr.weights[focus], list(tr.source), asking=asking, itself=None)


def shape_line(tr: ac.Translation) -> str:
    """The cross-attention matrix's shape, read off the weights: queries × keys."""
    n_en, n_fr = tr.shape
    rows = f"{n_en} English word{'s' if n_en != 1 else ''}"
    cols = f"{n_fr} French word{'s' if n_fr != 1 else ''}"
    text = (
        f"**{rows} × {cols} = {n_en * n_fr} weights.** Each row is an English word's query, "
        "each column a French word's key"
    )
    if n_en != n_fr:
        return text + ": the matrix is not square, because the two sentences differ in length."
    return text + (
        f". Square here only because both sentences have {n_en} word{'s' if n_en != 1 else ''}: "
        "row 1 and column 1 are still two different words, one English, one French."
    )


def decoder_line(tr: ac.Translation) -> str:
    """The decoder's self-attention is causal, cross-attention is not: checked on the weights."""
    w = tr.decoder.weights  # (n_en, n_en)
    n = len(w)
    ahead = w[np.triu_indices(n, 1)]
    if n < 2:
        causal = "With one English word there is nothing after it to hide."
    elif np.all(ahead == 0):
        causal = (
            "Every weight above the diagonal is exactly 0: an English word being written may "
            "look back at the words before it, never at the words after it (lesson 10's "
            "causal mask)."
        )
    else:  # never drawn: the core always masks; said plainly should that ever change
        causal = f"The largest weight above the diagonal is {two_places(ahead.max())}."
    n_fr = tr.shape[1]
    return (
        f"**In the decoder's self-attention, English looks back only.** {causal} "
        f"**Cross-attention has no causal mask:** every English word may look at all {n_fr} "
        "French words, because the encoder has read the whole French sentence before the "
        "first English word is written."
    )


def share_or_less(x: float) -> str:
    """A leak as a share: "12%", or "less than 0.5%" (never "0%" for weight that is there)."""
    return "less than 0.5%" if x < ac.SHOWN_PRECISION else ac.percent(x)


def padding_line(batch: ac.PaddedBatch) -> str:
    """What the batch's padding mask does on screen, from the weights on the padded places."""
    lines = []
    for i, source in enumerate(batch.sources):
        n = int(batch.source_lengths[i])
        padded = len(source) - n
        if not padded:
            continue
        sentence = f"*{md(' '.join(source[:n]), 120)}*"
        leak = batch.leak(i)
        places = f"{padded} padded place{'s' if padded != 1 else ''}"
        if batch.masked and not ac.leaks(leak):
            lines.append(
                f"**With the padding mask**, the English words of pair {i + 1} give the {places} "
                f"after {sentence} exactly 0: their rows are just what the pair gives alone."
            )
        elif not ac.leaks(leak):  # a low temperature: the padding's share underflows
            lines.append(
                f"**Without the mask**, the {places} after {sentence} still get less than a "
                "billionth of the weight here: at this temperature the real French words "
                "outscore them by far. Raise the temperature to see weight leak onto them."
            )
        else:
            low, high = share_or_less(float(leak.min())), share_or_less(float(leak.max()))
            amount = low if low == high else f"{low} to {high}"
            each = " each" if low == high and len(leak) > 1 else ""
            lines.append(
                f"**Without the mask**, the English words of pair {i + 1} give {amount}{each} of "
                f"their weight to the {places} after {sentence}: places with no word, only a "
                "position. That weight is taken from the real French words."
            )
    return " ".join(lines) or "Both sentences have the same length: nothing is padded."


def mebibytes(n_bytes: int) -> str:
    """A size as people read it: "256 bytes", "16 KiB", "64 MiB"."""
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n_bytes >= size:
            value = n_bytes / size
            return f"{value:,.0f} {unit}" if value >= 10 else f"{value:.3g} {unit}"
    return f"{n_bytes:,} bytes"


def cost_line(costs: Sequence[ac.Cost]) -> str:
    """How the weights grow from the smallest size measured to the largest: by n²."""
    small, big = costs[0], costs[-1]
    grow = big.n // small.n
    return (
        f"**From {small.n:,} to {big.n:,} tokens the text grows {grow:,}-fold, the weights "
        f"{big.weights // small.weights:,}-fold ({grow:,}²):** {small.weights:,} → "
        f"{big.weights:,} weights per head, {mebibytes(small.weight_bytes)} → "
        f"{mebibytes(big.weight_bytes)} in {big.dtype} ({mebibytes(2 * big.weight_bytes)} in "
        "float64). Doubling the text multiplies them by 4."
    )


def real_model_line(layers: int, heads: int, max_tokens: int, max_positions: int) -> str:
    """Why lesson 11 reads at most ``max_tokens`` tokens, in weights."""
    kept = layers * heads * max_tokens**2
    most = layers * heads * max_positions**2
    return (
        f"**Why lesson 11 reads at most {max_tokens} tokens:** it keeps every weight of every "
        f"head to draw them, {layers} layers × {heads} heads × {max_tokens}² = {kept:,} weights "
        f"per sentence. MiniLM's positions would allow {max_positions} tokens: "
        f"{most // kept:,} times as many ({most:,}), for every student's sentence."
    )
