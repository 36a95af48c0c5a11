"""Security schemes become client arguments: always valid, distinct Python parameter names."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from types import ModuleType

Make = Callable[[str, str], ModuleType]


def test_scheme_arguments_stay_distinct_identifiers_whatever_the_spec_calls_them(
    make_client: Make
) -> None:
    # Found by the fuzz campaign: two basic schemes whose keys differ only in punctuation both
    # became `<key>_username` (a duplicate argument), and an API key header `X-1-Open` became
    # the argument `1_open`.
    pkg = make_client("""
    openapi: 3.1.0
    info: {title: Auth, version: '1'}
    paths:
      /a:
        get:
          responses: {'204': {description: none}}
    security: [{a-b: []}, {a.b: []}, {one: []}, {kw: []}, {me: []}]
    components:
      securitySchemes:
        a-b: {type: http, scheme: basic}
        a.b: {type: http, scheme: basic}
        one: {type: apiKey, in: header, name: X-1-Open}
        kw: {type: apiKey, in: header, name: X-class}
        me: {type: apiKey, in: query, name: self}
    """, "auth_names")
    params = [p for p in inspect.signature(pkg.AuthNames.__init__).parameters if p != "self"]
    assert len(params) == len(set(params))
    assert {"x_1_open", "x_class", "me", "a_b_username", "a_b_username_"} <= set(params)
    client = pkg.AuthNames(base_url="http://127.0.0.1:9", x_1_open="k", x_class="c", me="s")
    assert {wire for _, wire, _ in client._credentials.values()} == {"X-1-Open", "X-class", "self"}
