"""``python -m rnr.cli``: the same as the ``rnr`` command."""

import sys

from rnr.cli.app import main

sys.exit(main())
