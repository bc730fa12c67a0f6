"""Built-in colour themes: one TOML file per theme, loaded by segdesk.tui.themes."""
