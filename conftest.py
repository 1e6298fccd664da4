"""pytest defaults: notebooks run in the `smoke` profile on the CPU, with a
fresh run cache, unless the environment already says otherwise."""

import os
import tempfile

os.environ.setdefault("HW_PROFILE", "smoke")
os.environ.setdefault("HW_DEVICE", "cpu")
os.environ.setdefault("HW_RUNS_DIR", tempfile.mkdtemp(prefix="hw-test-runs-"))
