"""One module per command, each with its own Typer app. The root app imports a module
only when its command runs (or the root --help lists it): see ``cli._app``."""
