"""Evaluation of the knowledge base: the committed question sets, metrics and calibration.

`questions.yaml` (in-domain questions with the slugs that answer them) and `offtopic.yaml`
(questions it must decline) are data; this package holds the code that reads them, scores
retrieval (hit@k, MRR) and declines, and calibrates the decline thresholds in `knowledge.guard`.
"""
