"""``python -m rnr.cli``: the same as the ``rnr`` command."""

import sys

from rnr.cli.app import run

sys.exit(run())
