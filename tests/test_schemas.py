"""Schema constructs, each through a tiny inline spec that is generated, imported and used."""

from __future__ import annotations

import datetime
import inspect
import json
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pydantic
import pytest

Make = Callable[[str, str], ModuleType]

HEAD = """
openapi: 3.1.0
info: {title: Shapes, version: '1'}
servers: [{url: 'https://shapes.example'}]
paths: {}
"""


def test_three_spellings_of_nullable_and_independent_required(make_client: Make) -> None:
    pkg = make_client(HEAD + """
components:
  schemas:
    Thing:
      type: object
      required: [req_nullable, req_plain]
      properties:
        req_nullable: {anyOf: [{type: string}, {type: 'null'}]}
        req_plain: {type: string}
        opt_type_list: {type: [integer, 'null']}
        opt_plain: {type: integer}
""", "shapes_nullable")
    Thing = pkg.models.Thing
    fields = Thing.model_fields
    assert fields["req_nullable"].is_required() and fields["req_plain"].is_required()
    assert not fields["opt_type_list"].is_required()
    thing = Thing.model_validate({"req_nullable": None, "req_plain": "x"})
    assert thing.req_nullable is None
    with pytest.raises(pydantic.ValidationError):
        Thing.model_validate({"req_plain": "x"})  # required even though nullable
    assert thing.to_dict() == {"req_nullable": None, "req_plain": "x"}  # unset optionals omitted
    explicit = Thing(req_nullable="a", req_plain="b", opt_type_list=None)
    assert explicit.to_dict()["opt_type_list"] is None


def test_openapi_30_nullable(make_client: Make) -> None:
    pkg = make_client("""
openapi: 3.0.3
info: {title: Old, version: '1'}
paths: {}
components:
  schemas:
    Pet:
      type: object
      required: [name, tag, keeper]
      properties:
        name: {type: string, nullable: true}
        owner: {$ref: '#/components/schemas/Owner'}
        tag: {type: string, x-nullable: true}  # Swagger 2.0's spelling, kept by converted specs
        keeper: {allOf: [{$ref: '#/components/schemas/Owner'}], x-nullable: true}
    Owner:
      type: object
      properties:
        id: {type: integer, format: int64}
""", "shapes_old")
    pet = pkg.models.Pet.model_validate({"name": None, "owner": {"id": 3}, "tag": None,
                                         "keeper": None})
    assert pet.name is None and pet.owner.id == 3 and pet.tag is None and pet.keeper is None
    assert not pkg._runtime._mismatches.mismatches(pet)


def test_formats_defaults_enums_const_and_extra_fields(make_client: Make) -> None:
    pkg = make_client(HEAD + """
components:
  schemas:
    Status: {type: string, enum: [active, paused]}
    Event:
      type: object
      required: [at, id, kind]
      properties:
        at: {type: string, format: date-time}
        day: {type: string, format: date}
        id: {type: string, format: uuid}
        blob: {type: string, format: binary}
        kind: {const: event}
        status: {$ref: '#/components/schemas/Status'}
        limit: {type: integer, default: 50}
        tags: {type: array, items: {type: string}, default: [a, b]}
        meta: {type: object, additionalProperties: {type: integer}}
        anything: {}
""", "shapes_formats")
    Event = pkg.models.Event
    event = Event.model_validate({
        "at": "2024-05-01T10:00:00Z", "day": "2024-05-01",
        "id": "6f1c7c1e-8d8a-4bb5-a0a5-3d8d2bd6b0a1",
        "kind": "event", "status": "archived", "meta": {"a": 1}, "new_field": True,
    })
    assert isinstance(event.at, datetime.datetime) and isinstance(event.day, datetime.date)
    assert isinstance(event.id, uuid.UUID)
    assert event.status == "archived"  # an enum value the spec does not know yet is kept
    assert event.limit == 50 and event.tags == ["a", "b"]
    assert event.model_extra == {"new_field": True}
    with pytest.raises(pydantic.ValidationError):
        Event.model_validate({"at": "2024-05-01T10:00:00Z", "id": str(uuid.uuid4()),
                              "kind": "other"})
    assert pkg.models.Status.__args__ == ("active", "paused")  # type: ignore[attr-defined]


