"""Data that crosses a boundary: the portal's application, caseworkers' decisions,
the case's status and result, and the read-model tables."""
