"""Stage 4, emit: the IR and its names -> the package's files as text: views for the
templates (`model_views`, `resource_views`, `signatures`, `pyexpr`), `render` through
Jinja, `format` like black (with `spotformat`), and the public-API `surface`."""
