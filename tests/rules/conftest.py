"""tests/rules/ imports the shared helpers of tests/ (builders, solving) and its own kit
(`rulekit`): pytest puts only this folder on sys.path when it is run on its own."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
