"""Segments leaving the app: contact-list exports and playbooks (Markdown, HTML), written to
private files by a temporary name and a rename, each recorded in the export log."""
