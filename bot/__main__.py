"""`python -m bot` is `briefbot`, for hosts where the console script is not on the PATH."""

import sys

from bot.cli import main

sys.exit(main())
