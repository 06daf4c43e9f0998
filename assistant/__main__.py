"""`python -m assistant` is the `gma` command."""

from assistant.cli import main

main()
