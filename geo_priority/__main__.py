"""``python -m geo_priority``: the command line, as the ``geo-priority`` script does."""

from geo_priority.cli import main

if __name__ == "__main__":
    main()
