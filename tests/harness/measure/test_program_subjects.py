"""Program subjects (``NAME=COMMAND``): any program measured like a mode, over loopback HTTP on virtual time."""

from __future__ import annotations

import json
import pstats
import shlex
import sys
from pathlib import Path

import pytest

from harness.errors import SubjectError, SubjectFailed
from harness.library.workload import WorkloadSpec
from harness.measure.result import RunResult
from harness.measure.run_spec import RunSpec
from harness.measure.runner import execute
from harness.measure.subjects import Mode, Program, parse_subject, parse_subjects
from tests.conftest import DEFAULT_CASSETTE, ROOT, SMALL_CASSETTE

PROGRAMS = Path(__file__).resolve().parent / "programs"
PYTHON = shlex.quote(sys.executable)
AUTOTAG = shlex.quote(str(Path(sys.executable).with_name("autotag")))
SMALL = WorkloadSpec(cassette=str(SMALL_CASSETTE))
DEFAULT = WorkloadSpec(cassette=str(DEFAULT_CASSETTE))


def own_tagger(mode: str) -> str:
    rules = shlex.quote(str(ROOT / "rules.example.yaml"))
    return f"{AUTOTAG} run --url $IMMICH_URL --api-key-env IMMICH_API_KEY --config {rules} --mode {mode} --apply"


def run(subject: str, tmp_path: Path, workload: WorkloadSpec = SMALL, profiler: str = "none") -> RunResult:
    name = subject.partition("=")[0]
    return execute(RunSpec(subject=subject, workload=workload, profiler=profiler, out_dir=str(tmp_path / name)))


def printed_counts(result: RunResult) -> dict[str, int]:
    """What a test program counted itself (its last stdout line)."""
    counts: dict[str, int] = json.loads(Path(result.artifacts["stdout"]).read_text().strip().splitlines()[-1])
    return counts


def test_own_eager_as_a_program_equals_the_builtin_mode_exactly(tmp_path: Path) -> None:
    program = run("me=" + own_tagger("eager"), tmp_path)
    mode = run("eager", tmp_path)
    assert program.by_endpoint == mode.by_endpoint and program.requests == mode.requests
    assert program.final_state_digest == mode.final_state_digest
    assert program.modeled == mode.modeled  # every request's latency, summed in the same order: bit for bit
    assert program.timeline == mode.timeline
    assert program.in_flight == mode.in_flight  # the gate records the same intervals on its virtual clock
    assert program.command is not None and mode.command is None


def test_own_async_as_a_program_lands_within_ten_percent_of_the_builtin_mode(tmp_path: Path) -> None:
    program = run("me=" + own_tagger("async"), tmp_path, DEFAULT)
    mode = run("async", tmp_path, DEFAULT)
    assert program.by_endpoint == mode.by_endpoint
    assert program.final_state_digest == mode.final_state_digest
    assert program.modeled_wall_s == pytest.approx(mode.modeled_wall_s, rel=0.10)  # measured: within 0.01 %
    eager = sum(mode.seconds_by_endpoint.values())  # the same requests one after another, unslowed
    assert program.modeled_wall_s < 0.6 * eager  # overlap is modeled as overlap
    assert program.overlapping and program.in_flight["busy_s"] <= program.modeled_wall_s + 1e-6


@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("httpx", f"{PYTHON} {PROGRAMS / 'plain_httpx.py'}"),
        ("asyncio", f"{PYTHON} {PROGRAMS / 'async_httpx.py'} --inflight 8"),
        ("curl", f"sh {PROGRAMS / 'curl_tagger.sh'}"),
    ],
)
def test_foreign_programs_are_counted_exactly_and_python_ones_profiled(tmp_path: Path, name: str, command: str) -> None:
    result = run(f"{name}={command}", tmp_path, profiler="cprofile")
    assert result.by_endpoint == printed_counts(result)
    assert result.by_endpoint["GET /assets/{id}"] == 300
    assert result.requests["statuses"] == {"200": result.total_requests}
    assert result.modeled_wall_s > 0
    if name == "curl":
        assert "pstats" not in result.artifacts  # not Python: no profile, and the reports say so
        return
    script = Path(command.split()[1]).name
    stats = pstats.Stats(result.artifacts["pstats"])
    own = {func for (file, _line, func) in stats.stats if file.endswith(script)}  # type: ignore[attr-defined]
    assert "main" in own


def test_the_same_program_leaves_the_same_state_and_counts_twice(tmp_path: Path) -> None:
    first = run(f"a={PYTHON} {PROGRAMS / 'async_httpx.py'}", tmp_path / "1")
    second = run(f"a={PYTHON} {PROGRAMS / 'async_httpx.py'}", tmp_path / "2")
    assert (first.requests, first.final_state_digest) == (second.requests, second.final_state_digest)
    assert first.modeled == second.modeled