def test_refs_into_nested_defs_refs_to_refs_and_recursion(make_client: Make) -> None:
    pkg = make_client(HEAD + """
components:
  schemas:
    Tree:
      type: object
      properties:
        label: {type: string}
        children: {type: array, items: {$ref: '#/components/schemas/Tree'}}
        leaf: {$ref: '#/components/schemas/Container/$defs/Leaf'}
        alias: {$ref: '#/components/schemas/TreeAlias'}
    TreeAlias: {$ref: '#/components/schemas/Tree'}
    Container:
      type: object
      properties:
        x: {type: integer}
      $defs:
        Leaf:
          type: object
          properties:
            weight: {type: number}
    A:
      type: object
      properties:
        b: {$ref: '#/components/schemas/B'}
    B:
      type: object
      properties:
        a: {$ref: '#/components/schemas/A'}
""", "shapes_refs")
    tree = pkg.models.Tree.model_validate(
        {"label": "root", "children": [{"label": "kid", "children": []}], "leaf": {"weight": 1.5},
         "alias": {"label": "again"}}
    )
    assert tree.children[0].label == "kid"
    assert tree.leaf.weight == 1.5 and type(tree.alias) is pkg.models.Tree
    assert pkg.models.A.model_validate({"b": {"a": {"b": None}}}).b.a.b is None
    assert pkg.models.A.__module__ == pkg.models.B.__module__  # mutually recursive: one module


def test_inline_objects_are_named_after_their_place(make_client: Make) -> None:
    pkg = make_client(HEAD + """
components:
  schemas:
    Order:
      type: object
      properties:
        shipping:
          type: object
          properties:
            city: {type: string}
        lines:
          type: array
          items:
            type: object
            properties:
              sku: {type: string}
""", "shapes_inline")
    order = pkg.models.Order.model_validate({"shipping": {"city": "Oslo"}, "lines": [{"sku": "x"}]})
    assert type(order.shipping).__name__ == "OrderShipping"
    assert type(order.lines[0]).__name__ == "OrderLinesItem"


def test_hostile_names_and_descriptions_stay_data(make_client: Make, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payload = f'""" + __import__("os").system("touch {marker}") + """ \\'
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "Shapes", "version": "1", "description": payload},
        "paths": {},
        "components": {"schemas": {"class": {
            "type": "object",
            "description": payload + '"',
            "properties": {
                "from": {"type": "string"},
                "user-id": {"type": "string"},
                "user_id": {"type": "string"},
                "1st": {"type": "string"},
                "model_dump": {"type": "string"},
                "str": {"type": "string", "description": "{% raw %}{{ x }}\u202e"},
                "{{ jinja }}": {"type": "string", "description": "'''"},
                "default_trap": {"type": "string", "default": payload},
            },
        }}},
    }
    pkg = make_client(json.dumps(spec), "shapes_hostile")
    model = pkg.models.Class
    data = model.model_validate({"from": "a", "user-id": "b", "user_id": "c", "1st": "d",
                                 "model_dump": "e", "str": "f"})
    assert ((data.from_, data.user_id, data.n1st, data.model_dump_, data.str_)
            == ("a", "c", "d", "e", "f"))
    assert data.user_id_ == "b"
    assert data.default_trap == payload
    assert data.to_dict()["user-id"] == "b"
    assert not marker.exists()


