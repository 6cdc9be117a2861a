"""One chooser per concern: each returns its Decision and the parameters renderers need."""
