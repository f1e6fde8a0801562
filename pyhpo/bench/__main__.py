"""Entry point of ``python -m pyhpo.bench``."""

import sys

from pyhpo.bench._cli import main

if __name__ == "__main__":
    sys.exit(main())
