"""``python -m cohub``: the same as the ``cohub`` command."""

import sys

from cohub.cli import main

sys.exit(main())
