"""Faults injected at the replay (``--faults SPEC``), for the tagger's modes and any program alike.

A spec is a comma-separated list of ``KIND:RATE%``, e.g. ``500:1%,502:1%,503:1%,504:1%,reset:0.5%,timeout:0.5%,429:1%``.
The kinds are distinct failures of a real network and server:

- ``500``, ``503``, ``429``: answered *before* the request is applied (nothing changes; a 429 says ``Retry-After: 1``);
- ``502``, ``504``: answered *after* it is applied (a proxy lost the server's answer: the state changed, the client
  does not know);
- ``reset``: applied, then the connection is lost mid-answer (in process an ``httpx.ReadError``; over HTTP a partial
  body, then the connection closed);
- ``timeout``: applied, and the answer held past the client's timeout (in process the virtual clock advances by the
  request's own timeout and ``httpx.ReadTimeout`` is raised; over HTTP the answer is held ``--fault-hold`` real
  seconds, which are also its modeled time).

Which request gets which fault is decided by hashing the seed, the request's identity (method, path, query, body)
and how many times that identity was seen before, never by arrival order: a retry of a request draws again, and a
subject sees the same faults on every run, concurrent or not. A request answered before it is applied takes
``FAST_S`` of modeled time; one applied takes its modeled latency.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from harness.errors import HarnessError

KINDS = ("500", "502", "503", "504", "429", "reset", "timeout")
BEFORE = frozenset({"500", "503", "429"})  # answered before applying: nothing changed
LOST = frozenset({"reset", "timeout"})  # applied, and no whole answer reaches the client
FAST_S = 0.001  # modeled seconds of an answer given before applying (a proxy, a server refusing at once)
RETRY_AFTER_S = "1"
DEFAULT_HOLD_S = 0.5
MESSAGES = {
    "500": "Internal server error (injected)",
    "502": "Bad Gateway (injected: the request was applied, its answer lost)",
    "503": "Service Unavailable (injected)",
    "504": "Gateway Timeout (injected: the request was applied, its answer lost)",
    "429": "Too Many Requests (injected)",
}
ITEM = re.compile(r"^\s*([a-z0-9]+)\s*:\s*([0-9]*\.?[0-9]+)\s*%\s*$")


class FaultSpecError(HarnessError):
    """A ``--faults`` spec that does not parse, names an unknown kind, or adds up past 100 %."""


@dataclass(frozen=True)
class FaultSpec:
    """Fault kinds and their rates (fractions of requests), in ``KINDS`` order."""

    rates: tuple[tuple[str, float], ...]

    @classmethod
    def parse(cls, text: str) -> FaultSpec:
        """``500:1%,reset:0.5%`` -> the spec; ``FaultSpecError`` naming what is wrong."""
        found: dict[str, float] = {}
        for item in text.split(","):
            match = ITEM.match(item)
            if match is None:
                raise FaultSpecError(f"--faults: {item.strip()!r} is not KIND:RATE% (e.g. 503:1%, reset:0.5%)")
            kind, rate = match.group(1), float(match.group(2)) / 100.0
            if kind not in KINDS:
                raise FaultSpecError(f"--faults: unknown kind {kind!r}; kinds are {', '.join(KINDS)}")
            if kind in found:
                raise FaultSpecError(f"--faults: {kind} is given twice")
            found[kind] = rate
        if sum(found.values()) > 1.0 + 1e-12:
            raise FaultSpecError(f"--faults: the rates add up to {100 * sum(found.values()):g} %, more than 100 %")
        return cls(tuple((kind, found[kind]) for kind in KINDS if kind in found and found[kind] > 0))

    def text(self) -> str:
        """The canonical spec text (kinds in ``KINDS`` order)."""
        return ",".join(f"{kind}:{100 * rate:g}%" for kind, rate in self.rates)


class FaultPlan:
    """Decides the fault of each request (``decide``) and counts what it served (``served``)."""

    def __init__(self, spec: FaultSpec, seed: int = 0, hold_s: float = DEFAULT_HOLD_S) -> None:
        self.spec = spec
        self.seed = seed
        self.hold_s = hold_s
        self.served: Counter[str] = Counter()
        self._seen: Counter[bytes] = Counter()
        bounds: list[tuple[float, str]] = []
        total = 0.0
        for kind, rate in spec.rates:
            total += rate
            bounds.append((total, kind))
        self._bounds = bounds

    @classmethod
    def of(cls, text: str | None, seed: int = 0, hold_s: float | None = None) -> FaultPlan | None:
        """The plan of a stored spec text, or None without one."""
        if not text:
            return None
        return cls(FaultSpec.parse(text), seed, DEFAULT_HOLD_S if hold_s is None else hold_s)

    def decide(self, method: str, path: str, query: bytes, body: bytes) -> str | None:
        """The fault this request gets (None: answered normally), from its identity and how often it was seen."""
        identity = hashlib.blake2b(b"%s %s?%s\0%s" % (method.encode(), path.encode(), query, body), digest_size=16)
        key = identity.digest()
        seen = self._seen[key]
        self._seen[key] = seen + 1
        draw = hashlib.blake2b(b"%d\0%s\0%d" % (self.seed, key, seen), digest_size=8).digest()
        point = int.from_bytes(draw, "big") / 2.0**64
        for bound, kind in self._bounds:
            if point < bound:
                self.served[kind] += 1
                return kind
        return None

    def counts(self) -> dict[str, int]:
        """Faults served per kind, in ``KINDS`` order."""
        return {kind: self.served[kind] for kind in KINDS if self.served[kind]}


def status_of(kind: str) -> int:
    """The HTTP status a fault answers with (0: none reaches the client)."""
    return 0 if kind in LOST else int(kind)


def message(kind: str) -> dict[str, str]:
    """The JSON body of a fault answered with a status."""
    return {"message": MESSAGES[kind]}
