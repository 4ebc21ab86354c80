"""Inputs a leader spends on the packaged interview: the core path and the full path.

Run `python benchmarks/interview_inputs.py`. The Porto fridge leader of tests/personas.py (the
issue's persona: city council, two supermarkets and a food bank) walks the interview the way a
phone user does: every choice a tap, a multi-select its taps plus Done, the organisations typed
in one message, Send one tap. It reports the inputs up to the first Send (the core), then each
deep dive taken from the screen after sending, with the offer text the leader saw (its honest
estimate), and the engine's CPU time for the whole walk. Numbers are reported, never asserted;
tests/intake/test_personas.py holds the core to its budget.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # runnable as a plain script from a checkout
    sys.path.insert(0, str(ROOT))

from intake.engine import Prompt, render, start, step  # noqa: E402
from intake.engine.events import Event  # noqa: E402
from intake.engine.state import InterviewState  # noqa: E402
from intake.form import load_definition  # noqa: E402
from tests.personas import PORTO, PORTO_DIVES, Walk, walk  # noqa: E402

FIRST_FORM = {"core": 78, "full": 89}
"""The same leader on the first form (2026.12.1, measured at 8025c3a with the same driver):
78 inputs with every deep dive declined, 89 with all of them."""


def _walk(language: str) -> tuple[Walk, list[str], float]:
    """One walk through every dive; the offers seen after the first Send; engine CPU ms."""
    form = load_definition()
    state = start(form, language=language)
    offers: list[str] = []

    def apply(event: Event) -> tuple[InterviewState, Prompt]:
        nonlocal state
        state, prompt = step(form, state, event)
        if prompt.kind == "submitted" and not offers:
            offers.extend(offer.text for offer in prompt.offers)
        return state, prompt

    began = time.process_time()
    counted = walk(apply, render(form, state), {**PORTO, **PORTO_DIVES}, dives=True)
    return counted, offers, (time.process_time() - began) * 1000


def main() -> None:
    results: dict[str, dict[str, object]] = {}
    for language in ("en", "es"):
        counted, offers, cpu_ms = _walk(language)
        results[language] = {
            "core_inputs": counted.core,
            "dive_inputs": counted.dives,
            "full_inputs": counted.total,
            "offers_after_sending": offers,
            "engine_cpu_ms": round(cpu_ms, 1),
        }
    en = results["en"]
    print(f"Porto fridge leader, form {load_definition().version} (every tap and message)")
    print(f"{'path':<30}{'v2':>6}{'first form':>12}")
    print(f"{'core (until the first Send)':<30}{en['core_inputs']:>6}{FIRST_FORM['core']:>12}")
    print(f"{'full (every deep dive)':<30}{en['full_inputs']:>6}{FIRST_FORM['full']:>12}")
    print("offered after sending:")
    for text in results["en"]["offers_after_sending"]:  # type: ignore[attr-defined]
        print(f"  - {text}")
    print(json.dumps({**results, "first_form": FIRST_FORM}, ensure_ascii=False))


if __name__ == "__main__":
    main()
