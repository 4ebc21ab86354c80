"""The two-lane send budget on a made-up clock: who may send, and how many, never how fast."""

from __future__ import annotations

import pytest

from bot.digests.budget import Budget, Lane


def run_for(budget: Budget, seconds: float, *, interactive_every: float | None = None) -> dict:
    """Bulk sends as fast as the budget allows; interactive sends at a steady pace, each tried
    first at its moment. Returns counts, and how many interactive sends could not go at once."""
    sent: dict[Lane, int] = {"interactive": 0, "bulk": 0}
    delayed = 0
    now = 0.0
    next_interactive = 0.0 if interactive_every else float("inf")
    while now < seconds:
        if now >= next_interactive:
            if budget.take("interactive", now):
                sent["interactive"] += 1
            else:
                delayed += 1
            next_interactive += interactive_every or 0.0
            continue
        if budget.take("bulk", now):
            sent["bulk"] += 1
            continue
        now = min(now + budget.delay("bulk", now), next_interactive)
    return {**sent, "delayed": delayed}


def test_bulk_alone_is_paced_at_its_share_of_the_rate() -> None:
    budget = Budget(rate=30, bulk_share=0.9)
    counts = run_for(budget, 100.0)
    # 27 per second, plus at most the one-second bulk burst at the start.
    assert 27 * 100 <= counts["bulk"] <= 27 * 100 + 27 + 1


def test_bulk_leaves_the_reserve_untouched_at_the_start() -> None:
    budget = Budget(rate=30, bulk_share=0.9)
    taken = 0
    while budget.take("bulk", 0.0):
        taken += 1
    assert taken == 27  # 30 tokens, 3 kept back for replies
    assert [budget.take("interactive", 0.0) for _ in range(4)] == [True, True, True, False]


def test_a_chatting_user_never_waits_while_a_run_saturates_the_bulk_lane() -> None:
    budget = Budget(rate=30, bulk_share=0.9)
    counts = run_for(budget, 60.0, interactive_every=0.1)  # 10 replies per second
    assert counts["delayed"] == 0
    assert counts["interactive"] == 600
    # Bulk gets what replies leave: the overall budget is never exceeded.
    assert counts["bulk"] + counts["interactive"] <= 30 * 60 + 30


def test_nothing_goes_during_a_pause_and_the_buckets_start_empty_after_it() -> None:
    budget = Budget(rate=30, bulk_share=0.9)
    budget.pause(0.0, until=2.0)
    assert not budget.take("interactive", 1.9)
    assert not budget.take("bulk", 1.9)
    assert budget.delay("interactive", 1.0) > 1.0
    sent = sum(budget.take("interactive", 2.0) for _ in range(5))
    assert sent == 0  # no burst right after a 429
    assert budget.take("interactive", 2.0 + 1 / 30)


def test_a_reserve_that_leaves_bulk_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="reserve"):
        Budget(rate=30, reserve=30)
    assert Budget(rate=1).reserve == 0  # a one-token bucket has nothing to keep back
