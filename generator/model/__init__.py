"""Stage 2, model: the resolved document -> the IR (`ir`), built by `build` from `schemas`,
`operations`, `security` and `pagination`. No Python names are made here."""
