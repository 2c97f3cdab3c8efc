class ImportProblem(Exception):
    """Input that cannot be imported; the message says where (line, entry, field)."""
