"""Behaviour tests: generated clients against a real HTTP server on 127.0.0.1."""
