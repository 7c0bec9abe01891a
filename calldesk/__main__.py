"""`python -m calldesk`: the same as the `calldesk` command."""

import sys

from calldesk.cli import main

sys.exit(main())