def test_discriminated_unions_pick_the_right_model(make_client: Make) -> None:
    pkg = make_client(HEAD + """
components:
  schemas:
    Cat:
      type: object
      required: [pet_type]
      properties:
        pet_type: {type: string}
        meows: {type: boolean}
    Dog:
      type: object
      required: [pet_type]
      properties:
        pet_type: {type: string}
        barks: {type: boolean}
    Text:
      type: object
      properties:
        type: {type: string, enum: [text]}
        value: {type: string}
    Image:
      type: object
      properties:
        type: {const: image}
        value: {type: string}
    Owner:
      type: object
      properties:
        mapped:
          oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]
          discriminator:
            propertyName: pet_type
            mapping: {kitty: '#/components/schemas/Cat', puppy: Dog}
        by_name:
          oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]
          discriminator: {propertyName: pet_type}
        by_const:
          type: array
          items:
            anyOf: [{$ref: '#/components/schemas/Text'}, {$ref: '#/components/schemas/Image'}]
            discriminator: {propertyName: type}
""", "shapes_unions")
    m = pkg.models
    owner = m.Owner.model_validate({
        "mapped": {"pet_type": "puppy", "meows": True},  # shape says Cat, the mapping says Dog
        "by_name": {"pet_type": "Cat", "barks": True},
        "by_const": [{"type": "image", "value": "a"}, {"type": "text", "value": "b"}],
    })
    assert type(owner.mapped) is m.Dog and type(owner.by_name) is m.Cat
    assert [type(x) for x in owner.by_const] == [m.Image, m.Text]
    # An instance is its own tag
    assert type(m.Owner(mapped=m.Cat(pet_type="kitty")).mapped) is m.Cat
    with pytest.raises(pydantic.ValidationError):
        m.Owner.model_validate({"mapped": {"pet_type": "parrot"}})


def test_all_of_extends_its_base_and_typed_extra_properties(make_client: Make) -> None:
    pkg = make_client(HEAD + """
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
    Dog:
      allOf:
        - $ref: '#/components/schemas/Pet'
        - type: object
          properties:
            barks: {type: boolean}
    Merged:
      allOf:
        - {type: object, properties: {a: {type: integer}}}
        - {type: object, required: [b], properties: {b: {type: string}}}
    Scores:
      type: object
      properties:
        total: {type: integer}
      additionalProperties: {type: integer}
    Labels:
      type: object
      patternProperties:
        '^x-': {type: string}
      additionalProperties: false
    Holder:
      type: object
      properties:
        tags:
          type: object
          additionalProperties: {type: array, items: {type: string}}
""", "shapes_allof")
    m = pkg.models
    dog = m.Dog.model_validate({"name": "Rex", "barks": True})
    assert isinstance(dog, m.Pet) and dog.name == "Rex" and dog.barks is True
    assert set(m.Merged.model_fields) == {"a", "b"} and m.Merged.model_fields["b"].is_required()
    assert m.Scores.model_validate({"total": 3, "math": "7"}).model_extra == {"math": 7}
    with pytest.raises(pydantic.ValidationError):
        m.Scores.model_validate({"math": "seven"})
    # An alias of dict[str, str]
    assert pydantic.TypeAdapter(m.Labels).validate_python({"x-a": "b"}) == {"x-a": "b"}
    with pytest.raises(pydantic.ValidationError):
        pydantic.TypeAdapter(m.Labels).validate_python({"x-a": 1})
    assert m.Holder.model_validate({"tags": {"a": ["b"]}}).tags == {"a": ["b"]}


def test_refs_into_other_files_confined_to_the_spec_folder(tmp_path: Path) -> None:
    from sdkforge.config import GenerateOptions
    from sdkforge.errors import SpecError
    from sdkforge.pipeline import generate

    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "pet.yaml").write_text(
        "type: object\nrequired: [name]\nproperties:\n  name: {type: string}\n"
        "  owner: {$ref: '../common.yaml#/components/schemas/Owner'}\n"
    )
    (tmp_path / "common.yaml").write_text(
        "components:\n  schemas:\n"
        "    Owner: {type: object, properties: {email: {type: string, format: email}}}\n"
    )
    main = tmp_path / "main.yaml"
    main.write_text(HEAD.replace("paths: {}", """paths:
  /pets:
    get:
      operationId: list_pets
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: 'schemas/pet.yaml'}}
""") + "components: {}\n")
    files = generate(GenerateOptions(main)).files
    assert "class Pet(BaseModel):" in files["shapes/models/pet.py"]
    assert "owner: Owner | None = None" in files["shapes/models/pet.py"]
    assert "-> builtins.list[_models.Pet]:" in files["shapes/resources/pets.py"]  # `def list`

    outside = tmp_path / "inner"
    outside.mkdir()
    escaping = outside / "spec.yaml"
    escaping.write_text(main.read_text().replace("schemas/pet.yaml", "../schemas/pet.yaml"))
    with pytest.raises(SpecError) as failure:
        generate(GenerateOptions(escaping))
    assert "leaves the spec's folder" in str(failure.value)


