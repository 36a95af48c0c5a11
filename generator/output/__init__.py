"""Stage 5, output: the files -> the output folder, atomically (`write`, `outdir`), with the
`manifest` that says what sdkforge wrote."""
