"""Sentence embeddings: the int8 ONNX all-MiniLM-L6-v2 encoder shipped in ``model/``, and what is
built on its vectors without torch (an on-disk embedding cache, a numpy softmax regression).

The bottom layer beside ``bot.language``: imports nothing else of ``bot``. No model hub, no
download: the model file is part of the package, checked against its SHA256SUMS when loaded.
"""

from bot.semantic.encoder import DEFAULT_MODEL_DIR, Encoder, ModelError

__all__ = ["DEFAULT_MODEL_DIR", "Encoder", "ModelError"]
