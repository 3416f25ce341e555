"""Which frames of a cProfile call graph belong to the code under test, and which to the bench around it.

A profile of a run holds the harness's frames too: the runner that calls the tagger, the replay that answers it (and
the stdlib and httpx code only the replay calls), the standard event loop and its virtual clock, threading and queue
internals, and the profiler hook of a program subject. Reports fold those into one row (``FOLDED``) unless asked
for everything (``--functions all``):

- never folded: the tagger's own package (``autotag/``);
- folded, with everything reached only through them: the replay and the rest of the harness outside
  ``harness/measure/`` (their callees are the replay's work), and ``looptime`` (the virtual clock);
- folded alone: ``harness/measure/`` (the runner and the profiler hook, which call the code under test), the event
  loop (``asyncio``, ``selectors``), ``threading``, ``queue``, ``concurrent.futures``, ``cProfile``;
- a built-in function (C code, file ``~``) is folded when every caller is.

A function called both from the replay and from the code under test keeps what the code under test spent in it; the
calls from the replay move to the folded row (pstats keeps each caller's share).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from harness.judge.pstats_rows import short_name

Key = tuple[str, int, str]
RawStats = Mapping[Key, tuple[Any, ...]]
FOLDED = "[bench: harness, replay, event loop, threads, profiler]"
UNDER_TEST = re.compile(r"^autotag/")
PROPAGATING = re.compile(r"^(harness/(?!measure/)|looptime/)")
ALONE = re.compile(
    r"^(harness/measure/|asyncio/|selectors\.py|threading\.py|queue\.py|concurrent/futures/|cProfile\.py"
    r"|_weakrefset\.py|[^:]*sitecustomize\.py)"
)


def callers(stats: RawStats, key: Key) -> Mapping[Key, Any]:
    """The callers of ``key`` (pstats keeps, per caller, its own ncalls/tottime/cumtime)."""
    callers_map: Mapping[Key, Any] = stats[key][4]
    return callers_map


def folded_keys(stats: RawStats) -> tuple[frozenset[Key], frozenset[Key]]:
    """The folded functions of a raw pstats dict, and among them the replay's (whose callees fold with them)."""
    names = {key: short_name(*key) for key in stats}
    tested = {key for key, name in names.items() if UNDER_TEST.match(name)}
    replay = _closure(
        {key for key, name in names.items() if PROPAGATING.match(name)},
        (key for key in stats if key not in tested),
        lambda key, found: bool(callers(stats, key)) and all(c in found for c in callers(stats, key)),
    )
    alone = {key for key, name in names.items() if ALONE.match(name) and key not in tested}
    folded = _closure(
        replay | alone,
        (key for key in stats if key[0] == "~"),
        lambda key, found: all(c in found for c in callers(stats, key)),
    )
    return frozenset(folded), frozenset(replay)


def _closure(seed: set[Key], candidates: Iterable[Key], joins: Callable[[Key, set[Key]], bool]) -> set[Key]:
    """``seed`` and every candidate that ``joins`` it, repeated until nothing more joins."""
    found = set(seed)
    pending = [key for key in candidates if key not in found]
    grew = True
    while grew:
        grew = False
        for key in pending:
            if key not in found and joins(key, found):
                found.add(key)
                grew = True
    return found


def folded_records(stats: RawStats) -> list[tuple[str, int, float, float]]:
    """(function, ncalls, tottime, cumtime) per function of the code under test, plus one ``FOLDED`` row with the
    calls and own time of every folded function (its cumtime is that own time too: what the bench itself cost)."""
    folded, replay = folded_keys(stats)
    records: list[tuple[str, int, float, float]] = []
    bench_calls, bench_time = 0, 0.0
    for key, (_cc, nc, tt, ct, calls_from) in stats.items():
        if key in folded:
            bench_calls, bench_time = bench_calls + nc, bench_time + tt
            continue
        moved = [edge for caller, edge in calls_from.items() if caller in replay and isinstance(edge, tuple)]
        moved_calls = sum(edge[0] for edge in moved)
        moved_own = sum(edge[2] for edge in moved)
        bench_calls, bench_time = bench_calls + moved_calls, bench_time + moved_own
        records.append((short_name(*key), nc - moved_calls, tt - moved_own, ct - sum(edge[3] for edge in moved)))
    records.append((FOLDED, bench_calls, bench_time, bench_time))
    return records
