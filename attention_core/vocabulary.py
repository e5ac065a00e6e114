"""A hand-made vocabulary of common English words over eight named, readable features.

Real models learn embeddings with hundreds of unnamed dimensions. Here every axis means something
("nature", "money", ...) so a student can read a word's vector and predict what attention will do.
Words are listed in groups that share a profile; a few ambiguous words ("bank", "spring", "bat")
get a split profile of their own, which is what makes self-attention worth watching.

Scale: 3 is "strongly this", 1 is "a little". Small words (the, of, ...) are all zeros: they carry
grammar, not meaning, in this toy world.
"""

from __future__ import annotations

FEATURES: tuple[str, ...] = (
    "nature",
    "money",
    "animal",
    "person",
    "place",
    "action",
    "food",
    "time",
)

# (profile, words): each profile maps feature -> strength; every word in the string gets it.
_GROUPS: tuple[tuple[dict[str, float], str], ...] = (
    # Nature and water
    (
        {"nature": 3.0},
        "river lake sea ocean water stream tree forest mountain hill valley grass flower "
        "leaf leaves rain snow sun sky wind stone rock sand earth moon cloud flowers trees",
    ),
    ({"nature": 2.5, "place": 1.5}, "shore beach island field meadow garden park woods cave"),
    # Weather and light, out of doors: a little nature.
    ({"nature": 1.5}, "dark cold warm hot"),
    ({"nature": 2.0, "action": 1.5}, "swim swam row rowed fished fishing grow grew bloom"),
    # Money and finance
    (
        {"money": 3.0},
        "money cash coin coins dollar dollars euro euros cheque loan debt credit salary tax "
        "price cost profit savings interest wallet fee rent account",
    ),
    (
        {"money": 2.0, "action": 1.5},
        "pay paid buy bought sell sold spend spent deposit deposited borrow borrowed lend lent "
        "save saved invest earn earned owe",
    ),
    ({"money": 2.0, "place": 1.5}, "shop market store office"),
    ({"money": 1.5, "person": 2.0}, "teller clerk banker customer"),
    ({"money": 1.5}, "rich poor expensive cheap"),
    # Animals
    (
        {"animal": 3.0},
        "dog cat horse cow sheep pig rabbit mouse lion bear wolf fox deer snake frog owl bee "
        "tiger monkey elephant",
    ),
    ({"animal": 2.5, "nature": 1.5}, "bird duck fish goose swan"),
    ({"animal": 1.5, "action": 1.5}, "bark barked"),
    # What birds (and bats) do: an animal's action, up in the sky.
    ({"animal": 1.5, "action": 1.0, "nature": 1.0}, "fly flew"),
    # People
    (
        {"person": 3.0},
        "man woman child boy girl friend teacher student mother father sister brother doctor "
        "farmer king queen people family baby driver neighbour",
    ),
    ({"person": 1.0}, "i you he she we they me him her us them my your his our their"),
    # Places
    (
        {"place": 3.0},
        "house home city town village school street road room kitchen country church station "
        "hospital library building",
    ),
    # Things that belong to a place
    ({"place": 1.5}, "board desk table chair door window wall"),
    # Actions
    (
        {"action": 3.0},
        "sat sit run ran walk walked go went come came see saw read write play played sing "
        "jump jumped sleep slept open close give gave take took put stood stand fell wrote "
        "bite bites",
    ),
    ({"action": 2.0, "food": 1.5}, "eat ate drink drank cook cooked"),
    # Food
    (
        {"food": 3.0},
        "bread apple cake cheese milk tea coffee rice soup egg fruit meat sugar salt pie lunch "
        "dinner breakfast",
    ),
    # Time
    (
        {"time": 3.0},
        "day night morning evening today yesterday tomorrow week year hour minute summer "
        "winter autumn now soon later season seasons",
    ),
    # Small words: grammar, no meaning here
    (
        {},
        "the a an of to in on at into by for with and or but is was are were be been it this "
        "that not so very too as from up down out over under then there here what which who "
        "when where why how all some any no do did does have has had will would can could "
        "just also only more much many each after before",
    ),
)

#: Ambiguous words: their meaning is split, so their neighbours decide which way they lean.
#: They are a little quieter (smaller norm) than plain words, because their meaning is spread.
_AMBIGUOUS: dict[str, dict[str, float]] = {
    "bank": {"nature": 1.2, "money": 1.2, "place": 1.0},
    "banks": {"nature": 1.2, "money": 1.2, "place": 1.0},
    "spring": {"nature": 1.2, "time": 1.2, "action": 0.8},
    "bat": {"animal": 1.2, "action": 1.2},
    "current": {"nature": 1.2, "time": 1.2},
    "note": {"money": 1.2, "action": 0.8},
    "change": {"money": 1.2, "action": 1.2},
    "branch": {"nature": 1.2, "money": 0.8, "place": 0.8},
    "trunk": {"nature": 1.2, "animal": 1.0},
    "fair": {"money": 1.0, "place": 1.0, "time": 0.6},
}


def _build() -> dict[str, tuple[float, ...]]:
    table: dict[str, tuple[float, ...]] = {}
    for profile, words in _GROUPS:
        vector = tuple(float(profile.get(f, 0.0)) for f in FEATURES)
        for word in words.split():
            table[word] = vector
    for word, profile in _AMBIGUOUS.items():
        table[word] = tuple(float(profile.get(f, 0.0)) for f in FEATURES)
    return table


#: word -> embedding (one float per feature, in ``FEATURES`` order)
VOCABULARY: dict[str, tuple[float, ...]] = _build()
#: Words whose meaning is split between features (the interesting ones for the sentence lesson).
AMBIGUOUS_WORDS: tuple[str, ...] = tuple(_AMBIGUOUS)