def test_all_of_constraints_on_one_value_stay_that_value(make_client: Make) -> None:
    pkg = make_client(HEAD + """
components:
  schemas:
    Day:
      allOf: [{type: string}, {format: date}]
    Event:
      type: object
      properties:
        day: {$ref: '#/components/schemas/Day'}
        count: {allOf: [{type: integer}, {minimum: 1}]}
""", "shapes_constraints")
    event = pkg.models.Event.model_validate({"day": "2024-02-03", "count": 3})
    assert event.day == datetime.date(2024, 2, 3) and event.count == 3
    assert pkg.models.Day is datetime.date  # every component schema has a public name


def test_an_all_of_that_only_describes_a_ref_is_that_ref(make_client: Make) -> None:
    # How a 3.0 spec describes a $ref in place (AWS's specs do it for every property): the
    # field is the referenced type, not a subclass per use or a copy of the enum's values, and
    # the description becomes the field's.
    pkg = make_client(HEAD + """
components:
  schemas:
    Size: {type: string, enum: [small, large]}
    Address: {type: object, properties: {city: {type: string}}}
    Order:
      type: object
      properties:
        size: {allOf: [{$ref: '#/components/schemas/Size'}, {description: How big it is.}]}
        home: {allOf: [{$ref: '#/components/schemas/Address'}, {description: Where it goes.}]}
        work: {allOf: [{$ref: '#/components/schemas/Address'}, {nullable: true}]}
""", "shapes_described_refs")
    order = pkg.models.Order.model_validate(
        {"size": "small", "home": {"city": "Oslo"}, "work": None})
    assert type(order.home) is pkg.models.Address and order.work is None
    assert sorted(n for n in dir(pkg.models) if n[0].isupper()) == ["Address", "Order", "Size"]
    lines = inspect.getsource(sys.modules[pkg.models.Order.__module__]).splitlines()
    assert "    size: Annotated[Size, LENIENT] | None = None" in lines
    assert '    """How big it is."""' in lines and '    """Where it goes."""' in lines


def test_an_enum_of_only_nulls_is_none_however_often_null_is_listed(make_client: Make) -> None:
    # Found by the fuzz campaign: `enum: [null, null]` became an enum without members, `Literal[]`.
    pkg = make_client(HEAD + """
components:
  schemas:
    Nothing: {enum: [null, null, null]}
    Holder:
      type: object
      properties:
        nothing: {$ref: '#/components/schemas/Nothing'}
""", "shapes_only_nulls")
    assert pkg.models.Holder.model_validate({"nothing": None}).nothing is None
    with pytest.raises(pydantic.ValidationError):
        pkg.models.Holder.model_validate({"nothing": "x"})


def test_recursion_through_a_merged_allof_member_is_typed_any(make_client: Make) -> None:
    # Found by the fuzz campaign: an `allOf` of constraints merged its referenced member past the
    # recursion guard, so X -> anyOf -> additionalProperties -> allOf [X] recursed until
    # RecursionError.
    pkg = make_client(HEAD + """
components:
  schemas:
    X:
      anyOf:
        - type: string
        - type: object
          additionalProperties:
            allOf:
              - $ref: '#/components/schemas/X'
              - description: more of the same
""", "shapes_merged_recursion")
    adapter = pydantic.TypeAdapter(pkg.models.X)
    assert adapter.validate_python({"a": {"b": "c"}}) == {"a": {"b": "c"}}
    assert adapter.validate_python("s") == "s"


