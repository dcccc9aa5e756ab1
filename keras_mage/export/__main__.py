"""`python -m keras_mage.export {saved_model,onnx} MODEL.keras PATH OPTIONS_JSON` (run with KERAS_BACKEND=tensorflow)."""

import json
import sys

import keras

from keras_mage.export import export_onnx, export_saved_model
from keras_mage.models.agent_directory import load_model_file


def main(kind, model_file, path, options):
    if keras.backend.backend() != "tensorflow":
        raise SystemExit(f"Run this with KERAS_BACKEND=tensorflow (got {keras.backend.backend()}).")
    exporter = {"saved_model": export_saved_model, "onnx": export_onnx}[kind]
    exporter(load_model_file(model_file), path, **json.loads(options))


if __name__ == "__main__":
    main(*sys.argv[1:])
