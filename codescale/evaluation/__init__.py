"""Scoring stored runs: pass@k, scaling curves, exports for official harnesses."""
