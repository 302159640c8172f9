"""`python -m scheduler` runs the `loa` command line."""

from scheduler.cli import main

main()
