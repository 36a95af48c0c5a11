"""sdkforge: generate typed Python SDKs from OpenAPI 3.0/3.1 documents."""

__version__ = "0.1.0"
