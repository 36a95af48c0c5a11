"""`make bench`: sdkforge against its peers, measured side by side in one run (issue 7).

The harness itself uses the standard library only, so it runs under any interpreter;
the peers and the clients it measures live in `bench/.venv`, sdkforge in the project's `.venv`.
"""
