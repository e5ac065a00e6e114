"""The measuring half of ``bench/model.py``, run in a fresh process: ``python bench/model_child.py
load`` or ``... forward``, with the repository on PYTHONPATH; prints one JSON object.

A plain script (not ``-m bench...``) so it can run under another interpreter, e.g. a throwaway
venv that has torch and transformers: it imports only NumPy, ``model_store`` and, if present,
torch. ``forward`` times our NumPy forward pass and, when torch and transformers import,
``transformers``' ``BertModel`` on the same files, in interleaved rounds, so a burst of other
work on the machine hits both alike.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

# Run as a script, this folder is sys.path[0], and its profile.py would shadow the standard
# library's (which torch imports): look only at the repository root and the installed packages.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]


def _rss_mb(field: str = "VmRSS") -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def load() -> dict:
    started = time.perf_counter()
    import numpy as np

    import model_store

    imported = time.perf_counter()
    before = _rss_mb()
    model = model_store.load()
    loaded = time.perf_counter()
    after = _rss_mb()
    peak = _rss_mb("VmHWM")
    model.read("I sat on the river bank")
    first = time.perf_counter()
    return {
        "import_s": imported - started,
        "load_s": loaded - imported,
        "first_read_s": first - loaded,
        "rss_before_mb": before,
        "rss_after_load_mb": after,
        "rss_after_first_read_mb": _rss_mb(),
        "rss_peak_mb": peak,
        "weights_mb": sum(
            a.nbytes
            for a in [model.weights.word, model.weights.position, model.weights.token_type]
            + [
                getattr(layer, f)
                for layer in model.weights.layers
                for f in layer.__dataclass_fields__
            ]
        )
        / 2**20,
        "numpy": np.__version__,
    }


def _ids(model, n: int):
    import numpy as np

    text = (
        "Attention lets every word in a sentence look at every other word and decide how much "
        "of it to take in, so that a word like bank can lean toward the river or the money "
        "depending on its neighbours, and this happens in every layer and every head."
    )
    ids = model.tokenize(text).ids
    assert len(ids) > n, len(ids)
    return np.concatenate([ids[: n - 1], ids[-1:]])  # n tokens, ending with [SEP]


def _percentiles(times: list[float]) -> dict:
    import numpy as np

    ms = np.array(times) * 1e3
    return {
        "p50_ms": float(np.percentile(ms, 50)),
        "p95_ms": float(np.percentile(ms, 95)),
        "min_ms": float(ms.min()),
        "n": len(ms),
    }


def forward(n_tokens: int, rounds: int, per_round: int) -> dict:
    import numpy as np

    import model_store
    from attention_core.bert import encode

    model = model_store.load()
    ids = _ids(model, n_tokens)
    contenders = {"numpy": lambda: encode(model.weights, model.config, ids)}
    result: dict = {"n_tokens": len(ids), "numpy": np.__version__}
    try:
        import torch
        from transformers import BertModel
    except ImportError as missing:
        result["torch_skipped"] = f"{type(missing).__name__}: {missing}"
    else:
        result["torch"] = torch.__version__
        result["torch_threads"] = torch.get_num_threads()
        token_ids = torch.tensor(ids[None, :], dtype=torch.long)
        eager = BertModel.from_pretrained(str(model.directory), attn_implementation="eager")
        sdpa = BertModel.from_pretrained(str(model.directory), attn_implementation="sdpa")
        eager.eval()
        sdpa.eval()

        def run_eager():
            with torch.inference_mode():
                return eager(token_ids, output_attentions=True, output_hidden_states=True)

        def run_sdpa():
            with torch.inference_mode():
                return sdpa(token_ids)

        contenders["torch eager, all attentions"] = run_eager
        contenders["torch sdpa, no attentions"] = run_sdpa
        ours = contenders["numpy"]().pooled
        theirs = run_eager().last_hidden_state[0].mean(0).numpy()
        result["max_abs_diff_pooled"] = float(np.abs(ours - theirs).max())
    for fn in contenders.values():  # warm up: first-call costs, caches, thread pools
        for _ in range(5):
            fn()
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            for _ in range(per_round):
                t = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - t)
    result["times"] = {name: _percentiles(values) for name, values in times.items()}
    result["blas_threads_env"] = os.environ.get("OPENBLAS_NUM_THREADS", "")
    return result


def main() -> None:
    mode = sys.argv[1]
    if mode == "load":
        out = load()
    else:
        quick = "--quick" in sys.argv
        out = forward(32, rounds=3 if quick else 10, per_round=10 if quick else 20)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
