"""Runner-up readings of uncertain characters, straight from the recognition model.

PaddleOCR returns one string per line: the best character at each position.
Where two glyphs are nearly equally likely (阎 0.40 / 间 0.42 on a blurred photo)
that choice is a coin toss, and only the field that holds the text knows which
reading makes sense (a surname must be a surname). So for every line read with
less than full certainty we run the same PP-OCRv6 recognition model on the
line's crop, decode its CTC output greedily, and — when that decoding is the
line's own text, so positions line up — keep the other candidates of each
uncertain character. The OCR text itself is never changed here. This is part of
the cached OCR result: a change in behaviour bumps preprocess.PREPROCESS_VERSION.
"""

from __future__ import annotations

import math
import threading

import cv2
import numpy as np

from pipeline.models import CharAlternatives, OcrLine

REREAD_LINES_BELOW = 0.985  # line confidence under which its characters are examined
UNCERTAIN_BELOW = 0.9  # a character whose best probability is lower keeps its runners-up
RUNNER_UP_FLOOR = 0.02  # candidates less likely than this are noise
MAX_CANDIDATES = 4
_REC_HEIGHT = 48  # PP-OCRv6 rec input height (RecResizeImg image_shape)
_MAX_WIDTH = 3200

_lock = threading.Lock()
_state: dict[str, object] = {}


def _model() -> tuple[object, list[str]]:
    """The rec ONNX session and its CTC alphabet (blank, the model's characters, space)."""
    with _lock:
        if "session" not in _state:
            import onnxruntime as ort

            from pipeline.modelstore import REC_NAME, rec_characters, source_file

            path = source_file(REC_NAME)
            options = ort.SessionOptions()
            options.intra_op_num_threads = 2
            options.log_severity_level = 3
            session = ort.InferenceSession(
                str(path), sess_options=options, providers=["CPUExecutionProvider"]
            )
            _state["session"] = session
            _state["alphabet"] = ["", *rec_characters(path, session), " "]
        return _state["session"], _state["alphabet"]  # type: ignore[return-value]


def _ctc_probabilities(crop: np.ndarray) -> np.ndarray:
    """(time steps × alphabet) softmax output for one BGR line crop."""
    session, _ = _model()
    h, w = crop.shape[:2]
    width = min(_MAX_WIDTH, max(8, math.ceil(_REC_HEIGHT * w / max(1, h))))
    resized = cv2.resize(crop, (width, _REC_HEIGHT)).astype(np.float32)
    tensor = ((resized / 255.0 - 0.5) / 0.5).transpose(2, 0, 1)[None]
    name = session.get_inputs()[0].name  # type: ignore[attr-defined]
    return session.run(None, {name: tensor})[0][0]  # type: ignore[attr-defined]


def decode_with_alternatives(
    probs: np.ndarray, alphabet: list[str]
) -> tuple[str, list[CharAlternatives]]:
    """Greedy CTC decoding, plus the candidates of each character read with doubt.

    A character spans a run of frames; its candidates are taken from the frame where
    the chosen character is most probable.
    """
    best = probs.argmax(axis=1)
    text: list[str] = []
    alternatives: list[CharAlternatives] = []
    t = 0
    while t < len(best):
        label = int(best[t])
        end = t
        while end + 1 < len(best) and best[end + 1] == label:
            end += 1
        if label != 0:
            frame = t + int(probs[t : end + 1, label].argmax())
            if probs[frame, label] < UNCERTAIN_BELOW:
                order = np.argsort(-probs[frame])[: MAX_CANDIDATES + 1]
                options = tuple(
                    (alphabet[i], round(float(probs[frame, i]), 4))
                    for i in order
                    if i != 0 and probs[frame, i] >= RUNNER_UP_FLOOR
                )
                if len(options) > 1:
                    alternatives.append(CharAlternatives(index=len(text), options=options))
            text.append(alphabet[label])
        t = end + 1
    return "".join(text), alternatives


def with_alternatives(image: np.ndarray, lines: list[OcrLine]) -> list[OcrLine]:
    """The lines, each uncertain one carrying its characters' runner-up readings.

    A line whose re-decoding differs from its text (another crop, a re-read under a
    seal) keeps no alternatives: the positions would not line up.
    """
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    _, alphabet = _model()
    height, width = image.shape[:2]
    out: list[OcrLine] = []
    for line in lines:
        x0, y0, x1, y1 = line.bbox
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(width, x1), min(height, y1)
        if line.confidence >= REREAD_LINES_BELOW or x1 - x0 < 4 or y1 - y0 < 4:
            out.append(line)
            continue
        text, alternatives = decode_with_alternatives(
            _ctc_probabilities(np.ascontiguousarray(image[y0:y1, x0:x1])), alphabet
        )
        lead = len(text) - len(text.lstrip())
        if alternatives and text.strip() == line.text:
            shifted = tuple(
                CharAlternatives(index=a.index - lead, options=a.options) for a in alternatives
            )
            line = line.model_copy(update={"alternatives": shifted})
        out.append(line)
    return out
