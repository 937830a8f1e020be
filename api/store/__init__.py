"""Data access: the only package that holds SQL; functions take a Database, return dicts."""
