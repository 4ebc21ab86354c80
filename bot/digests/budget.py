"""The send budget behind the priority rate limiter: two lanes sharing one token bucket.

Pure arithmetic on a clock passed in, so the policy is tested with made-up times and the asyncio
glue (`limiter.py`) stays a thin dispatcher. Telegram allows about 30 messages per second
overall. Every send takes a token from the overall bucket (refilled at `rate`, holding at most
`burst`). Interactive sends (replies to people chatting) need one token. Bulk sends (digests)
also need a token of their own bulk bucket, refilled at `bulk_share` of the rate, and may only
take an overall token while `reserve` more stay behind: a digest run can never spend the last
few tokens, so the next reply a person is waiting for finds one at once.
"""

from __future__ import annotations

from typing import Literal

Lane = Literal["interactive", "bulk"]
LANES: tuple[Lane, ...] = ("interactive", "bulk")
_SHORT = 1e-6  # float refills land a hair below a whole token; never sleep for that


def _wait(missing: float, rate: float) -> float:
    """Seconds until `missing` tokens refill at `rate`; 0.0 when (nearly) nothing is missing."""
    return missing / rate if missing > _SHORT else 0.0


class Budget:
    """Token buckets for both lanes; `rate` in sends per second.

    Defaults: the overall bucket holds one second of sends (as Telegram's per-second limit and
    AIORateLimiter assume), the bulk bucket one second of bulk sends, and the reserve is the
    rate bulk does not get (3 tokens at 30/s with a 90 % share), at least one when the burst
    leaves room for it.
    """

    def __init__(
        self,
        rate: float = 30.0,
        bulk_share: float = 0.9,
        *,
        burst: float | None = None,
        reserve: float | None = None,
        bulk_burst: float | None = None,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        if not 0 < bulk_share <= 1:
            raise ValueError("bulk_share must be in (0, 1]")
        self.rate = rate
        self.bulk_share = bulk_share
        self.burst = max(1.0, rate if burst is None else burst)
        unshared = min(max(1.0, rate * (1 - bulk_share)), self.burst - 1)
        self.reserve = unshared if reserve is None else reserve
        if self.reserve + 1 > self.burst:
            raise ValueError("the reserve leaves no token for bulk sends")
        self.bulk_burst = max(1.0, self.bulk_rate if bulk_burst is None else bulk_burst)
        self._tokens = self.burst
        self._bulk_tokens = self.bulk_burst
        self._at: float | None = None

    @property
    def bulk_rate(self) -> float:
        return self.rate * self.bulk_share

    def _refill(self, now: float) -> None:
        if self._at is not None and now > self._at:
            elapsed = now - self._at
            self._tokens = min(self.burst, self._tokens + elapsed * self.rate)
            self._bulk_tokens = min(self.bulk_burst, self._bulk_tokens + elapsed * self.bulk_rate)
        if self._at is None or now > self._at:
            self._at = now

    def delay(self, lane: Lane, now: float) -> float:
        """Seconds from `now` until a send in `lane` may go (0.0: it may go now)."""
        self._refill(now)
        paused = max(0.0, (self._at or now) - now)  # buckets refill only after a pause
        need = 1.0 if lane == "interactive" else 1.0 + self.reserve
        wait = _wait(need - self._tokens, self.rate)
        if lane == "bulk":
            wait = max(wait, _wait(1.0 - self._bulk_tokens, self.bulk_rate))
        return paused + wait

    def available(self, now: float) -> float:
        """Overall tokens in the bucket at `now` (what a burst of replies could spend at once)."""
        self._refill(now)
        return self._tokens if (self._at or now) <= now else 0.0

    def take(self, lane: Lane, now: float) -> bool:
        """Spend one send's tokens in `lane` if it may go now; False (nothing spent) if not."""
        if self.delay(lane, now) > 0:
            return False
        self._tokens -= 1.0
        if lane == "bulk":
            self._bulk_tokens -= 1.0
        return True

    def pause(self, now: float, until: float) -> None:
        """Telegram said "too many requests": nothing goes before `until`, and then the buckets
        start empty, so sending resumes at the steady rate instead of with a burst."""
        self._refill(now)
        self._tokens = min(self._tokens, 0.0)
        self._bulk_tokens = min(self._bulk_tokens, 0.0)
        self._at = max(self._at or until, until)