def test_eight_threads_get_the_speed_up_the_model_predicts(tmp_path: Path) -> None:
    """Eight requests always in flight each run at 1 / s(8) of their speed (the measured read curve), so the read
    phase of 8 threads takes s(8) / 8 of what one thread's takes; the other requests stay sequential."""
    one = run(f"one={PYTHON} {PROGRAMS / 'plain_httpx.py'} --threads 1", tmp_path, DEFAULT)
    eight = run(f"eight={PYTHON} {PROGRAMS / 'plain_httpx.py'} --threads 8", tmp_path, DEFAULT)
    assert one.by_endpoint == eight.by_endpoint and one.final_state_digest == eight.final_state_digest
    from harness.replay.concurrency import slowdowns

    s8 = slowdowns()["read"].at(8)
    reads = one.seconds_by_endpoint["GET /assets/{id}"]
    predicted = one.modeled_wall_s - reads + reads * s8 / 8
    assert eight.modeled_wall_s == pytest.approx(predicted, rel=0.05)
    eight_reads = eight.modeled_wall_s - (one.modeled_wall_s - reads)
    assert reads / eight_reads > 1.5  # 8 / s(8): 8 / 4.84 = 1.65 on the real server's curve


def test_threads_are_modeled_the_same_however_they_are_scheduled(tmp_path: Path) -> None:
    runs = [run(f"t={PYTHON} {PROGRAMS / 'plain_httpx.py'} --threads 4", tmp_path / str(i)) for i in range(3)]
    assert len({(r.modeled_wall_s, json.dumps(r.modeled), r.final_state_digest) for r in runs}) == 1


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("=python x.py", "empty name"),
        ("mine=", "empty command"),
        ("mine=  ", "empty command"),
        ("lazy=python x.py", "also a mode"),
        ("my tagger=x", "use letters"),
        ("nonsense", "unknown subject"),
    ],
)
def test_bad_subjects_are_refused(text: str, fragment: str) -> None:
    with pytest.raises(SubjectError, match=fragment):
        parse_subject(text)


def test_subjects_parse_and_names_must_be_unique() -> None:
    assert parse_subjects(["lazy", "mine=python -m t --x=1"]) == [Mode("lazy"), Program("mine", "python -m t --x=1")]
    with pytest.raises(SubjectError, match="given twice: mine"):
        parse_subjects(["mine=a", "mine=b"])


def test_a_command_not_found_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(SubjectError, match=r"ghost: command not found \(exit 127\)"):
        run("ghost=no-such-program-here --apply", tmp_path)


def test_a_failing_program_names_itself_its_exit_code_and_last_stderr_line(tmp_path: Path) -> None:
    with pytest.raises(SubjectFailed, match=r"^broken: exited with 3: the last words$"):
        run("broken=echo first >&2; echo 'the last words' >&2; exit 3", tmp_path)


def test_a_path_relative_to_where_bench_started_gets_a_hint(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    relative = "tests/harness/measure/programs/plain_httpx.py"
    with pytest.raises(SubjectFailed, match=r"fresh working directory: give tests/harness/.*plain_httpx.py as an abs"):
        run(f"rel={PYTHON} {relative}", tmp_path)


def test_the_program_gets_its_environment_and_a_fresh_working_directory(tmp_path: Path) -> None:
    script = "env | grep ^IMMICH_ | sort; pwd; ls -A | wc -l; curl -sS --fail $IMMICH_INSTANCE_URL/server/version"
    result = run(f"env={script}", tmp_path)
    lines = Path(result.artifacts["stdout"]).read_text().splitlines()
    seen = dict(line.split("=", 1) for line in lines if line.startswith("IMMICH_"))
    port = seen["IMMICH_PORT"]
    assert (
        seen["IMMICH_URL"] == f"http://127.0.0.1:{port}"
        and seen["IMMICH_INSTANCE_URL"] == f"http://127.0.0.1:{port}/api"
    )
    assert seen["IMMICH_HOST"] == "127.0.0.1" and len(seen["IMMICH_API_KEY"]) >= 20
    assert Path(lines[len(seen)]) == Path(result.artifacts["workdir"]).resolve() and lines[len(seen) + 1] == "0"
    assert result.by_endpoint == {"GET /server/version": 1}


def test_a_programs_peak_memory_is_its_own_not_the_workers(tmp_path: Path) -> None:
    """The worker holds the replayed library; a program started from it would count that memory as its own
    (Linux keeps the high-water mark across exec). Started from the launcher, a program that allocates nothing
    stays small and one that touches 64 MB shows them."""
    idle = run("idle=true", tmp_path)
    assert idle.peak_rss_mb is not None and idle.peak_rss_mb < 30
    touch = "b = bytearray(64 << 20); b[::4096] = bytes(len(b) // 4096)"
    big = run(f'big={PYTHON} -c "{touch}"', tmp_path)
    assert big.peak_rss_mb is not None and big.peak_rss_mb >= 64
    assert big.cpu_s is not None and big.cpu_s > 0
