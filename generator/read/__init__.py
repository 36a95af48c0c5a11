"""Stage 1, read: the spec file (and the files it references) -> plain data with source
positions (`load`, under `limits`, fetching with `remote` when allowed), its `$ref` graph
(`resolve`), and its problems against the OpenAPI meta-schema (`validate`, with
`metaschema`, `plainpath` and `schemapath`)."""