def test_every_component_schema_has_a_public_name_and_long_enums_are_named_in_signatures(
    make_client: Make,
) -> None:
    pkg = make_client("""
openapi: 3.1.0
info: {title: Names, version: '1'}
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: model, in: query, schema: {$ref: '#/components/schemas/ModelName'}}
        - {name: kind, in: query, schema: {$ref: '#/components/schemas/Short'}}
      responses: {"204": {description: none}}
components:
  schemas:
    Pet: {type: object, properties: {id: {$ref: '#/components/schemas/Id'}}}
    Id: {type: string}
    Count: {type: integer}
    Wrapper: {allOf: [{$ref: '#/components/schemas/Pet'}]}
    Same: {$ref: '#/components/schemas/Pet'}
    MaybePet: {anyOf: [{$ref: '#/components/schemas/Pet'}, {type: 'null'}]}
    AnyThing: {}
    Three: {const: 3}
    Kind: {type: string, enum: [cat, dog]}
    Short: {anyOf: [{type: string}, {enum: [a, b]}]}
    ModelName:
      anyOf:
        - {type: string}
        - {type: string, enum: [gpt-4o, gpt-4o-mini, o1, o3, o4-mini]}
""", "names_every")
    models = pkg.models
    components = ["Pet", "Id", "Count", "Wrapper", "Same", "MaybePet", "AnyThing", "Three", "Kind",
                  "Short", "ModelName"]
    assert sorted(models.__all__) == sorted(components)
    assert models.Id is str and models.Count is int and models.Wrapper is models.Pet
    source = (Path(pkg.__file__).parent / "resources" / "pets.py").read_text()
    assert "model: _models.ModelName | NotGiven" in source  # five values: one name
    assert '"gpt-4o-mini"' not in source
    assert "kind: str | Literal[\"a\", \"b\"] | NotGiven" in source  # two values: spelt out


def test_a_schema_named_like_what_model_modules_import_still_imports(make_client: Make) -> None:
    # Found by the corpus run (Airflow's spec): a schema named `Tag` beside a discriminated union
    # in one module hid pydantic's Tag, and the module failed to import.
    pkg = make_client(HEAD + """
components:
  schemas:
    Tag: {type: object, properties: {name: {type: string}}}
    Self: {type: object, properties: {href: {type: string}}}
    Daily:
      type: object
      required: [__type]
      properties: {__type: {type: string}, hour: {type: integer}}
    Cron:
      type: object
      required: [__type]
      properties: {__type: {type: string}, expr: {type: string}}
    Dag:
      type: object
      properties:
        tags: {type: array, items: {$ref: '#/components/schemas/Tag'}}
        self: {$ref: '#/components/schemas/Self'}
        schedule:
          oneOf: [{$ref: '#/components/schemas/Daily'}, {$ref: '#/components/schemas/Cron'}]
          discriminator: {propertyName: __type}
""", "shapes_tag")
    dag = pkg.models.Dag.model_validate({"tags": [{"name": "etl"}],
                                        "schedule": {"__type": "Cron", "expr": "* * * * *"}})
    assert isinstance(dag.tags[0], pkg.models.Tag)
    assert type(dag.schedule).__name__ == "Cron"


def test_a_sent_only_models_unset_optional_fields_are_left_out(make_client: Make) -> None:
    pkg = make_client(HEAD.replace("paths: {}", """paths:
  /pets:
    post:
      operationId: createPet
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewPet'}
      responses: {"204": {description: none}}""") + """
components:
  schemas:
    NewPet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        weight: {type: number}
        nickname: {type: [string, 'null']}
""", "shapes_sent")
    from shapes_sent._runtime._encoding import to_jsonable
    from shapes_sent._runtime._types import NOT_GIVEN

    new_pet = pkg.models.NewPet
    assert to_jsonable(new_pet(name="Rex")) == {"name": "Rex"}
    assert to_jsonable(new_pet(name="Rex", weight=NOT_GIVEN)) == {"name": "Rex"}
    assert to_jsonable(new_pet(name="Rex", weight=2, nickname=None)) == {
        "name": "Rex", "weight": 2, "nickname": None}
    with pytest.raises(pydantic.ValidationError):
        new_pet.model_validate({"name": "Rex", "weight": None})  # not nullable: not sent as null


