"""``python -m ecslint``."""

from ecslint.cli import main

if __name__ == "__main__":
    main()
