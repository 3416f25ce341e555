from __future__ import annotations

from pathlib import Path

from harness.measure import memory
from harness.measure.memory import MemoryWindow


def test_the_window_sees_what_was_allocated_inside_it_and_keeps_the_earlier_peak() -> None:
    before = b"y" * (60 * 1024 * 1024)
    del before  # the process peaked 60 MB higher than now, before the window
    with MemoryWindow() as window:
        held = b"x" * (30 * 1024 * 1024)
        del held
    assert window.growth_mb is not None and 29 <= window.growth_mb < 45
    assert window.peak_before_mb >= (window.start_mb or 0) + 55


def test_memory_freed_into_holes_of_the_heap_does_not_hide_the_growth() -> None:
    """Every other 60 kB chunk freed leaves resident holes that later allocations would fill without growing."""
    chunks = [b"a" * 60_000 for _ in range(2_000)]
    kept = chunks[1::2]
    del chunks
    with MemoryWindow() as window:
        held = [b"x" * 50_000 for _ in range(600)]  # 30 MB, in pieces that fit the holes
        del held
    del kept
    assert window.growth_mb is not None and window.growth_mb >= 25


def test_an_empty_window_grows_little() -> None:
    with MemoryWindow() as window:
        pass
    assert window.growth_mb is not None and window.growth_mb < 2


def test_without_proc_the_growth_is_not_measured(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(memory, "CLEAR_REFS", tmp_path / "missing" / "clear_refs")
    with MemoryWindow() as window:
        pass
    assert window.growth_mb is None and window.peak_before_mb > 0


def test_the_peak_is_this_processs_own_not_the_parents(tmp_path: Path) -> None:
    """A child started while its parent holds 150 MB reports its own peak, not the parent's (getrusage would)."""
    import subprocess
    import sys

    held = bytearray(150 << 20)
    held[::4096] = bytes(len(held) // 4096)
    code = (
        "from harness.measure.memory import max_rss_mb; import resource; "
        "print(max_rss_mb(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    own, inherited = map(float, printed.split())
    del held
    assert inherited >= 150  # what getrusage says: the parent's
    assert own < 100
