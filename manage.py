#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bodylab.settings")
    # Commands (migrate, render_articles, imports) may run long queries on purpose: no statement
    # timeout unless DB_STATEMENT_TIMEOUT says so. Web requests keep the settings' default.
    os.environ.setdefault("DB_STATEMENT_TIMEOUT", "0")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
