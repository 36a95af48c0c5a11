"""The IR and its names -> {relative path: source text}, through Jinja templates.

Everything a template prints is computed here (type expressions, imports,
docstrings, literals); templates only loop and look up.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2

from sdkforge.cache import add_files
from sdkforge.emit.auth_views import auth_views
from sdkforge.emit.model_views import model_modules
from sdkforge.emit.page_views import paged_methods
from sdkforge.emit.param_views import dict_example, param_exports, param_modules
from sdkforge.emit.proof import prove
from sdkforge.emit.pyexpr import doc_lines, literal, tuple_expr
from sdkforge.emit.resource_views import ResourceView, resource_views
from sdkforge.emit.server_views import server_view
from sdkforge.emit.stream_views import streamed_methods
from sdkforge.emit.webhook_views import callback_views, webhooks_view
from sdkforge.errors import TemplateProblem
from sdkforge.model import ir
from sdkforge.names.allocate import ClassName, ModuleName
from sdkforge.names.assign import Names

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
if not TEMPLATES.is_dir():  # running from a source checkout: generator/emit/ beside templates/
    TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


def static_runtime() -> dict[str, str]:
    """The runtime copied into every package, {path in the package: template}, read from
    `templates/runtime/`: private modules go to `_runtime/`, public ones (`errors.py`) beside
    the client. A custom `runtime/<name>.py` overrides the file of the same name."""
    names = sorted(p.name for p in (TEMPLATES / "runtime").glob("*.py")
                   if p.name != "__init__.py")
    return {(f"_runtime/{name}" if name.startswith("_") else name): f"runtime/{name}"
            for name in names}


STATIC_RUNTIME = static_runtime()


@dataclass(frozen=True, slots=True)
class Meta:
    """Packaging metadata: with it, the output folder is a pip-installable project."""

    version: str


@dataclass(frozen=True, slots=True)
class Options:
    package: ModuleName
    client: ClassName
    templates: Path | None = None  # templates that override the built-in ones, by relative path
    meta: Meta | None = None


# ------------------------------------------------------------------ templates

def builtin_templates() -> list[str]:
    return sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*") if p.is_file()
                  and "__pycache__" not in p.parts and p.name != "__init__.py")


def custom_templates(folder: Path) -> list[str]:
    """The templates in `folder`; each overrides the built-in one at the same relative path.
    Files whose names start with `_` are partials for `{% include %}` and override nothing,
    except in `runtime/`, whose files are copied, not rendered (`runtime/_base_client.py`);
    any other file must match a built-in template, so a misspelt or retired name is an error."""
    if not folder.is_dir():
        raise TemplateProblem(f"--templates {folder}: not a folder")
    found = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    known = set(builtin_templates())
    stray = [name for name in found if name not in known
             and (name.startswith("runtime/") or not Path(name).name.startswith("_"))]
    if stray:
        raise TemplateProblem(
            f"--templates {folder}: {stray[0]} overrides no built-in template "
            "(partials start with `_`); "
            f"the built-in templates are: {', '.join(sorted(known))}"
        )
    return found


def template_digest(folder: Path) -> str:
    """A digest of the custom templates, so `check` notices when they change."""
    digest = hashlib.sha256()
    add_files(digest, folder, [folder / name for name in custom_templates(folder)])
    return digest.hexdigest()[:16]


class _BuiltinBytecode(jinja2.FileSystemBytecodeCache):
    """The built-in templates compiled, kept beside them in `templates/__pycache__` as Python
    keeps a module's bytecode: compiling the templates took 0.2 s of every run (8% of a cold
    Mixpeek generation), loading them compiled takes 5 ms. A user's `--templates` are compiled
    each run, never stored in sdkforge's folder. Jinja checks each entry against the template's
    source and its own version, so a changed template or jinja2 is compiled again."""

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None,
                   source: str) -> jinja2.bccache.Bucket:
        if filename is not None and Path(filename).is_relative_to(TEMPLATES):
            return super().get_bucket(environment, name, filename, source)
        return jinja2.bccache.Bucket(environment, "", "")  # empty: compiled, then not stored

    def set_bucket(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key:
            with contextlib.suppress(OSError):  # a full disk, a folder made read-only since
                super().set_bucket(bucket)


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Where compiled built-in templates are kept, or None when sdkforge's folder is read-only."""
    folder = TEMPLATES / "__pycache__"
    try:
        folder.mkdir(exist_ok=True)
    except OSError:
        return None
    return _BuiltinBytecode(str(folder), "%s.jinja.cache") if os.access(folder, os.W_OK) else None


def _environment(custom: Path | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if custom is not None:
        custom_templates(custom)
        loaders.append(jinja2.FileSystemLoader(str(custom)))
    loaders.append(jinja2.FileSystemLoader(str(TEMPLATES)))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        # Made for one run, whose templates do not change while it renders: a template is
        # loaded once, where by default every `{% include %}` (one per rendered module) checked
        # its file's modification time again (EC2: 4,051 `stat`s -> 30, about 30 ms).
        auto_reload=False,
        bytecode_cache=_bytecode_cache(),
    )


# ------------------------------------------------------------------ entry point

