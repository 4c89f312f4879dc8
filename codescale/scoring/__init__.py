"""Scorers: a candidate's hidden verdict, judged by the rules of the benchmark its problem
comes from (plain hidden tests, HumanEval's check program, LiveCodeBench's comparison).

A scorer belongs to a problem source, not to a selection strategy: `codescale.scoring.sources`
finds the one registered for a problem, and `codescale.scoring.verdicts` runs and reads the
hidden jobs of many candidates in one batch. Adding a scorer is one module of this package
that calls `register` (see `codescale.scoring.scorer`).
"""
