"""Progress of a long grading run: tqdm's bar on a terminal, plain lines elsewhere.

On a terminal the bar shows count, rate and ETA, and each student's line is written
above it. In a log file or a CI pipe a redrawn bar is noise, so every finished
student gets one plain line ending with the same numbers, formatted by tqdm:

    alice: graded in 3.1 s  [3/9 students, 00:09 elapsed, ETA 00:18, 0.33 students/s]

Does not estimate from earlier runs: the ETA is tqdm's, from this run's rate.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from tqdm import tqdm

_PLAIN = "{n_fmt}/{total_fmt} {unit}s, {elapsed} elapsed, ETA {remaining}, {rate_fmt}"


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None, terminal: bool | None = None):
        self.stream = stream or sys.stdout
        self.total = total
        self.done = 0
        self.started = time.perf_counter()
        isatty = getattr(self.stream, "isatty", lambda: False)
        self.terminal = isatty() if terminal is None else terminal
        self.bar = tqdm(total=total, unit="student", file=self.stream, dynamic_ncols=True) if self.terminal else None

    def say(self, text: str) -> None:
        """A line that is not a finished student (a start-up note, a worker error)."""
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)

    def finished(self, text: str) -> None:
        """One more student is done; ``text`` says how it went."""
        self.done += 1
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
            self.bar.update(1)
            return
        stats = tqdm.format_meter(self.done, self.total, time.perf_counter() - self.started,
                                  unit="student", bar_format=_PLAIN)
        print(f"{text}  [{stats}]", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
