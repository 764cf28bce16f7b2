"""``python -m bot``: see :mod:`bot.cli`."""

import sys

from bot.cli import main

# argparse would name the program after this file ("__main__.py"); say what the user typed instead.
sys.exit(main(prog="python -m bot"))
