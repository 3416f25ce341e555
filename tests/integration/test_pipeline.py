"""The whole data flow as a user runs it, each step a real command over real loopback HTTP:

generate a library -> serve it -> record it with vcrpy -> replay the recording in `bench compare` -> apply the
tagger to the served library with `autotag run` -> record the result -> the live result is the state the replay
predicted, and the replay's request counts are what the live run sent.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from autotag.cli import cli as autotag_cli
from harness.library.crawl_reader import load_library
from tests.harness.cli.helpers import ROOT, bench, invoke, serving

KEY = "integration-key-0123456789"
RULES = str(ROOT / "rules.example.yaml")


def test_the_replay_predicts_what_a_live_run_does(capsys, monkeypatch, tmp_path: Path) -> None:
    library = tmp_path / "demo.json.gz"
    assert bench(capsys, "generate", "--preset", "demo", "--assets", "400", "--out", str(library)).code == 0
    monkeypatch.setenv("IMMICH_KEY", KEY)
    before, after = tmp_path / "before.json.gz", tmp_path / "after.json.gz"
    with serving("--cassette", str(library), "--api-key", KEY) as url:
        recorded = bench(capsys, "record", "--url", url, "--api-key-env", "IMMICH_KEY", "--out", str(before))
        assert recorded.code == 0, recorded.err

        compared = bench(
            capsys, "compare", "eager", "batch", "--cassette", str(before), "--out", str(tmp_path / "cmp"),
            "--json", str(tmp_path / "cmp.json"), "--profile", "none",
        )  # fmt: skip
        assert compared.code == 0, compared.err
        record = json.loads((tmp_path / "cmp.json").read_text())
        assert record["equivalent"] is True
        predicted = {run["mode"]: run for run in record["runs"]}["batch"]

        applied = invoke(
            capsys, autotag_cli, "autotag", "run", "--url", url, "--api-key-env", "IMMICH_KEY", "--config", RULES,
            "--mode", "batch", "--apply",
        )  # fmt: skip
        assert applied.code == 0, applied.err
        row = next(line for line in applied.out.splitlines() if "requests made" in line)
        assert int(re.sub(r"\D", "", row.split("requests made")[1])) == predicted["requests"]["total"]

        again = bench(capsys, "record", "--url", url, "--api-key-env", "IMMICH_KEY", "--out", str(after))
        assert again.code == 0, again.err

    assert load_library(after)[0].state_digest() == predicted["final_state_digest"]
    assert load_library(after)[0].state_digest() != load_library(before)[0].state_digest()  # the run changed tags
