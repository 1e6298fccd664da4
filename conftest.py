"""pytest defaults: notebooks run in the `smoke` profile on the CPU, with a
fresh run cache, unless the environment already says otherwise. Within a
`make test` the notebook smoke runs load the runs that the smoke PDF build
trained (tests/test_pdf_build.py copies them into this cache)."""

import os
import tempfile

os.environ.setdefault("HW_PROFILE", "smoke")
os.environ.setdefault("HW_DEVICE", "cpu")
os.environ.setdefault("HW_RUNS_DIR", tempfile.mkdtemp(prefix="hw-test-runs-"))
