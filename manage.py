#!/usr/bin/env python
"""Django's command-line utility; ``psephos`` is the same thing with a shorter name."""

from psephos.cli import main

if __name__ == "__main__":
    main()
