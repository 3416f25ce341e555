"""The one exception tree of the harness.

    HarnessError
    ├── CassetteError      a cassette that cannot be read or holds no complete crawl
    ├── ReplayMiss         a request the replay cannot serve from the snapshot (never answered with a guess)
    ├── LatencyError       a latency profile that is missing, malformed or lacks an endpoint a run needs
    ├── VersionError       an Immich version that is not a version, or one the replay cannot serve
    ├── StatsFileError     a file that is not a readable cProfile dump
    ├── ResultError        a RunResult / compare file of the wrong schema or workload
    ├── SubjectError       a subject that is neither a mode nor NAME=COMMAND, or a command not found (127)
    ├── NotImmichError     a URL whose server does not answer like Immich, or refuses the API key
    ├── ServerFailure      a server that could not be reached, or failed (5xx), while recording
    └── RunError           a run that failed in its worker process
        ├── SubjectFailed  a program subject that exited non-zero (its name, exit code, last stderr line)
        └── NotRepeatable  repeats of one subject (``--repeats``) that disagree on a modeled figure

The ``bench`` CLI turns each into one line on stderr and exit 2 (bad input), 3 (``ServerFailure``) or 1.
"""

from __future__ import annotations


class HarnessError(Exception):
    """Root of every error the harness raises on purpose."""


class CassetteError(HarnessError):
    """A cassette that cannot be loaded; the message names the file and the problem."""


class ReplayMiss(HarnessError):
    """A request the replay cannot serve; the message names it and what can be served instead."""


class LatencyError(HarnessError):
    """A latency profile problem."""


class VersionError(HarnessError):
    """``--immich-version`` (or a cassette's recorded version) that is malformed or not served."""


class StatsFileError(HarnessError):
    """Not a cProfile file."""


class ResultError(HarnessError):
    """A result file of the wrong schema, or of another workload."""


class SubjectError(HarnessError):
    """A subject on the command line that cannot be run."""


class NotImmichError(HarnessError):
    """The server at a URL is not an Immich (HTML, a 404 for its API) or refuses the API key (401/403)."""


class ServerFailure(HarnessError):
    """A server that could not be reached or failed (5xx): not the user's input, the server or the network."""


class RunError(HarnessError):
    """A run failed while running."""


class SubjectFailed(RunError):
    """A program subject exited with a non-zero status."""


class NotRepeatable(RunError):
    """Repeated runs of one subject whose modeled figures differ: the subject is not deterministic."""
