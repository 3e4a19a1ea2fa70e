"""Encoder weights for spamscalpel's ``minilm_v1`` scorer: ``MODEL_DIR`` holds model.onnx,
tokenizer.json and encoder.json (training metadata and the stacker's weights)."""

from pathlib import Path

MODEL_DIR = Path(__file__).resolve().parent / "model"
