"""Where a warning points: the first frame outside skhyper."""

import os
import sys

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep  # skhyper/


def user_stacklevel():
    """The ``stacklevel`` at which a warning raised by this function's
    caller points at the first frame outside skhyper: the user's call (or
    the library's that called skhyper, such as a search's)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    return level
