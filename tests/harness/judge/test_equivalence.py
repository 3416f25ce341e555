"""The equivalence line names which subject holds which tags on the first asset that differs."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from pathlib import Path

from harness.judge.equivalence import equivalence
from tests.harness.judge.test_compare import EAGER, INDEX


def with_state(run, tmp_path: Path, state: dict[str, list[str]], digest: str):  # type: ignore[no-untyped-def]
    path = tmp_path / f"{run.mode}.state.json.gz"
    path.write_bytes(gzip.compress(json.dumps(state).encode()))
    return replace(run, final_state_digest=digest, artifacts={"final_state": str(path)})


def test_the_first_difference_says_which_side_holds_what(tmp_path: Path) -> None:
    base = with_state(EAGER, tmp_path, {"a1": ["cat"], "a2": ["dog"], "a3": []}, "sha256:one")
    other = with_state(INDEX, tmp_path, {"a1": ["cat"], "a2": ["unknown"], "a3": ["x"]}, "sha256:two")
    line = equivalence([base, other]).line()
    assert (
        line == "NOT equivalent: index differs (2 assets; the first, a2, has tags ['unknown'] where eager has ['dog'])"
    )
    same = with_state(INDEX, tmp_path, {"a1": ["cat"], "a2": ["dog"], "a3": []}, "sha256:one")
    assert equivalence([base, same]).equivalent
