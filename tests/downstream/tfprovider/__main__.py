"""Entry point: ``python -m tfprovider`` runs the stand-in plugin process."""

import sys

from .server import main

sys.exit(main())
