"""Property-based fuzzing (hypothesis) of the key decoder and the telnet input path.

The default test run takes a small sample: 300 inputs for each key decoder test, 100 for the
hostile telnet stream test (each input is a whole connection, and hypothesis makes the later
ones larger: on a loaded CI machine 300 took 40 s, 100 take 7.5 s), and 3 streams of hundreds
of kilobytes of each kind for the memory test. A long run outside the default suite, 100,000
inputs for each of the decoder tests and the hostile telnet stream test (and 1,000 streams of
each kind for the memory test):

    RETROBOARD_FUZZ_EXAMPLES=100000 .venv/bin/pytest tests/fuzz -q

RETROBOARD_FUZZ_SEED=N repeats one run's choices (hypothesis is otherwise random each run).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

EXAMPLES = int(os.environ.get("RETROBOARD_FUZZ_EXAMPLES", "300"))
# Tests whose every input is a whole connection: a third of the default sample, all of a long run.
CONNECTION_EXAMPLES = EXAMPLES if "RETROBOARD_FUZZ_EXAMPLES" in os.environ else EXAMPLES // 3

# One settings object for every fuzz test: no deadline (a loaded CI machine is slow), no
# example database written into the repository, and the size of the run from the environment.
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize="RETROBOARD_FUZZ_SEED" in os.environ,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ_CONNECTIONS = settings(FUZZ, max_examples=CONNECTION_EXAMPLES)
# For tests whose every input is hundreds of kilobytes (parsed byte by byte): fewer of them.
# They are not shrunk: shrinking a 200 KB stream takes minutes; the failure report prints the
# example's pattern and what holds the memory instead.
FUZZ_LARGE = settings(
    FUZZ,
    max_examples=max(3, EXAMPLES // 100),
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
