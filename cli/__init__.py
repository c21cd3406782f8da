"""The `shaqyru` command line: caseworkers, operators and the portal side."""
