"""A tiny Piper voice made on the spot: a real .onnx model and .onnx.json config that piper-tts loads.

It does not speak: for every phoneme id it gives `HOP` samples of a steady tone,
so more text is longer audio. What it exercises is everything around the neural
network: piper-tts's own espeak-ng phonemizer for Vietnamese, the phoneme ids,
an onnxruntime session with Piper's inputs (input, input_lengths, scales) and
Loa's handling of the chunks piper-tts yields. No voice file needs downloading.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

__all__ = ["make_piper_voice", "SAMPLE_RATE", "HOP"]

SAMPLE_RATE = 22_050
HOP = 256  # samples per phoneme id


def make_piper_voice(folder: Path, name: str = "vi_VN-loa-tone-x_low.onnx") -> Path:
    """Write the model and its config into `folder`; return the model's path."""
    import onnx
    from onnx import TensorProto, helper
    from piper.phoneme_ids import DEFAULT_PHONEME_ID_MAP

    tone = [0.5 * math.sin(2 * math.pi * 5 * i / HOP) for i in range(HOP)]  # ~430 Hz at 22.05 kHz
    nodes = [
        helper.make_node("Cast", ["input"], ["ids_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["ids_f", "zero"], ["zeros"]),
        helper.make_node("Add", ["zeros", "one"], ["ones"]),  # [1, N] of 1.0, whatever the ids
        helper.make_node("Unsqueeze", ["ones", "last_axis"], ["ones3"]),  # [1, N, 1]
        helper.make_node("Mul", ["ones3", "tone"], ["frames"]),  # [1, N, HOP]
        helper.make_node("Reshape", ["frames", "out_shape"], ["output"]),  # [1, 1, N * HOP]
    ]
    graph = helper.make_graph(
        nodes,
        "loa_tone_voice",
        inputs=[
            helper.make_tensor_value_info("input", TensorProto.INT64, [1, "phonemes"]),
            helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1]),
            helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3]),
        ],
        outputs=[helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, "samples"])],
        initializer=[
            helper.make_tensor("zero", TensorProto.FLOAT, [], [0.0]),
            helper.make_tensor("one", TensorProto.FLOAT, [], [1.0]),
            helper.make_tensor("last_axis", TensorProto.INT64, [1], [2]),
            helper.make_tensor("tone", TensorProto.FLOAT, [HOP], tone),
            helper.make_tensor("out_shape", TensorProto.INT64, [3], [1, 1, -1]),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="loa-tests")
    model.ir_version = 8  # readable by any onnxruntime of the last years
    onnx.checker.check_model(model)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    onnx.save(model, str(path))
    config = {
        "audio": {"sample_rate": SAMPLE_RATE},
        "espeak": {"voice": "vi"},
        "phoneme_type": "espeak",
        "num_symbols": max(i for ids in DEFAULT_PHONEME_ID_MAP.values() for i in ids) + 1,
        "num_speakers": 1,
        "inference": {"noise_scale": 0.667, "length_scale": 1.0, "noise_w": 0.8},
        "phoneme_id_map": DEFAULT_PHONEME_ID_MAP,
    }
    Path(f"{path}.json").write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    return path
