"""``python -m nclplan`` is the console script."""

from nclplan.cli import main

if __name__ == "__main__":
    main()