def render(
    api: ir.Api, names: Names, options: Options, resources: list[ResourceView] | None = None
) -> dict[str, str]:
    """Every file of the package; `resources` are `resource_views(api, names)` when already made."""
    env = _environment(options.templates)
    views = resource_views(api, names) if resources is None else resources
    try:
        return _render(env, api, names, options, views)
    except jinja2.TemplateSyntaxError as exc:
        where = f"template {exc.filename or exc.name}, line {exc.lineno}"
        raise TemplateProblem(f"{where}: {exc.message}") from None
    except (jinja2.TemplateError, OSError, UnicodeDecodeError) as exc:
        where = f" in {options.templates}" if options.templates is not None else ""
        problem = f"{type(exc).__name__}: {exc}"
        raise TemplateProblem(f"a template{where} does not render: {problem}") from None


def _source(env: jinja2.Environment, name: str) -> str:
    assert env.loader is not None
    return env.loader.get_source(env, name)[0]


def _render(
    env: jinja2.Environment, api: ir.Api, names: Names, options: Options,
    resources: list[ResourceView],
) -> dict[str, str]:
    modules = names.modules
    exported_names = names.exported
    pkg = options.package
    files: dict[str, str] = {}
    for target, source in STATIC_RUNTIME.items():
        files[f"{pkg}/{target}"] = _source(env, source)
    files[f"{pkg}/py.typed"] = ""

    model_views = model_modules(api, names)
    exported = sorted({(exported_names[k], modules[k]) for k in exported_names})
    prove(model_views, dict(exported))
    webhooks = webhooks_view(api, names, pkg)
    callbacks, more_callbacks = callback_views(api, names)
    attributes = [r.attribute for r in resources] + ([webhooks.attribute] if webhooks else [])
    common = {"api": api, "options": options, "resources": resources, "exported": exported,
              **auth_views(api, names, pkg),
              "readme_pages": paged_methods(api, names),
              "readme_streams": streamed_methods(api, names, resources),
              "title_doc": doc_lines(api.title)[0] if doc_lines(api.title) else "API",
              "server": server_view(api, names, f"{pkg.upper()}_BASE_URL"),
              "version": literal(api.version),
              "params": param_exports(api, names), "readme_dicts": dict_example(api, names),
              "resource_names": tuple_expr([literal(a) for a in attributes]),
              "webhooks": webhooks, "callbacks": callbacks, "more_callbacks": more_callbacks,
              "package_literal": literal(pkg),
              "meta": options.meta, "distribution": pkg.replace("_", "-"),
              "description_toml": _toml_string(f"A typed Python client for {api.title or pkg}")}

    files[f"{pkg}/__init__.py"] = env.get_template("package_init.py.jinja").render(common)
    files[f"{pkg}/_version.py"] = env.get_template("version.py.jinja").render(common)
    files[f"{pkg}/_client.py"] = env.get_template("client.py.jinja").render(common)
    files[f"{pkg}/_runtime/__init__.py"] = env.get_template("runtime_init.py.jinja").render(common)
    files[f"{pkg}/models/__init__.py"] = env.get_template("models_init.py.jinja").render(common)
    files[f"{pkg}/resources/__init__.py"] = (
        env.get_template("resources_init.py.jinja").render(common))
    if webhooks is not None:
        files[f"{pkg}/_webhooks.py"] = env.get_template("webhooks.py.jinja").render(common)
    model_template = env.get_template("model_module.py.jinja")
    for model_view in model_views:
        files[f"{pkg}/models/{model_view.module}.py"] = model_template.render(view=model_view)
    files[f"{pkg}/params/__init__.py"] = env.get_template("params_init.py.jinja").render(common)
    param_template = env.get_template("param_module.py.jinja")
    for param_view in param_modules(api, names):
        files[f"{pkg}/params/{param_view.module}.py"] = param_template.render(view=param_view)
    resource_template = env.get_template("resource.py.jinja")
    for view in resources:
        files[f"{pkg}/resources/{view.module}.py"] = resource_template.render(view=view,
                                                                              options=options)
    files.update(_readme(env, common))
    if options.meta is not None:
        files["pyproject.toml"] = env.get_template("pyproject.toml.jinja").render(
            common, package_version=_toml_string(options.meta.version))
    return files


# The README's list of resources and methods is written inline up to this size; past it, in
# API.md beside it, with a table of the resources in the README: the README is the package's
# long description (`--meta`), which its metadata holds and PyPI shows (Microsoft Graph v1.0's
# would be 2.1 MB).
README_METHODS_UP_TO = 256 * 1024


def _readme(env: jinja2.Environment, common: Mapping[str, object]) -> dict[str, str]:
    """README.md, and API.md when the methods' list is too long for the README."""
    methods = env.get_template("_methods.md.jinja").render(common)
    size = len(methods.encode("utf-8"))
    reference = size // 1024 if size > README_METHODS_UP_TO else 0
    readme = env.get_template("README.md.jinja").render(common, methods=methods,
                                                        reference=reference)
    if not reference:
        return {"README.md": readme}
    return {"README.md": readme,
            "API.md": env.get_template("API.md.jinja").render(common, methods=methods)}


def _toml_string(text: str) -> str:
    """A TOML basic string: spec text stays data."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')

    def escape(ch: str) -> str:
        if ch.isprintable():
            return ch
        return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"

    return '"' + "".join(escape(ch) for ch in escaped) + '"'
