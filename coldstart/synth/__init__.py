"""Synthetic generator: a small release-shaped trace calibrated to the paper.

Lets everything run on a fresh machine without the 50 GB download. See ``generate``.
"""

from coldstart.synth.generate import DATASET_DIR, SynthSummary, generate
from coldstart.synth.presets import PRESETS, Preset, get_preset

__all__ = ["DATASET_DIR", "PRESETS", "Preset", "SynthSummary", "generate", "get_preset"]
