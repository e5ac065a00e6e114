"""Predict mode seen from a student's seat: the question, the commit, the verdict and the why.

Shared by the page tests of the lessons that ask "which key wins?" (2, 4 and 5). Everything is
read off the screen: the options of the radio, the verdict the page writes, the "why" under it,
and the weights of the chart that appears once the student has committed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from apptest_helpers import charts
from claims import PCT, pct_matches
from streamlit.testing.v1 import AppTest

from ui.predict import HIDDEN_CHART

#: The label of the prediction radio.
PROMPT = "Your prediction"
#: Half a percentage point: the lessons show weights to two decimals or whole percents.
ON_SCREEN = 0.005
_EMPH = re.compile(r"\*((?:[^*\\]|\\.)+)\*")


def unescape(text: str) -> str:
    """Markdown-escaped text as a reader sees it ("ci\\-dessous" → "ci-dessous")."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def emphasised(text: str) -> list[str]:
    """The *emphasised* words of a Markdown sentence, unescaped."""
    return [unescape(m) for m in _EMPH.findall(text)]


def radio(at: AppTest):
    return next(r for r in at.radio if r.label == PROMPT)


def options(at: AppTest) -> list[str]:
    """The prediction's options, as a student reads them."""
    return [unescape(o) for o in radio(at).options]


def commit(at: AppTest, option: str) -> AppTest:
    """Pick ``option`` and press "Reveal the answer"."""
    radio(at).set_value(options(at).index(option)).run()
    at.button(key="predict-reveal").click().run()
    assert not at.exception, at.exception
    return at


def predict_again(at: AppTest) -> AppTest:
    at.button(key="predict-again").click().run()
    assert not at.exception, at.exception
    return at


def verdict(at: AppTest) -> tuple[bool, list[str]]:
    """Whether the page said "Right", and (when not) the right answers its notice names."""
    if any(s.value.startswith("**Right:**") for s in at.success):
        return True, []
    notice = next(w.value for w in at.warning if w.value.startswith("**Not quite:**"))
    return False, emphasised(notice.split("the numbers say ", 1)[1])


def why(at: AppTest) -> str:
    """The explanation under the verdict (the one Markdown text of the prediction box)."""
    box = at.get_by_key("predict-box")
    (text,) = [el.value for el in box if getattr(el, "type", "") == "markdown"]
    return text


def assert_hidden(at: AppTest) -> None:
    """Before a prediction: the question, and no chart, numbers table or note."""
    assert not at.exception, at.exception
    assert options(at), "no prediction question"
    assert not charts(at)
    assert HIDDEN_CHART in [c.value for c in at.caption]
    assert "The numbers behind the chart" not in [e.label for e in at.expander]
    assert not [i for i in at.info if i.icon == ":material/lightbulb:"], "the note shows"
    assert not [s for s in at.success if s.value.startswith("Answer:")], "the answer shows"
    assert at.button(key="predict-reveal").proto.disabled  # nothing picked yet


def assert_revealed(at: AppTest) -> None:
    """After a prediction: the charts, the numbers table and the note are back."""
    assert charts(at)
    assert "The numbers behind the chart" in [e.label for e in at.expander]
    assert [i for i in at.info if i.icon == ":material/lightbulb:"]


def winners_on_screen(
    labels: Sequence[str], weights: np.ndarray, offered: Sequence[str], no_winner: str
) -> set[str]:
    """The right answers, from the plain meaning of "which key wins?" and the weights drawn.

    Several keys with exactly the largest weight: nobody wins, only "several tie" is right.
    Otherwise the key with the largest weight wins, and so does any key a student cannot tell
    from it on screen (within half a percentage point); then "several tie" is right too.
    """
    w = np.asarray(weights, dtype=float)
    exact = [labels[i] for i in range(len(w)) if abs(w[i] - w.max()) <= 1e-9 * w.max()]
    if len(exact) > 1:
        return {no_winner}
    seen = {labels[i] for i in range(len(w)) if w[i] >= w.max() - ON_SCREEN}
    return (seen & set(offered)) | ({no_winner} if len(seen) > 1 else set())


