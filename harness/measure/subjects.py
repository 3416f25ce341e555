"""What a run measures: a mode of this project's tagger (``lazy``), or any program (``mine=python -m my_tagger``).

On the command line of ``run``, ``compare`` and ``gate`` a subject is a mode name or ``NAME=COMMAND``; NAME is the
subject's name everywhere a mode name appears (tables, RunResult ``mode``, file names). The command is run with
``sh -c`` in a working directory of its own, against a fresh replay (``harness.measure.program_runner``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from autotag import MODES
from harness.errors import SubjectError

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class Mode:
    """A mode of this project's tagger, run in process on the replay's transport."""

    name: str

    @property
    def command(self) -> None:
        return None


@dataclass(frozen=True)
class Program:
    """Any program, run as ``sh -c command`` against the replay over loopback HTTP."""

    name: str
    command: str


Subject = Mode | Program


def parse_subject(text: str) -> Subject:
    """``lazy`` -> a mode; ``NAME=COMMAND`` -> a program; ``SubjectError`` (bad input) for anything else."""
    name, is_program, command = text.partition("=")
    if not is_program:
        if text not in MODES:
            raise SubjectError(
                f"unknown subject {text!r}: a mode ({', '.join(MODES)}) or NAME=COMMAND for a program of yours"
            )
        return Mode(text)
    name, command = name.strip(), command.strip()
    if not name:
        raise SubjectError(f"subject {text!r} has an empty name: write NAME=COMMAND")
    if not NAME.fullmatch(name):
        raise SubjectError(f"subject name {name!r}: use letters, digits, '_', '.' and '-' (it names files)")
    if name in MODES:
        raise SubjectError(f"subject name {name!r} is also a mode; give your program another name")
    if not command:
        raise SubjectError(f"subject {name!r} has an empty command: write {name}=COMMAND")
    return Program(name, command)


def parse_subjects(texts: Iterable[str]) -> list[Subject]:
    """Every subject of a command line; two with the same name are refused."""
    subjects = [parse_subject(text) for text in texts]
    names = [subject.name for subject in subjects]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise SubjectError(f"subject given twice: {', '.join(repeated)}")
    return subjects
