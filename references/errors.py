class ImportProblem(Exception):
    """Input that cannot be imported; the message says where (line, entry, field)."""

    @property
    def refusal(self):
        """The problem, and that nothing was imported. It may end with a sentence of its own (a model field's
        message): one full stop, not two."""
        return f"{str(self).rstrip('.')}. Nothing was imported."
