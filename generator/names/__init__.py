"""Stage 3, names: every Python identifier of the generated package, given once (`assign`)
by the spelling rules of `naming`, through the scoped namespaces of `allocate`."""
