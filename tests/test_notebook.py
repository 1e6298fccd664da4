"""helpers.notebook: what a notebook's set-up resolves and shows."""

from helpers.notebook import source
from helpers.text import count, pm


def test_source_is_one_python_block_of_every_object():
    text = source(count, pm)
    assert text.startswith("```python\ndef count(") and text.endswith("\n```")
    assert text.count("```") == 2 and "def pm(" in text
