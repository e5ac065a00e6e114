"""A tiny random BERT, written by the tests in the real model's file layout.

``config.json`` (Hugging Face BERT keys), ``model.safetensors`` (the real checkpoint's tensor
names, float32, plus the extra ``position_ids`` and ``pooler`` tensors a real file carries) and
``tokenizer.json`` (built with the ``tokenizers`` library: BERT's normaliser, pre-tokenizer,
WordPiece and ``[CLS] … [SEP]`` template, padded and truncated like the real file, which the
loader must undo). Small enough for a float64 loop reference; the same code paths as the real one.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = ["i", "sat", "on", "the", "river", "bank", "money", "at", "deposited", "a", "un"]
PIECES = ["##believ", "##able", "##s", ".", ",", "!", "<", ">", "/", "=", '"']
VOCAB = {token: i for i, token in enumerate(SPECIALS + WORDS + PIECES)}

CONFIG = {
    "architectures": ["BertModel"],
    "hidden_act": "gelu",
    "hidden_size": 8,
    "intermediate_size": 16,
    "layer_norm_eps": 1e-12,
    "max_position_embeddings": 128,
    "model_type": "bert",
    "num_attention_heads": 2,
    "num_hidden_layers": 2,
    "pad_token_id": 0,
    "position_embedding_type": "absolute",
    "type_vocab_size": 2,
    "vocab_size": len(VOCAB),
}


def tensors(seed: int = 0) -> dict[str, np.ndarray]:
    """Random weights under the real checkpoint's names (PyTorch layout: ``(d_out, d_in)``)."""
    rng = np.random.default_rng(seed)
    h, f = CONFIG["hidden_size"], CONFIG["intermediate_size"]

    def normal(*shape: int, scale: float = 0.5) -> np.ndarray:
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    def gain(n: int) -> np.ndarray:
        return (1 + rng.standard_normal(n) * 0.1).astype(np.float32)

    out = {
        "embeddings.word_embeddings.weight": normal(CONFIG["vocab_size"], h),
        "embeddings.position_embeddings.weight": normal(CONFIG["max_position_embeddings"], h),
        "embeddings.token_type_embeddings.weight": normal(CONFIG["type_vocab_size"], h),
        "embeddings.LayerNorm.weight": gain(h),
        "embeddings.LayerNorm.bias": normal(h, scale=0.1),
        "embeddings.position_ids": np.arange(CONFIG["max_position_embeddings"])[None, :],
        "pooler.dense.weight": normal(h, h),
        "pooler.dense.bias": normal(h),
    }
    for i in range(CONFIG["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        for name in ("query", "key", "value"):
            out[f"{p}attention.self.{name}.weight"] = normal(h, h)
            out[f"{p}attention.self.{name}.bias"] = normal(h, scale=0.1)
        out[f"{p}attention.output.dense.weight"] = normal(h, h)
        out[f"{p}attention.output.dense.bias"] = normal(h, scale=0.1)
        out[f"{p}attention.output.LayerNorm.weight"] = gain(h)
        out[f"{p}attention.output.LayerNorm.bias"] = normal(h, scale=0.1)
        out[f"{p}intermediate.dense.weight"] = normal(f, h)
        out[f"{p}intermediate.dense.bias"] = normal(f, scale=0.1)
        out[f"{p}output.dense.weight"] = normal(h, f)
        out[f"{p}output.dense.bias"] = normal(h, scale=0.1)
        out[f"{p}output.LayerNorm.weight"] = gain(h)
        out[f"{p}output.LayerNorm.bias"] = normal(h, scale=0.1)
    return out


def tokenizer() -> Tokenizer:
    """A real WordPiece tokenizer over the tiny vocabulary, configured like BERT's."""
    tok = Tokenizer(models.WordPiece(VOCAB, unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", VOCAB["[CLS]"]), ("[SEP]", VOCAB["[SEP]"])],
    )
    # Like all-MiniLM-L6-v2's file: padded to a fixed length, truncated. The loader undoes both.
    tok.enable_padding(length=128, pad_id=0, pad_token="[PAD]")
    tok.enable_truncation(max_length=128)
    return tok


def write(folder: Path, seed: int = 0) -> dict[str, str]:
    """Write the three files into ``folder``; return their SHA-256 (to pin them in a test)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(CONFIG, indent=2))
    save_file(tensors(seed), str(folder / "model.safetensors"), metadata={"format": "pt"})
    tokenizer().save(str(folder / "tokenizer.json"))
    return {
        name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
        for name in ("config.json", "tokenizer.json", "model.safetensors")
    }
