"""pytest defaults: notebooks run in the `smoke` profile on the CPU unless
the environment says otherwise, and always with a fresh run cache of the
session's own: tests never read or write the user's run cache, whatever
`HW_RUNS_DIR` (or `make test RUNS=…`) says. Within a `make test` the
notebook smoke runs load the runs that the smoke PDF build trained
(tests/test_pdf_build.py copies them into this cache)."""

import os
import tempfile

os.environ.setdefault("HW_PROFILE", "smoke")
os.environ.setdefault("HW_DEVICE", "cpu")
os.environ["HW_RUNS_DIR"] = tempfile.mkdtemp(prefix="hw-test-runs-")
