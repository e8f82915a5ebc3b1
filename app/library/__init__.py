"""The library of ready-made tools (tools/*.json) and the tool-file format."""
