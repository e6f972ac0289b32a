"""`python -m retroboard` runs the command line."""

import sys

from retroboard.cli import main

sys.exit(main())
