"""Settings shared by every test layer.

Property tests must not depend on how fast the machine is: Hypothesis's default 200 ms deadline
per example turns a busy CI machine into a failure, so no test gets a deadline. In CI the examples
are derandomized (the same inputs on every run), so a CI failure can be reproduced locally with
``CI=true``; locally they stay random, to keep finding new cases.
"""

import os

from hypothesis import settings

settings.register_profile("spotlight", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, database=None)
settings.load_profile(
    "ci" if os.environ.get("CI", "").strip().lower() in {"true", "1"} else "spotlight"
)
