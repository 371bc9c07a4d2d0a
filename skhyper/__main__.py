"""``python -m skhyper``: the ``skhyper`` command."""

import sys

from .cli import main

sys.exit(main())
