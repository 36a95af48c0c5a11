"""The bump tools: what a spec bump changes in the generated Python API (`diff`)."""