def test_a_method_named_list_does_not_hide_the_builtin_in_later_annotations(
    make_client: Make,
) -> None:
    # Found on a directory spec (doqs.dev): `def list(...)` in a resource class made mypy read
    # every later `list[...]` of that class as the method.
    import subprocess
    import sys

    pkg = make_client(HEAD.replace("paths: {}", """paths:
  /things:
    get:
      operationId: list
      tags: [things]
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {type: array, items: {type: string}}}}
    post:
      operationId: dict
      tags: [things]
      parameters:
        - name: ids
          in: query
          schema: {oneOf: [{type: string}, {type: array, items: {type: string}}]}
      requestBody:
        content: {application/json: {schema: {type: object, additionalProperties: {type: integer}}}}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {type: array, items: {type: integer}}}}"""),
                      "shapes_builtins")
    source = (Path(pkg.__file__).parent / "resources" / "things.py").read_text()
    assert "ids: str | builtins.list[str] | NotGiven" in source
    folder = Path(pkg.__file__).parent.parent
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "-p",
                           "shapes_builtins"], capture_output=True, text=True, cwd=folder,
                          timeout=300)
    assert done.returncode == 0, done.stdout


def test_a_field_declared_again_keeps_the_type_its_base_gave_it(make_client: Make) -> None:
    # Found on a directory spec (PeerTube): a model only sent extends another only sent and
    # declares one of its fields again; the base had `bytes | NotGiven`, the subclass wrote
    # `bytes | None`, which mypy refuses (an incompatible override).
    import subprocess

    pkg = make_client(HEAD.replace("paths: {}", """paths:
  /videos:
    post:
      operationId: upload
      requestBody:
        content: {application/json: {schema: {$ref: '#/components/schemas/Common'}}}
      responses: {"204": {description: ok}}
  /videos/resumable:
    post:
      operationId: uploadResumable
      requestBody:
        content: {application/json: {schema: {$ref: '#/components/schemas/Resumable'}}}
      responses: {"204": {description: ok}}""") + """
components:
  schemas:
    Common:
      type: object
      properties:
        name: {type: string}
        preview: {type: string, format: binary, description: The preview.}
    Resumable:
      allOf:
        - $ref: '#/components/schemas/Common'
        - type: object
          required: [filename]
          properties:
            filename: {type: string}
            preview: {type: string, format: binary, description: Its preview.}
""", "shapes_declared_again")
    source = inspect.getsource(sys.modules[pkg.models.Resumable.__module__])
    assert "    preview: bytes | NotGiven = NOT_GIVEN" in source.splitlines()
    assert "preview" not in pkg.models.Resumable(filename="a.mp4").model_dump(exclude_unset=True)
    folder = Path(pkg.__file__).parent.parent
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "-p",
                           "shapes_declared_again"], capture_output=True, text=True, cwd=folder,
                          timeout=300)
    assert done.returncode == 0, done.stdout


def test_prefix_items_are_a_tuple_only_when_nothing_may_follow(make_client: Make) -> None:
    """2020-12's `prefixItems` types the first items; more may follow unless `items: false` (or
    `maxItems` is the prefix's length). An open one was a closed tuple, so a longer array or
    the items `items` allows after the prefix were mismatches."""
    pkg = make_client("""
    openapi: 3.1.0
    info: {title: Tuples, version: '1'}
    paths: {}
    components:
      schemas:
        Row:
          type: object
          properties:
            point: {type: array, prefixItems: [{type: number}, {type: number}], items: false}
            pair: {type: array, prefixItems: [{type: string}, {type: integer}], maxItems: 2}
            head: {type: array, prefixItems: [{type: string}], items: {type: integer}}
            open: {type: array, prefixItems: [{type: string}]}
    """, "tuples")
    row = pkg.models.Row.model_validate(
        {"point": [1, 2], "pair": ["a", 1], "head": ["h", 1, 2], "open": ["o", {"x": 1}, 3]})
    assert not pkg._runtime._mismatches.mismatches(row)
    assert row.point == (1, 2) and row.pair == ("a", 1)
    assert row.head == ["h", 1, 2] and row.open == ["o", {"x": 1}, 3]