def check_question(
    at: AppTest,
    choices: Sequence[str],
    labels: Sequence[str],
    weights: np.ndarray,
    no_winner: str,
    first: str,
) -> None:
    """The page's right answers are exactly what the chart shows: of the ``choices`` offered,
    ``first`` was committed and the chart is on screen; when it was right, commit a wrong
    option to read every right one from the "Not quite" notice."""
    offered = list(choices[:-1])
    assert choices[-1] == no_winner and len(choices) <= 8
    assert set(offered) <= set(labels) and len(set(offered)) == len(offered)
    w = np.asarray(weights, dtype=float)
    # The heaviest keys are offered: a key left out gets no more than any key offered.
    left_out = [w[labels.index(k)] for k in labels if k not in offered]
    if left_out:
        assert max(left_out) <= min(w[labels.index(k)] for k in offered)
    expected = winners_on_screen(labels, w, offered, no_winner)
    said_right, named = verdict(at)
    assert said_right == (first in expected), (first, expected, said_right)
    if said_right:
        wrong = [o for o in choices if o not in expected]
        if not wrong:
            return
        predict_again(at)
        commit(at, wrong[0])
        said_right, named = verdict(at)
        assert not said_right
    assert set(named) == expected, (named, expected)


def check_why(
    text: str,
    labels: Sequence[str],
    weights: np.ndarray,
    *,
    scores: np.ndarray | None = None,
) -> None:
    """The "why" under the verdict is true of the weights (and scores) on screen.

    It names the winner and the runner-up with their weights ("*sous* (score 4.85) gets the
    most weight, 85%", "The runner-up, *près* (score 0.34), gets 5%"), or says that every key
    gets the same weight, or that some keys score the same; "no ... wins" only on an exact tie.
    """
    w = np.asarray(weights, dtype=float)
    order = np.argsort(-w, kind="stable")
    exact_tie = int(np.sum(np.abs(w - w.max()) <= 1e-9 * w.max())) > 1
    says_no_winner = re.search(r"\bno (single )?(word|key|note) wins", text, re.IGNORECASE)
    assert bool(says_no_winner) == exact_tie, (text, w)
    pairs = re.findall(
        r"\*((?:[^*\\]|\\.)+)\* \((?:score|q · k =) (−?-?[\d.]+)\),? gets (?:the most weight, )?"
        + PCT,
        text,
    )
    if not exact_tie:
        assert len(pairs) == 2, text
        (lead, lead_score, lead_pct), (second, second_score, second_pct) = pairs
        lead, second = unescape(lead), unescape(second)
        # By value: keys with equal weights may be named in either order.
        assert labels.index(lead) == order[0], text
        assert w[labels.index(second)] == w[order[1]], text
        assert pct_matches(lead_pct, w[order[0]]) and pct_matches(second_pct, w[order[1]]), text
        if scores is not None:
            for name, quoted in ((lead, lead_score), (second, second_score)):
                assert abs(float(quoted.replace("−", "-")) - scores[labels.index(name)]) <= 0.005
        close = re.search(r"(.*) (?:is|are) within half a percentage point", text)
        seen = {labels[i] for i in np.flatnonzero(w >= w.max() - ON_SCREEN)} - {lead}
        if close:
            assert set(emphasised(close.group(1).rsplit(".", 1)[-1])) <= seen, text
        else:
            assert not seen, (text, w)
        return
    same = re.search(r"the same weight, " + PCT, text)
    assert same, text
    tied = np.flatnonzero(np.abs(w - w.max()) <= 1e-9 * w.max())
    assert pct_matches(same.group(1), w.max()), text
    if re.search(r"[Ee]very (key|note) (scores|gets)", text):
        assert len(tied) == len(w), text
    else:  # the tied ones are named (up to six, then "and N more")
        named = emphasised(text.split(" score the same")[0].split(" have the same")[0])
        assert {labels.index(n) for n in named} <= set(tied.tolist()), text
        more = re.search(r"and (\d+) more", text)
        assert len(named) + (int(more.group(1)) if more else 0) == len(tied), text