def test_a_component_whose_type_list_admits_null_is_nullable_where_used(make_client: Make) -> None:
    """`type: [object, "null"]` on a component model: a required property that refers to it
    takes null (it was typed the model alone, so null was a mismatch and could not be sent)."""
    pkg = make_client("""
    openapi: 3.1.0
    info: {title: Lists, version: '1'}
    paths: {}
    components:
      schemas:
        Maybe: {type: [object, 'null'], properties: {a: {type: string}}}
        Holder:
          type: object
          required: [maybe]
          properties: {maybe: {$ref: '#/components/schemas/Maybe'}}
    """, "type_lists")
    holder = pkg.models.Holder.model_validate({"maybe": None})
    assert holder.maybe is None and not pkg._runtime._mismatches.mismatches(holder)
    assert pkg.models.Holder(maybe=None).to_dict() == {"maybe": None}


POLYMORPHIC = """
openapi: 3.0.3
info: {title: Zoo, version: '1'}
paths: {}
components:
  schemas:
    Shape:  # a base, as Java and .NET tools write one: the subtypes extend it
      type: object
      required: [shapeType]
      properties: {shapeType: {type: string}, name: {type: string}}
      discriminator:
        propertyName: shapeType
        mapping: {circle: '#/components/schemas/Circle', square: Square}
    Circle:
      allOf:
        - {$ref: '#/components/schemas/Shape'}
        - {type: object, properties: {radius: {type: number}}}
    Square:
      allOf:
        - {$ref: '#/components/schemas/Shape'}
        - {type: object, properties: {side: {type: number}}}
    Animal:  # no mapping: the schemas that extend it, by their names
      type: object
      required: [kind]
      properties: {kind: {type: string}}
      discriminator: {propertyName: kind}
    Dog:
      allOf:
        - {$ref: '#/components/schemas/Animal'}
        - {type: object, properties: {barks: {type: boolean}}}
    Drawing:
      type: object
      properties:
        shapes: {type: array, items: {$ref: '#/components/schemas/Shape'}}
        pet: {$ref: '#/components/schemas/Animal'}
"""


def test_a_reference_to_a_polymorphic_base_is_any_of_its_subtypes(make_client: Make) -> None:
    """A base with a discriminator and no oneOf: a reference to it is the subtype the tag
    names (it was always the base, the subtype's fields left as untyped extras), and a tag
    no subtype claims is the base itself, its fields kept."""
    zoo = make_client(POLYMORPHIC, "zoo")
    m = zoo.models
    drawing = m.Drawing.model_validate({
        "shapes": [{"shapeType": "circle", "radius": 2}, {"shapeType": "square", "side": 3},
                   {"shapeType": "hexagon", "corners": 6}],
        "pet": {"kind": "Dog", "barks": True}})
    circle, square, other = drawing.shapes
    assert type(circle) is m.Circle and circle.radius == 2 and isinstance(circle, m.Shape)
    assert type(square) is m.Square and square.side == 3
    assert type(other) is m.Shape and other.model_extra == {"corners": 6}
    assert type(drawing.pet) is m.Dog and drawing.pet.barks is True
    assert not zoo._runtime._mismatches.mismatches(drawing)
    assert m.Drawing(shapes=[m.Circle(shapeType="circle", radius=1)]).to_dict() == {
        "shapes": [{"shapeType": "circle", "radius": 1.0}]}
